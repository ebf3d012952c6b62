// `evtrade import FILE...`: reads native or Comtrade CSV/TSV files (plain or
// .gz) and streams their records to the ingest service as one batch.
#ifndef EVTRADE_CLI_IMPORT_COMMAND_H_
#define EVTRADE_CLI_IMPORT_COMMAND_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/formats/record_reader.h"
#include "common/tls/tls_config.h"

namespace evtrade::cli {

// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;  // rows rejected or unreadable
inline constexpr int kExitUsage = 2;     // bad flags or arguments
inline constexpr int kExitFailed = 3;    // file or RPC failure: nothing written

struct ImportConfig {
  std::vector<std::string> files{};
  formats::InputFormat format = formats::InputFormat::kAuto;
  std::string ingest_addr{};
  std::string token_file{};
  std::string request_id{};
  std::string source{};
  bool all_or_nothing = false;
  bool dry_run = false;
  int batch_size = 1000;  // records per message, 1..10000
  absl::Duration timeout = absl::Hours(1);
  bool progress = false;  // draw the progress bar (stderr is a terminal)
  int max_errors_shown = 20;
  TlsConfig tls{};  // to the ingest service
};

// Runs the import and returns the exit code. Prints the summary and the
// first errors (FILE:LINE: field: reason) on stdout, failures on stderr.
int RunImport(const ImportConfig& config);

}  // namespace evtrade::cli

#endif  // EVTRADE_CLI_IMPORT_COMMAND_H_
