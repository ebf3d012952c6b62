// `evtrade fetch`: downloads trade records from the UN Comtrade v1 API and
// ingests them like `evtrade import`, one batch per API call.
#ifndef EVTRADE_CLI_FETCH_COMMAND_H_
#define EVTRADE_CLI_FETCH_COMMAND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cli/comtrade_api.h"
#include "cli/import_command.h"

namespace evtrade::cli {

struct FetchConfig {
  // Where and how records are sent: ingest_addr, token_file, all_or_nothing,
  // dry_run, batch_size, timeout, progress, max_errors_shown (files,
  // format, request_id and source are not used: each call gets its own).
  ImportConfig ingest{};
  std::vector<std::string> reporters{};  // ISO alpha-3, at least one
  std::vector<std::string> partners{};   // ISO alpha-3; empty = all
  std::string periods{};                 // YYYY-MM..YYYY-MM or YYYY-MM
  std::vector<std::string> hs_codes{};   // empty = the powertrain table's
  std::vector<std::string> flows{"X", "M"};
  // base_url and retry policy; api_key is read from api_key_file.
  ComtradeApiConfig api{};
  std::string api_key_file{};  // empty = the public preview
  int64_t max_records = 250000;
};

// Runs the fetch and returns the exit code (kExitOk, kExitRejected when a
// record was rejected or unreadable, kExitUsage, kExitFailed when a call
// failed: the calls before it stay written, and running the same fetch
// again finishes the rest without writing anything twice).
int RunFetch(const FetchConfig& config);

}  // namespace evtrade::cli

#endif  // EVTRADE_CLI_FETCH_COMMAND_H_
