// Where tests find the source tree and the built binaries.
#ifndef EVTRADE_TESTS_SUPPORT_PATHS_H_
#define EVTRADE_TESTS_SUPPORT_PATHS_H_

#include <string>

namespace evtrade::testing {

// The repository root (for data/ and protos/).
std::string SourceDir();
// build/bin, where the service binaries and the CLI are.
std::string BinDir();
// A fresh, empty directory under the test's temporary directory.
std::string MakeTempDir(const std::string& prefix);

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_PATHS_H_
