// spdlog set-up shared by the service binaries: one line per event on
// stderr, UTC timestamps, the program name on every line.
#ifndef EVTRADE_COMMON_SERVER_LOGGING_H_
#define EVTRADE_COMMON_SERVER_LOGGING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "spdlog/common.h"

namespace evtrade {

struct LoggingConfig {
  // Program name shown on each line, e.g. "query_service".
  std::string program;
  spdlog::level::level_enum level = spdlog::level::info;
};

// "trace", "debug", "info", "warn", "error" or "off"; anything else is
// INVALID_ARGUMENT naming the accepted values.
absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(absl::string_view name);

// Replaces spdlog's default logger with one writing to stderr. Call once from
// main before starting threads; spdlog's loggers are thread-safe afterwards.
void SetupLogging(const LoggingConfig& config);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_SERVER_LOGGING_H_
