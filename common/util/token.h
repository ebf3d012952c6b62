// Bearer tokens shared by the ingest service (which checks them) and its
// clients (which send them).
#ifndef EVTRADE_COMMON_UTIL_TOKEN_H_
#define EVTRADE_COMMON_UTIL_TOKEN_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace evtrade {

// The token stored in a file, surrounding whitespace (the trailing newline
// editors add) removed. NOT_FOUND / PERMISSION_DENIED when unreadable,
// INVALID_ARGUMENT when empty or containing whitespace inside.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

// The token held by environment variable `name`; errors as ReadTokenFile.
absl::StatusOr<std::string> ReadTokenEnv(const std::string& name);

// Compares in time that depends only on `expected`'s length, so that timing
// does not reveal how much of a guess was right.
bool ConstantTimeEquals(std::string_view expected, std::string_view actual);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_UTIL_TOKEN_H_
