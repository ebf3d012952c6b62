// gateway: the entry point for reading clients (evtrade.v1.GatewayService,
// QueryService forwarding, HTTP/JSON). It never touches the store.
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
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50050",
          "gRPC listen address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, query_addr, "127.0.0.1:50052",
          "query service target: host:port or a gRPC URI such as "
          "dns:///query-headless:50052");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8080",
          "HTTP/JSON, dashboard and /metrics listen address, host:port");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error or off");
ABSL_FLAG(double, drain_seconds, 1,
          "on SIGTERM: seconds between NOT_SERVING and shutdown");

namespace {

constexpr char kProgram[] = "gateway";

struct GatewayMainConfig {
  evtrade::ServiceMainConfig base;
  std::string query_addr;
  std::string http_listen;
};

GatewayMainConfig ConfigFromFlags() {
  // No exposer: the gateway serves /metrics on its HTTP port
  // (Metrics::RenderText()).
  absl::StatusOr<evtrade::ServiceMainConfig> base =
      evtrade::MakeServiceMainConfig(
          kProgram, {.listen = absl::GetFlag(FLAGS_listen),
                     .metrics_listen = "",
                     .log_level = absl::GetFlag(FLAGS_log_level),
                     .drain_seconds = absl::GetFlag(FLAGS_drain_seconds)});
  if (!base.ok()) evtrade::ExitWithUsageError(kProgram, base.status());
  GatewayMainConfig config{.base = *std::move(base),
                           .query_addr = absl::GetFlag(FLAGS_query_addr),
                           .http_listen = absl::GetFlag(FLAGS_http_listen)};
  if (absl::Status s = evtrade::ValidateTarget("query_addr", config.query_addr);
      !s.ok()) {
    evtrade::ExitWithUsageError(kProgram, s);
  }
  if (absl::Status s = evtrade::ValidateListenAddress(config.http_listen);
      !s.ok()) {
    evtrade::ExitWithUsageError(
        kProgram, absl::InvalidArgumentError(
                      absl::StrCat("--http_listen: ", s.message())));
  }
  return config;
}

}  // namespace

int main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage(
      "evtrade gateway (evtrade.v1.GatewayService + QueryService forwarding, "
      "HTTP/JSON); every flag can also be set as EVTRADE_<FLAG IN UPPER CASE>");
  evtrade::ParseFlagsWithEnv(argc, argv);
  const GatewayMainConfig config = ConfigFromFlags();

  // Before any thread exists, so that only the main thread sees SIGTERM.
  if (absl::Status s = evtrade::BlockTerminationSignals(); !s.ok()) {
    evtrade::ExitWithUsageError(kProgram, s);
  }
  evtrade::SetupLogging(config.base.logging);
  auto metrics = evtrade::Metrics::Create(config.base.metrics);
  if (!metrics.ok()) {
    spdlog::error("{}", std::string(metrics.status().message()));
    return 1;
  }

  // The GatewayService and the QueryService forwarder (issue 5) are
  // registered here, and the HTTP listener on config.http_listen (serving
  // (*metrics)->RenderText() at /metrics) starts beside the gRPC server.
  // Until they land, the binary serves health, reflection and metrics only.
  std::vector<evtrade::ServiceRegistration> services;

  absl::Status status = evtrade::RunServerUntilSignal(config.base.server,
                                                      services, metrics->get());
  if (!status.ok()) {
    spdlog::error("{}", std::string(status.message()));
    return 1;
  }
  return 0;
}
