// health_probe: asks a server's grpc.health.v1 service for its status, for
// scripts (scripts/run.sh --status) and humans. Prints the status (SERVING,
// NOT_SERVING, ...) or the error on one line; exit 0 only for SERVING.
//   health_probe --addr=127.0.0.1:50052 [--service=evtrade.v1.QueryService]
//                [--wait_seconds=30] [--tls_ca_file=ca.pem
//                [--tls_cert_file=probe.pem --tls_key_file=probe.key]]
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "common/health/health_check.h"
#include "common/tls/tls_config.h"

ABSL_FLAG(std::string, addr, "", "server address, host:port");
ABSL_FLAG(std::string, service, "", "service name; empty = the whole server");
ABSL_FLAG(double, timeout_seconds, 2, "deadline of one check");
ABSL_FLAG(double, wait_seconds, 0,
          "keep checking up to this long until the answer is SERVING");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM client certificate (chain) to present (mTLS); setting it or "
          "--tls_ca_file makes the check use TLS");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA certificate(s) that verify the server (default with TLS: "
          "the system's roots)");

int main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage(
      "health_probe --addr=HOST:PORT [--service=NAME] [--wait_seconds=N]");
  absl::ParseCommandLine(argc, argv);
  const std::string address = absl::GetFlag(FLAGS_addr);
  if (address.empty()) {
    std::fprintf(stderr, "health_probe: --addr: must not be empty\n");
    return 2;
  }
  absl::StatusOr<evtrade::TlsConfig> tls =
      evtrade::LoadTlsConfig({.cert_file = absl::GetFlag(FLAGS_tls_cert_file),
                              .key_file = absl::GetFlag(FLAGS_tls_key_file),
                              .ca_file = absl::GetFlag(FLAGS_tls_ca_file)},
                             evtrade::TlsRole::kClient);
  if (!tls.ok()) {
    std::fprintf(stderr, "health_probe: %s\n",
                 std::string(tls.status().message()).c_str());
    return 2;
  }
  const std::string service = absl::GetFlag(FLAGS_service);
  const absl::Duration timeout =
      absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds));
  const absl::Duration wait = absl::Seconds(absl::GetFlag(FLAGS_wait_seconds));

  if (wait > absl::ZeroDuration()) {
    // Only the final answer matters; WaitForHealthServing polls.
    (void)evtrade::WaitForHealthServing(address, wait, service, *tls);
  }
  auto status = evtrade::CheckHealth(address, service, timeout, *tls);
  if (!status.ok()) {
    std::printf("%s\n", status.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n",
              grpc::health::v1::HealthCheckResponse::ServingStatus_Name(*status)
                  .c_str());
  return *status == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}
