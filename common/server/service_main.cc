#include "common/server/service_main.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/util/host_port.h"
#include "spdlog/spdlog.h"

namespace evtrade {
namespace {

absl::Status FlagError(absl::string_view flag, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", reason));
}

}  // namespace

absl::StatusOr<ServiceMainConfig> MakeServiceMainConfig(
    absl::string_view program, const CommonServiceFlags& flags) {
  ServiceMainConfig config;
  config.server.name = std::string(program);
  config.logging.program = std::string(program);

  if (absl::Status s = ParseHostPort(flags.listen).status(); !s.ok()) {
    return FlagError("listen", s.message());
  }
  config.server.listen_address = flags.listen;

  if (!flags.metrics_listen.empty()) {
    if (absl::Status s = ParseHostPort(flags.metrics_listen).status();
        !s.ok()) {
      return FlagError("metrics_listen", s.message());
    }
  }
  config.metrics.listen_address = flags.metrics_listen;

  absl::StatusOr<spdlog::level::level_enum> level =
      ParseLogLevel(flags.log_level);
  if (!level.ok()) return FlagError("log_level", level.status().message());
  config.logging.level = *level;

  // An hour is far beyond any orchestrator's grace period: a typo.
  if (!std::isfinite(flags.drain_seconds) || flags.drain_seconds < 0 ||
      flags.drain_seconds > 3600) {
    return FlagError("drain_seconds",
                     absl::StrCat(flags.drain_seconds,
                                  " is not between 0 and 3600 seconds"));
  }
  config.server.drain_delay = absl::Seconds(flags.drain_seconds);

  absl::StatusOr<TlsConfig> tls = LoadTlsConfig(flags.tls, TlsRole::kServer);
  if (!tls.ok()) return tls.status();
  config.server.tls = *std::move(tls);
  return config;
}

absl::Status ValidateTarget(absl::string_view flag, absl::string_view target) {
  if (target.empty()) return FlagError(flag, "must not be empty");
  // gRPC URIs (dns:///host:port, ipv4:..., unix:...) are resolved by gRPC.
  for (absl::string_view scheme : {"dns:", "ipv4:", "ipv6:", "unix:"}) {
    if (absl::StartsWith(target, scheme)) return absl::OkStatus();
  }
  absl::StatusOr<HostPort> address = ParseHostPort(target);
  if (!address.ok()) return FlagError(flag, address.status().message());
  if (address->port == 0) {
    return FlagError(
        flag, absl::StrCat("\"", target, "\": port 0 cannot be dialled"));
  }
  return absl::OkStatus();
}

absl::Status ValidateDbPath(absl::string_view flag, const std::string& path,
                            bool writable) {
  if (path.empty()) return FlagError(flag, "must not be empty");
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return FlagError(flag,
                     absl::StrCat("folder ", dir.string(), " does not exist"));
  }
  if (access(dir.c_str(), writable ? (W_OK | X_OK) : X_OK) != 0) {
    return FlagError(flag, absl::StrCat("folder ", dir.string(), ": ",
                                        std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status ValidateSecretFile(absl::string_view flag,
                                const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return FlagError(
        flag, absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (absl::StripAsciiWhitespace(content.str()).empty()) {
    return FlagError(flag, absl::StrCat(path, " is empty"));
  }
  return absl::OkStatus();
}

std::unique_ptr<Metrics> StartServiceProcess(absl::string_view program,
                                             const ServiceMainConfig& config) {
  if (absl::Status s = BlockTerminationSignals(); !s.ok()) {
    ExitWithUsageError(program, s);
  }
  // cpp-httplib writes with plain write()/SSL_write(): a client that hangs
  // up mid-response (or mid-TLS-handshake) must cost an EPIPE, not the
  // process.
  signal(SIGPIPE, SIG_IGN);
  // Debian's Abseil is built with Mutex deadlock detection on, a debug aid
  // that updates a lock graph on every acquisition (2% of the gateway's CPU
  // per report); the tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  SetupLogging(config.logging);
  absl::StatusOr<std::unique_ptr<Metrics>> metrics =
      Metrics::Create(config.metrics);
  if (!metrics.ok()) {
    spdlog::error("--metrics_listen: {}",
                  std::string(metrics.status().message()));
    std::exit(1);
  }
  return *std::move(metrics);
}

}  // namespace evtrade
