// Every absl flag of a binary can also be set by an environment variable
// EVTRADE_<FLAG NAME IN UPPER CASE> (containers and k8s ConfigMaps set the
// environment, not the command line). The command line wins.
#ifndef EVTRADE_COMMON_SERVER_ENV_FLAGS_H_
#define EVTRADE_COMMON_SERVER_ENV_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace evtrade {

// "drain_seconds" -> "EVTRADE_DRAIN_SECONDS".
std::string EnvVarForFlag(absl::string_view flag_name);

// Sets every registered flag whose variable is present in the environment.
// Call before absl::ParseCommandLine so that the command line overrides.
// INVALID_ARGUMENT "EVTRADE_X: <reason>" for the first value that does not
// parse. Not thread-safe (flags are process-global): call from main only.
absl::Status ApplyFlagsFromEnv();

// ApplyFlagsFromEnv, then absl::ParseCommandLine. On a bad environment value
// prints "<program>: EVTRADE_X: <reason>" on stderr and exits 2 (absl does
// the same for bad command-line values). Returns the positional arguments.
std::vector<char*> ParseFlagsWithEnv(int argc, char* argv[]);

// Prints "<program>: <status message>" on stderr and exits 2, the exit code
// of a usage error (absl's flag parser uses it too).
[[noreturn]] void ExitWithUsageError(absl::string_view program,
                                     const absl::Status& status);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_SERVER_ENV_FLAGS_H_
