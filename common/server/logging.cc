#include "common/server/logging.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace evtrade {

absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(
    absl::string_view name) {
  // Our names, not spdlog's ("warning", "critical"): the flag documents these.
  static constexpr std::pair<absl::string_view, spdlog::level::level_enum>
      kLevels[] = {
          {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
          {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
          {"error", spdlog::level::err},   {"off", spdlog::level::off}};
  for (const auto& [level_name, level] : kLevels) {
    if (name == level_name) return level;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log level \"", name,
                   "\" (use trace, debug, info, warn, error or off)"));
}

void SetupLogging(const LoggingConfig& config) {
  // Not the colour sink: logs usually go to a file or a container runtime.
  auto logger = std::make_shared<spdlog::logger>(
      config.program, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %L %n: %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(config.level);
  // Lines at info and above are written at once: operators and tests read
  // the log while the process runs, and nothing is lost if it dies.
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace evtrade
