// evtrade_bench_echo: the gRPC baseline server of the benchmarks, a unary
// Echo that does no work, served by the same server runner as the evtrade
// services (message limits, keepalive, health, metrics interceptor), so the
// only difference from them is the work they do. Runs until SIGTERM/SIGINT.
//
//   evtrade_bench_echo --listen=127.0.0.1:50060
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "bench/echo/echo_service.h"
#include "common/server/logging.h"
#include "common/server/metrics.h"
#include "common/server/server_runner.h"
#include "common/server/service_main.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50060",
          "gRPC listen address, host:port");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error or off");

namespace {

constexpr char kProgram[] = "evtrade_bench_echo";

}  // namespace

int main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage("The gRPC echo baseline of the benchmarks.");
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<evtrade::ServiceMainConfig> config =
      evtrade::MakeServiceMainConfig(
          kProgram, {.listen = absl::GetFlag(FLAGS_listen),
                     .metrics_listen = "",
                     .log_level = absl::GetFlag(FLAGS_log_level),
                     .drain_seconds = 0});
  if (!config.ok()) evtrade::ExitWithUsageError(kProgram, config.status());
  if (absl::Status s = evtrade::BlockTerminationSignals(); !s.ok()) {
    evtrade::ExitWithUsageError(kProgram, s);
  }
  evtrade::SetupLogging(config->logging);
  // Like the services: every call goes through the metrics interceptor.
  auto metrics = evtrade::Metrics::Create(config->metrics);
  if (!metrics.ok()) {
    spdlog::error("{}", std::string(metrics.status().message()));
    return 1;
  }
  evtrade::bench::EchoServiceImpl echo;
  const std::vector<evtrade::ServiceRegistration> services = {
      {&echo, evtrade::bench::EchoService::service_full_name()}};
  if (absl::Status s = evtrade::RunServerUntilSignal(config->server, services,
                                                     metrics->get());
      !s.ok()) {
    spdlog::error("{}", std::string(s.message()));
    return 1;
  }
  return 0;
}
