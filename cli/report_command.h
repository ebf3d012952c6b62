// `evtrade report REPORTER YYYY-MM`: the gateway's market report, headline
// first, then its key figures.
#ifndef EVTRADE_CLI_REPORT_COMMAND_H_
#define EVTRADE_CLI_REPORT_COMMAND_H_

#include <string>

#include "absl/time/time.h"
#include "common/tls/tls_config.h"

namespace evtrade::cli {

struct ReportConfig {
  std::string gateway_addr{};
  std::string reporter{};
  std::string period{};      // YYYY-MM
  std::string powertrain{};  // e.g. "electric"; empty = the gateway's default
  absl::Duration timeout = absl::Seconds(10);
  TlsConfig tls{};  // to the gateway
};

int RunReport(const ReportConfig& config);

}  // namespace evtrade::cli

#endif  // EVTRADE_CLI_REPORT_COMMAND_H_
