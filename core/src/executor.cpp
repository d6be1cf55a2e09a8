#include "nas/executor.h"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "nas/errors.h"

namespace nas {

namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : 0;
}

// The MPI executor keeps its library loaded for as long as it lives.
class LibraryExecutor : public Executor {
 public:
  LibraryExecutor(std::shared_ptr<boost::dll::shared_library> lib, Executor* inner) : lib_(std::move(lib)), inner_(inner) {}
  bool is_writer() const override { return inner_->is_writer(); }
  int processes() const override { return inner_->processes(); }
  void map(const std::vector<std::size_t>& units, const Compute& compute, const Accept& accept) override {
    inner_->map(units, compute, accept);
  }
  std::string share(const std::string& message) override { return inner_->share(message); }
  std::string describe() const override { return inner_->describe(); }
  void abandon(int exit_code) override { inner_->abandon(exit_code); }
  std::vector<int64_t> units_per_worker() const override { return inner_->units_per_worker(); }

 private:
  std::shared_ptr<boost::dll::shared_library> lib_;
  std::unique_ptr<Executor> inner_;  // declared after lib_, so destroyed before the library unloads
};

}  // namespace

bool launched_by_mpi() {
  return env_int("OMPI_COMM_WORLD_SIZE") > 1 || env_int("PMI_SIZE") > 1 || env_int("PMIX_SIZE") > 1 ||
         (std::getenv("SLURM_STEP_ID") && env_int("SLURM_NTASKS") > 1);
}

std::unique_ptr<Executor> make_executor(int* argc, char*** argv) {
  if (!launched_by_mpi()) return local_executor();
  // libnasmpi sits beside libnascore, in the build tree and the install prefix.
  boost::dll::fs::error_code ec;
  const std::filesystem::path here = boost::dll::this_line_location(ec).string();
  const std::string path = (here.parent_path() / "libnasmpi.so").string();
  auto lib = std::make_shared<boost::dll::shared_library>();
  lib->load(path, ec, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_global);
  if (ec || !lib->is_loaded() || !lib->has("nas_mpi_executor"))
    throw Error("started by an MPI launcher, but " + path +
                " cannot be opened (build nasrun with libopenmpi-dev installed; tools/install_deps.sh does it)");
  Executor* inner = lib->get_alias<MpiExecutorEntry>("nas_mpi_executor")(argc, argv);
  return std::make_unique<LibraryExecutor>(lib, inner);
}

}  // namespace nas
