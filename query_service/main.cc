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
ABSL_FLAG(std::string, db, "var/evtrade.db",
          "the store: a SQLite file, or a PostgreSQL URI "
          "(postgresql://user@host:port/dbname, e.g. of a hot standby)");
ABSL_FLAG(std::string, db_password_file, "",
          "PostgreSQL only: file holding the password (else libpq reads "
          "PGPASSWORD or ~/.pgpass)");
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
          "threads doing the blocking store reads, one store connection "
          "each (1..64)");
ABSL_FLAG(double, busy_timeout_seconds, 5,
          "SQLite: how long a store read waits on a lock (readers never wait "
          "for an ingest commit)");
ABSL_FLAG(double, replica_wait_seconds, 2,
          "PostgreSQL: how long a read on a replica that is behind a "
          "data_version this process already served waits for replay before "
          "failing UNAVAILABLE");
ABSL_FLAG(double, watch_poll_ms, 0,
          "WatchDataVersion: milliseconds between two reads of the store's "
          "data_version while a gateway watches (0.1..1000); 0 = 1 for "
          "SQLite, 10 for PostgreSQL (each read is a round trip there)");

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
  absl::StatusOr<evtrade::store::StoreConfig> store =
      evtrade::store::StoreConfigFromFlags(
          absl::GetFlag(FLAGS_db), absl::GetFlag(FLAGS_db_password_file));
  if (!store.ok()) evtrade::ExitWithUsageError(kProgram, store.status());
  config.service.store = *std::move(store);
  config.service.store.migrate = false;
  // A SQLite store's folder must be there.
  if (!evtrade::store::IsPostgresDb(config.service.store.db)) {
    if (absl::Status s = evtrade::ValidateDbPath("db", config.service.store.db,
                                                 /*writable=*/false);
        !s.ok()) {
      evtrade::ExitWithUsageError(kProgram, s);
    }
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
  config.service.store.lock_timeout = absl::Seconds(busy_seconds);
  const double replica_seconds = absl::GetFlag(FLAGS_replica_wait_seconds);
  if (!(replica_seconds >= 0 && replica_seconds <= 60)) {
    evtrade::ExitWithUsageError(
        kProgram,
        absl::InvalidArgumentError(absl::StrCat(
            "--replica_wait_seconds: must be 0..60, got ", replica_seconds)));
  }
  config.service.store.replica_wait = absl::Seconds(replica_seconds);
  double poll_ms = absl::GetFlag(FLAGS_watch_poll_ms);
  if (poll_ms == 0) {
    poll_ms = evtrade::store::IsPostgresDb(config.service.store.db) ? 10 : 1;
  }
  if (!(poll_ms >= 0.1 && poll_ms <= 1000)) {
    evtrade::ExitWithUsageError(
        kProgram, absl::InvalidArgumentError(absl::StrCat(
                      "--watch_poll_ms: must be 0.1..1000 (or 0), got ",
                      absl::GetFlag(FLAGS_watch_poll_ms))));
  }
  config.service.watch.poll_interval = absl::Microseconds(poll_ms * 1000);
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
    spdlog::error("--db: {}", std::string(query.status().message()));
    return 1;
  }
  std::vector<evtrade::ServiceRegistration> services = {
      {query->get(), evtrade::v1::QueryService::service_full_name()}};
  evtrade::ServerConfig server_config = config.base.server;
  server_config.end_streams = [service = query->get()] {
    service->EndWatches();
  };

  // NOT_SERVING until the store has the schema (the ingest service creates
  // it), rather than exiting: the two may start in any order.
  evtrade::query::QueryServiceImpl* service = query->get();
  absl::Status status = evtrade::RunServerUntilSignal(
      server_config, services, metrics.get(),
      [service] { return service->StoreReady(); });
  if (!status.ok()) {
    spdlog::error("{}", std::string(status.message()));
    return 1;
  }
  return 0;
}
