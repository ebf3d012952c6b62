// Reading small files (secrets, certificates) whole, with the reason on
// failure.
#ifndef EVTRADE_COMMON_UTIL_FILE_H_
#define EVTRADE_COMMON_UTIL_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace evtrade {

// The file's bytes. NOT_FOUND / PERMISSION_DENIED "cannot read <path>:
// <reason>" when it cannot be opened.
absl::StatusOr<std::string> ReadFileContents(const std::string& path);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_UTIL_FILE_H_
