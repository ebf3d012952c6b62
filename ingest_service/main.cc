// ingest_service: the one writer of the store (evtrade.v1.IngestService).
// Flags (each also settable as EVTRADE_<FLAG>) -> config -> server.
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/server/env_flags.h"
#include "common/server/logging.h"
#include "common/server/metrics.h"
#include "common/server/server_runner.h"
#include "common/server/service_main.h"
#include "common/store/open_store.h"
#include "common/util/ingest_limits.h"
#include "common/util/token.h"
#include "ingest_service/ingest_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC listen address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, db, "var/evtrade.db",
          "the store: a SQLite file, or a PostgreSQL URI of the primary "
          "(postgresql://user@host:port/dbname); created or migrated at "
          "start");
ABSL_FLAG(std::string, db_password_file, "",
          "PostgreSQL only: file holding the password (else libpq reads "
          "PGPASSWORD or ~/.pgpass)");
ABSL_FLAG(std::string, token_file, "var/ingest.token",
          "file holding the bearer token writers must present");
ABSL_FLAG(std::string, token_env, "",
          "name of an environment variable holding the bearer token; when "
          "set, it is used instead of --token_file");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9091",
          "Prometheus /metrics listen address, host:port");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error or off");
ABSL_FLAG(int64_t, stream_idle_timeout_seconds, 30,
          "an Ingest stream holding the writer slot that sends nothing for "
          "this long is ended (ABORTED) and rolled back, freeing the slot");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate (chain) of this server: serve TLS with it, and "
          "present it as the client certificate on outbound calls");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA certificate(s) that verify peers: clients must present a "
          "certificate it signed (mTLS), and servers called must too");
ABSL_FLAG(double, drain_seconds, 1,
          "on SIGTERM: seconds between NOT_SERVING and shutdown");

namespace {

constexpr char kProgram[] = "ingest_service";

struct IngestMainConfig {
  evtrade::ServiceMainConfig base;
  evtrade::store::StoreConfig store;
  std::string token;
  absl::Duration stream_idle_timeout;
};

IngestMainConfig ConfigFromFlags() {
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
  absl::StatusOr<evtrade::store::StoreConfig> store =
      evtrade::store::StoreConfigFromFlags(
          absl::GetFlag(FLAGS_db), absl::GetFlag(FLAGS_db_password_file));
  if (!store.ok()) evtrade::ExitWithUsageError(kProgram, store.status());
  IngestMainConfig config{.base = *std::move(base),
                          .store = *std::move(store),
                          .token = "",
                          .stream_idle_timeout = absl::ZeroDuration()};
  const int64_t idle_seconds = absl::GetFlag(FLAGS_stream_idle_timeout_seconds);
  if (idle_seconds < 1 || idle_seconds > 86400) {
    evtrade::ExitWithUsageError(
        kProgram, absl::InvalidArgumentError(absl::StrCat(
                      "--stream_idle_timeout_seconds: must be 1..86400, got ",
                      idle_seconds)));
  }
  config.stream_idle_timeout = absl::Seconds(idle_seconds);
  if (!evtrade::store::IsPostgresDb(config.store.db)) {
    if (absl::Status s = evtrade::ValidateDbPath("db", config.store.db,
                                                 /*writable=*/true);
        !s.ok()) {
      evtrade::ExitWithUsageError(kProgram, s);
    }
  }
  // The token is read once, at start-up: rotating it means a restart.
  const std::string token_env = absl::GetFlag(FLAGS_token_env);
  absl::StatusOr<std::string> token =
      token_env.empty()
          ? evtrade::ReadTokenFile(absl::GetFlag(FLAGS_token_file))
          : evtrade::ReadTokenEnv(token_env);
  if (!token.ok()) {
    evtrade::ExitWithUsageError(
        kProgram, absl::InvalidArgumentError(absl::StrCat(
                      token_env.empty() ? "--token_file: " : "--token_env: ",
                      token.status().message())));
  }
  config.token = *std::move(token);
  return config;
}

}  // namespace

int main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage(
      "evtrade ingest service (evtrade.v1.IngestService); every flag can also "
      "be set as EVTRADE_<FLAG IN UPPER CASE>");
  evtrade::ParseFlagsWithEnv(argc, argv);
  const IngestMainConfig config = ConfigFromFlags();

  std::unique_ptr<evtrade::Metrics> metrics =
      evtrade::StartServiceProcess(kProgram, config.base);

  // Creates or migrates the schema (once, also when replicas start
  // together).
  auto store = evtrade::store::OpenIngestStore(config.store);
  if (!store.ok()) {
    spdlog::error("--db: {}", std::string(store.status().message()));
    return 1;
  }
  // Declared after the store, so destroyed first (after the server stopped).
  const evtrade::IngestServiceConfig ingest_config{
      .token = config.token, .stream_idle_timeout = config.stream_idle_timeout};
  evtrade::IngestServiceImpl ingest(ingest_config, store->get(),
                                    metrics->registry());
  evtrade::ServerConfig server_config = config.base.server;
  server_config.max_receive_message_bytes =
      evtrade::IngestTransportReceiveLimit(ingest_config.message_limits);
  std::vector<evtrade::ServiceRegistration> services = {
      {&ingest, evtrade::v1::IngestService::service_full_name()}};

  absl::Status status =
      evtrade::RunServerUntilSignal(server_config, services, metrics.get());
  if (!status.ok()) {
    spdlog::error("{}", std::string(status.message()));
    return 1;
  }
  return 0;
}
