#include "tests/support/paths.h"

#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"

namespace evtrade::testing {

std::string SourceDir() { return EVTRADE_SOURCE_DIR; }
std::string BinDir() { return EVTRADE_BIN_DIR; }

std::string MakeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::filesystem::path root = base != nullptr
                                   ? std::filesystem::path(base)
                                   : std::filesystem::temp_directory_path();
  absl::BitGen gen;
  std::filesystem::path dir = root / absl::StrCat("evtrade_", prefix, "_",
                                                  absl::Uniform<uint64_t>(gen));
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace evtrade::testing
