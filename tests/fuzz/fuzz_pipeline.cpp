// libFuzzer target: pipeline text -> nas::parse_json_text ->
// nas::resolve_pipeline against the real plugins. Checks that bad input is
// refused with nas::Error only, and that resolving is idempotent (the
// resolved pipeline, resolved again, is unchanged: resolved.json reproduces
// the run).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "nas/pipeline.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nas_fuzz::registry("space");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nas::Registry& reg = nas_fuzz::registry("space");
  nas::json raw;
  bool parsed = false;
  nas_fuzz::expect_clean(text, [&] {
    raw = nas::parse_json_text(text, "fuzz.json");
    parsed = true;
  });
  if (!parsed) return 0;
  nas::json resolved;
  bool ok = false;
  nas_fuzz::expect_clean(text, [&] {
    resolved = nas::resolve_pipeline(raw, reg, {}, "configs/fuzz.json");
    ok = true;
  });
  if (!ok) return 0;
  nas_fuzz::expect_clean(text, [&] {
    // A resolved pipeline must resolve again, to itself.
    try {
      const nas::json again = nas::resolve_pipeline(resolved, reg, {}, "configs/fuzz.json");
      if (again != resolved)
        nas_fuzz::fail("resolving twice changed the pipeline:\n" + resolved.dump() + "\n" + again.dump(), text);
    } catch (const nas::Error& e) {
      nas_fuzz::fail(std::string("the resolved pipeline was refused: ") + e.what() + "\n" + resolved.dump(), text);
    }
    (void)resolved.dump();  // resolved.json is written with dump(): it must not throw (e.g. invalid UTF-8)
  });
  return 0;
}
