// query_service: reads the store and answers evtrade.v1.QueryService.
// Flags (each also settable as EVTRADE_<FLAG>) -> config -> server.
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/server/env_flags.h"
#include "common/server/logging.h"
#include "common/server/metrics.h"
#include "common/server/server_runner.h"
#include "common/server/service_main.h"
#include "query_service/query_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50052",
          "gRPC listen address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, db, "var/evtrade.db", "SQLite store file");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9092",
          "Prometheus /metrics listen address, host:port");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error or off");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate (chain) of this server: serve TLS with it, and "
          "present it as the client certificate on outbound calls");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA certificate(s) that verify peers: clients must present a "
          "certificate it signed (mTLS), and servers called must too");
ABSL_FLAG(double, drain_seconds, 1,
          "on SIGTERM: seconds between NOT_SERVING and shutdown");
ABSL_FLAG(int, worker_threads, 4,
          "threads doing the blocking store reads, one SQLite connection each "
          "(1..64)");
ABSL_FLAG(double, busy_timeout_seconds, 5,
          "how long a store read waits on a SQLite lock (readers never wait "
          "for an ingest commit)");

namespace {

constexpr char kProgram[] = "query_service";

constexpr int kMaxWorkerThreads = 64;

struct QueryMainConfig {
  evtrade::ServiceMainConfig base;
  evtrade::query::QueryServiceConfig service;
};

QueryMainConfig ConfigFromFlags() {
  absl::StatusOr<evtrade::ServiceMainConfig> base =
      evtrade::MakeServiceMainConfig(
          kProgram, {.listen = absl::GetFlag(FLAGS_listen),
                     .metrics_listen = absl::GetFlag(FLAGS_metrics_listen),
                     .log_level = absl::GetFlag(FLAGS_log_level),
                     .drain_seconds = absl::GetFlag(FLAGS_drain_seconds),
                     .tls = {.cert_file = absl::GetFlag(FLAGS_tls_cert_file),
                             .key_file = absl::GetFlag(FLAGS_tls_key_file),
                             .ca_file = absl::GetFlag(FLAGS_tls_ca_file)}});
  if (!base.ok()) evtrade::ExitWithUsageError(kProgram, base.status());
  QueryMainConfig config{.base = *std::move(base), .service = {}};
  config.service.db_path = absl::GetFlag(FLAGS_db);
  // Readers open the store read-only, but the folder must be there.
  if (absl::Status s = evtrade::ValidateDbPath("db", config.service.db_path,
                                               /*writable=*/false);
      !s.ok()) {
    evtrade::ExitWithUsageError(kProgram, s);
  }
  config.service.worker_threads = absl::GetFlag(FLAGS_worker_threads);
  if (config.service.worker_threads < 1 ||
      config.service.worker_threads > kMaxWorkerThreads) {
    evtrade::ExitWithUsageError(
        kProgram, absl::InvalidArgumentError(absl::StrCat(
                      "--worker_threads: must be 1..", kMaxWorkerThreads,
                      ", got ", config.service.worker_threads)));
  }
  const double busy_seconds = absl::GetFlag(FLAGS_busy_timeout_seconds);
  if (!(busy_seconds >= 0 && busy_seconds <= 3600)) {
    evtrade::ExitWithUsageError(
        kProgram,
        absl::InvalidArgumentError(absl::StrCat(
            "--busy_timeout_seconds: must be 0..3600, got ", busy_seconds)));
  }
  config.service.busy_timeout = absl::Seconds(busy_seconds);
  return config;
}

}  // namespace

int main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage(
      "evtrade query service (evtrade.v1.QueryService); every flag can also "
      "be set as EVTRADE_<FLAG IN UPPER CASE>");
  evtrade::ParseFlagsWithEnv(argc, argv);
  const QueryMainConfig config = ConfigFromFlags();

  std::unique_ptr<evtrade::Metrics> metrics =
      evtrade::StartServiceProcess(kProgram, config.base);

  // Outlives the server: RunServerUntilSignal returns after shutdown.
  auto query = evtrade::query::QueryServiceImpl::Create(config.service);
  if (!query.ok()) {
    spdlog::error("--db {}: {}", config.service.db_path,
                  std::string(query.status().message()));
    return 1;
  }
  std::vector<evtrade::ServiceRegistration> services = {
      {query->get(), evtrade::v1::QueryService::service_full_name()}};

  absl::Status status = evtrade::RunServerUntilSignal(config.base.server,
                                                      services, metrics.get());
  if (!status.ok()) {
    spdlog::error("{}", std::string(status.message()));
    return 1;
  }
  return 0;
}
