// What the three service mains share between parsing flags and running the
// server: turning flag values into config structs with one-line,
// flag-named errors, and the exit path for a bad value. Libraries never read
// flags; the mains pass the values in.
#ifndef EVTRADE_COMMON_SERVER_SERVICE_MAIN_H_
#define EVTRADE_COMMON_SERVER_SERVICE_MAIN_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/server/env_flags.h"  // ExitWithUsageError, for the mains
#include "common/server/logging.h"
#include "common/server/metrics.h"
#include "common/server/server_runner.h"
#include "common/tls/tls_config.h"

namespace evtrade {

// Flag values every service binary has.
struct CommonServiceFlags {
  std::string listen;
  // Empty: no Prometheus exposer (the gateway renders /metrics itself).
  std::string metrics_listen;
  std::string log_level;
  double drain_seconds = 1;
  // --tls_cert_file, --tls_key_file, --tls_ca_file.
  TlsFiles tls{};
};

struct ServiceMainConfig {
  ServerConfig server;
  MetricsConfig metrics;
  LoggingConfig logging;
};

// INVALID_ARGUMENT "--<flag>: <reason>" for the first bad value.
absl::StatusOr<ServiceMainConfig> MakeServiceMainConfig(
    absl::string_view program, const CommonServiceFlags& flags);

// A gRPC target for a backend: host:port (port 1..65535) or a gRPC URI such
// as dns:///query-headless:50052. `flag` names the error:
// "--query_addr: ...".
absl::Status ValidateTarget(absl::string_view flag, absl::string_view target);

// The SQLite file's folder must exist (and, with `writable`, accept new
// files: SQLite creates the -wal and -shm files next to the store).
absl::Status ValidateDbPath(absl::string_view flag, const std::string& path,
                            bool writable);

// The file must be readable and hold a non-blank secret.
absl::Status ValidateSecretFile(absl::string_view flag,
                                const std::string& path);

// What every service main does once its config is made, before any other
// thread exists: blocks SIGTERM/SIGINT so that only the signal-waiting
// thread sees them, ignores SIGPIPE, sets up logging and creates the
// metrics registry (and
// its exposer). Exits 1 with a logged "--metrics_listen: ..." line when the
// exposer cannot start.
std::unique_ptr<Metrics> StartServiceProcess(absl::string_view program,
                                             const ServiceMainConfig& config);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_SERVER_SERVICE_MAIN_H_
