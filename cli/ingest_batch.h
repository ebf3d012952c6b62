// Sending records read from files to the ingest service as one batch: the
// part `evtrade import` and `evtrade fetch` share (batching, progress bar,
// request id, summary, FILE:LINE errors, exit codes).
#ifndef EVTRADE_CLI_INGEST_BATCH_H_
#define EVTRADE_CLI_INGEST_BATCH_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/import_command.h"
#include "common/client/ingest_client.h"
#include "common/formats/record_reader.h"

namespace evtrade::cli {

// Reads the token file and makes the client (the channel is reused by
// every batch). A non-OK status names the problem (--token_file: ...).
absl::StatusOr<std::unique_ptr<IngestClient>> DialIngest(
    const ImportConfig& config);

struct BatchOptions {
  std::string request_id{};
  std::string source{};
};

struct BatchResult {
  int exit_code = kExitOk;
  // What the service answered (set when it answered).
  bool answered = false;
  bool replayed = false;
  int64_t received = 0;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
  // Rows read, skipped on purpose, and unreadable or invalid (not sent).
  int64_t rows = 0;
  int64_t skipped = 0;
  int64_t unreadable = 0;
};

// Streams every record of `readers` (opened, headers checked) as one
// Ingest stream, or validates them locally when config.dry_run (then
// `client` may be null). Uses config's all_or_nothing, batch_size,
// progress and max_errors_shown; request id and source come from `batch`.
// Prints the summary, the skipped rows per reason and the first errors
// (FILE:LINE: column: reason, naming the file's own columns) on stdout and
// failures on stderr, with `command` ("evtrade import") as prefix.
BatchResult SendBatch(
    const ImportConfig& config, IngestClient* client,
    std::vector<std::unique_ptr<formats::RecordReader>> readers,
    const BatchOptions& batch, const std::string& command);

}  // namespace evtrade::cli

#endif  // EVTRADE_CLI_INGEST_BATCH_H_
