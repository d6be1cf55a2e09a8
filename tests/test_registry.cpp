// The plugin loader: every broken library is refused with one line naming
// the file and the reason, and the host never crashes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "nas/errors.h"
#include "nas/registry.h"

namespace {

const std::string kBroken = NASRUN_BROKEN_PLUGIN_DIR;

std::string refusal_for(const nas::Registry& r, const std::string& file) {
  for (const auto& line : r.refusals())
    if (line.find(file) != std::string::npos) return line;
  return "";
}

TEST(Registry, RefusesWrongAbiWithBothVersions) {
  nas::Registry r;
  r.add(kBroken + "/nas_wrong_abi.so");
  const std::string line = refusal_for(r, "nas_wrong_abi.so");
  EXPECT_NE(line.find("ABI version 999"), std::string::npos) << line;
  EXPECT_NE(line.find("version " + std::to_string(nas::kNasPluginAbiVersion)), std::string::npos) << line;
  EXPECT_EQ(r.find("proxy", "future"), nullptr);
}

TEST(Registry, RefusesOtherLibTorchVersion) {
  nas::Registry r;
  r.add(kBroken + "/nas_wrong_torch.so");
  const std::string line = refusal_for(r, "nas_wrong_torch.so");
  EXPECT_NE(line.find("LibTorch 0.0.1-not-this-one"), std::string::npos) << line;
  EXPECT_NE(line.find("rebuild"), std::string::npos) << line;
}

TEST(Registry, RefusesLibraryWithoutEntry) {
  nas::Registry r;
  r.add(kBroken + "/nas_no_entry.so");
  EXPECT_NE(refusal_for(r, "nas_no_entry.so").find("no 'nas_plugin_info' entry"), std::string::npos);
}

TEST(Registry, RefusesFileThatIsNotALibrary) {
  nas::Registry r;
  r.add(kBroken + "/nas_not_a_library.so");
  EXPECT_NE(refusal_for(r, "nas_not_a_library.so").find("cannot be opened as a shared library"), std::string::npos);
}

TEST(Registry, RefusesDuplicateNameAndKeepsTheFirst) {
  nas::Registry r;
  r.scan({kBroken});
  const auto* toy = r.find("proxy", "toy");
  ASSERT_NE(toy, nullptr);
  EXPECT_NE(toy->path.find("nas_toy_a.so"), std::string::npos);
  const std::string line = refusal_for(r, "nas_toy_b.so");
  EXPECT_NE(line.find("proxy 'toy' is already provided by"), std::string::npos) << line;
  // Every refusal is one line.
  for (const auto& l : r.refusals()) EXPECT_EQ(l.find('\n'), std::string::npos) << l;
  EXPECT_GE(r.refusals().size(), 5u);
}

TEST(Registry, MakesObjectsWithResolvedOptions) {
  nas::Registry r;
  r.add(kBroken + "/nas_toy_a.so");
  auto p = r.make_proxy("toy", {{"value", 2.5}}, {}, "/proxies/0");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->needs(), nas::kNoProbe);
  try {
    r.make_proxy("toy", {{"valeu", 2.5}}, {}, "/proxies/0");
    FAIL() << "unknown option accepted";
  } catch (const nas::PipelineError& e) {
    EXPECT_STREQ(e.what(), "/proxies/0/options/valeu: unknown key, did you mean \"value\"?");
  }
  try {
    r.make_proxy("tyo", nas::json::object(), {}, "/proxies/0");
    FAIL() << "unknown plugin accepted";
  } catch (const nas::PipelineError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown proxy 'tyo', did you mean \"toy\"?"), std::string::npos) << e.what();
  }
}

TEST(Registry, SearchPathOrder) {
  setenv("NASRUN_PLUGIN_PATH", "/tmp/a:/tmp/b", 1);
  const auto dirs = nas::plugin_search_path({"/tmp/first"});
  ASSERT_GE(dirs.size(), 4u);
  EXPECT_EQ(dirs[0], "/tmp/first");
  EXPECT_EQ(dirs[1], "/tmp/a");
  EXPECT_EQ(dirs[2], "/tmp/b");
  unsetenv("NASRUN_PLUGIN_PATH");
}

TEST(Registry, ListsInstalledPluginsAsJson) {
  nas::Registry r;
  r.scan({kBroken});
  const auto j = nas::describe_plugins(r);
  const auto it = std::find_if(j.begin(), j.end(), [](const nas::json& p) { return p["name"] == "toy"; });
  ASSERT_NE(it, j.end());
  EXPECT_EQ((*it)["kind"], "proxy");
  EXPECT_EQ((*it)["options"][0]["name"], "value");
  EXPECT_EQ((*it)["options"][0]["default"], 1.5);
}

}  // namespace
