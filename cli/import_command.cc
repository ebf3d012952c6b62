#include "cli/import_command.h"

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/ingest_batch.h"
#include "common/client/ingest_client.h"
#include "common/util/ingest_limits.h"

namespace evtrade::cli {
namespace {

using formats::RecordReader;

// --source, else the files' names: every batch says where it came from.
std::string SourceLabel(const ImportConfig& config) {
  if (!config.source.empty()) return config.source;
  std::vector<std::string> names;
  for (const std::string& path : config.files) {
    names.push_back(path == "-"
                        ? std::string("<stdin>")
                        : std::filesystem::path(path).filename().string());
  }
  return absl::StrCat("evtrade import ", absl::StrJoin(names, " "));
}

}  // namespace

int RunImport(const ImportConfig& config) {
  if (config.batch_size < 1 ||
      config.batch_size > kMaxRecordsPerIngestMessage) {
    absl::FPrintF(stderr,
                  "evtrade import: --batch-size: must be 1..%d, got %d\n",
                  kMaxRecordsPerIngestMessage, config.batch_size);
    return kExitUsage;
  }
  if (config.files.empty()) {
    absl::FPrintF(stderr,
                  "evtrade import: no FILE given (evtrade import --help)\n");
    return kExitUsage;
  }
  // Every header is checked before anything is sent: a typo in the third
  // file must not leave the first two half-imported.
  std::vector<std::unique_ptr<RecordReader>> readers;
  for (const std::string& path : config.files) {
    auto reader = RecordReader::Open(path, {.format = config.format});
    if (!reader.ok()) {
      absl::FPrintF(stderr, "evtrade import: %s\n", reader.status().message());
      return kExitFailed;
    }
    readers.push_back(*std::move(reader));
  }
  std::unique_ptr<IngestClient> client;
  if (!config.dry_run) {
    absl::StatusOr<std::unique_ptr<IngestClient>> dialed = DialIngest(config);
    if (!dialed.ok()) {
      absl::FPrintF(stderr, "evtrade import: %s\n", dialed.status().message());
      return kExitUsage;
    }
    client = *std::move(dialed);
  }
  return SendBatch(
             config, client.get(), std::move(readers),
             {.request_id = config.request_id, .source = SourceLabel(config)},
             "evtrade import")
      .exit_code;
}

}  // namespace evtrade::cli
