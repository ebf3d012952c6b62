#include "cli/import_command.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/line_map.h"
#include "cli/progress.h"
#include "common/client/ingest_client.h"
#include "common/domain/record_validation.h"
#include "common/util/token.h"

namespace evtrade::cli {
namespace {

using formats::LineRecord;
using formats::RecordReader;
using formats::RowError;

constexpr int kMaxRecordsPerMessage = 10000;

// A problem found on this side: unreadable rows, or (dry run) records the
// domain rules refuse.
struct LocalError {
  int file;
  int64_t line;
  std::string field;
  std::string reason;
};

class Importer {
 public:
  explicit Importer(const ImportConfig& config) : config_(config) {}

  int Run() {
    if (config_.batch_size < 1 || config_.batch_size > kMaxRecordsPerMessage) {
      absl::FPrintF(stderr,
                    "evtrade import: --batch-size: must be 1..%d, got %d\n",
                    kMaxRecordsPerMessage, config_.batch_size);
      return kExitUsage;
    }
    if (config_.files.empty()) {
      absl::FPrintF(stderr,
                    "evtrade import: no FILE given (evtrade import --help)\n");
      return kExitUsage;
    }
    // Every header is checked before anything is sent: a typo in the third
    // file must not leave the first two half-imported.
    int64_t total_bytes = 0;
    for (const std::string& path : config_.files) {
      auto reader = RecordReader::Open(path, {.format = config_.format});
      if (!reader.ok()) {
        absl::FPrintF(stderr, "evtrade import: %s\n",
                      reader.status().message());
        return kExitFailed;
      }
      const int64_t size = (*reader)->total_bytes();
      total_bytes = (size < 0 || total_bytes < 0) ? -1 : total_bytes + size;
      readers_.push_back(*std::move(reader));
    }
    if (!config_.dry_run) {
      auto token = ReadTokenFile(config_.token_file);
      if (!token.ok()) {
        absl::FPrintF(stderr, "evtrade import: --token_file: %s\n",
                      token.status().message());
        return kExitUsage;
      }
      client_ = std::make_unique<IngestClient>(
          IngestClientConfig{.address = config_.ingest_addr,
                             .token = *std::move(token),
                             .stream_timeout = config_.timeout,
                             .tls = config_.tls});
      stream_ =
          client_->StartIngest({.request_id = config_.request_id,
                                .source = SourceLabel(),
                                .all_or_nothing = config_.all_or_nothing});
    }
    progress_.emplace(config_.progress, total_bytes);
    if (std::optional<int> ended = ReadAll()) return *ended;
    progress_->Clear();
    return config_.dry_run ? ReportDryRun() : FinishStream();
  }

 private:
  // Reads every file, sending records as it goes. nullopt when all was
  // read; else the exit code of an import that ended early (a failure, which
  // cancels the stream, or the server ending the stream).
  std::optional<int> ReadAll() {
    int64_t done_bytes = 0;
    for (int file = 0; file < static_cast<int>(readers_.size()); ++file) {
      RecordReader& reader = *readers_[file];
      for (;;) {
        absl::StatusOr<std::optional<formats::ReadRow>> row = reader.Next();
        if (!row.ok()) {
          progress_->Clear();
          absl::FPrintF(stderr, "evtrade import: %s\n", row.status().message());
          return Abandon();
        }
        if (!row->has_value()) break;
        ++rows_;
        if (auto* record = std::get_if<LineRecord>(&**row)) {
          if (std::optional<int> ended = Take(file, *record)) return *ended;
        } else {
          const RowError& error = std::get<RowError>(**row);
          if (error.kind == RowError::Kind::kSkipped) {
            ++skipped_;
          } else {
            AddLocalError({file, error.line, error.field, error.reason});
            if (RefusesAll()) return RefuseAll("could not be read");
          }
        }
        progress_->Update(rows_, done_bytes + reader.bytes_consumed());
      }
      done_bytes += std::max<int64_t>(reader.total_bytes(), 0);
    }
    if (!pending_.empty() && stream_ != nullptr &&
        !stream_->Send(std::move(pending_))) {
      return FinishEarly();
    }
    return std::nullopt;
  }

  // One record read from `file`: validated here exactly as the server would
  // (so an invalid row is named by FILE:LINE and never sent), then queued.
  // nullopt to read on; else the exit code of an import that ended early:
  // all-or-nothing refused, or the server ended the stream.
  std::optional<int> Take(int file, const LineRecord& read) {
    v1::TradeRecord record = read.record;
    if (std::optional<FieldError> error = NormalizeAndValidate(record)) {
      AddLocalError({file, read.line, error->field, error->reason});
      if (RefusesAll()) return RefuseAll("is invalid");
      return std::nullopt;
    }
    ++valid_;
    if (config_.dry_run) return std::nullopt;
    lines_.Add(sent_++, {file, read.line});
    pending_.push_back(std::move(record));
    if (static_cast<int>(pending_.size()) < config_.batch_size) {
      return std::nullopt;
    }
    std::vector<v1::TradeRecord> message;
    message.swap(pending_);
    if (!stream_->Send(std::move(message))) return FinishEarly();
    return std::nullopt;
  }

  // Whether one bad row ends the whole import (nothing is written).
  bool RefusesAll() const { return config_.all_or_nothing && !config_.dry_run; }

  // Cancels the stream, so the server commits nothing, and says why.
  int RefuseAll(std::string_view what) {
    progress_->Clear();
    PrintLocalErrors();
    absl::PrintF("all-or-nothing: a row %s; nothing written\n", what);
    Abandon();
    return kExitRejected;
  }

  void AddLocalError(LocalError error) {
    ++local_errors_total_;
    if (static_cast<int>(local_errors_.size()) < config_.max_errors_shown) {
      local_errors_.push_back(std::move(error));
    }
  }

  // The server ended the stream before we did (refused, replayed): its
  // answer says why.
  int FinishEarly() {
    progress_->Clear();
    return FinishStream();
  }

  int Abandon() {
    if (stream_ != nullptr) {
      stream_->Cancel();
      stream_.reset();
      absl::PrintF("import cancelled; nothing written\n");
    }
    return kExitFailed;
  }

  // --source, else the files' names: every batch says where it came from.
  std::string SourceLabel() const {
    if (!config_.source.empty()) return config_.source;
    std::vector<std::string> names;
    for (const std::string& path : config_.files) {
      names.push_back(std::filesystem::path(path).filename().string());
    }
    return absl::StrCat("evtrade import ", absl::StrJoin(names, " "));
  }

  std::string Where(int file, int64_t line) const {
    return absl::StrFormat("%s:%d", config_.files[file], line);
  }

  void PrintLocalErrors() const {
    for (const LocalError& e : local_errors_) {
      absl::PrintF("%s: %s%s%s\n", Where(e.file, e.line), e.field,
                   e.field.empty() ? "" : ": ", e.reason);
    }
    if (local_errors_total_ > static_cast<int64_t>(local_errors_.size())) {
      absl::PrintF("... and %d more rows not sent\n",
                   local_errors_total_ - local_errors_.size());
    }
  }

  int ReportDryRun() const {
    absl::PrintF(
        "dry run (nothing sent): rows %d, valid %d, rejected %d, skipped %d\n",
        rows_, valid_, local_errors_total_, skipped_);
    PrintLocalErrors();
    return local_errors_total_ > 0 ? kExitRejected : kExitOk;
  }

  int FinishStream() {
    absl::StatusOr<v1::IngestResponse> response = stream_->Finish();
    if (!response.ok()) {
      absl::FPrintF(stderr, "evtrade import: ingest failed (%s): %s\n",
                    absl::StatusCodeToString(response.status().code()),
                    response.status().message());
      absl::PrintF("nothing written\n");
      return kExitFailed;
    }
    const v1::IngestResponse& r = *response;
    if (r.replayed()) {
      absl::PrintF(
          "request id %s was imported before: nothing written; its result "
          "was:\n",
          config_.request_id);
    }
    absl::PrintF(
        "received %d, inserted %d, updated %d, unchanged %d, rejected %d, "
        "batch %d, data version %d\n",
        r.received(), r.inserted(), r.updated(), r.unchanged(), r.rejected(),
        r.batch_id(), r.data_version());
    if (skipped_ > 0) {
      absl::PrintF("skipped %d rows that break a total down\n", skipped_);
    }
    if (local_errors_total_ > 0) {
      absl::PrintF("rows not sent (unreadable or invalid): %d\n",
                   local_errors_total_);
      PrintLocalErrors();
    }
    if (r.rejected() > 0) {
      absl::PrintF("rejected records: %d%s\n", r.rejected(),
                   r.batch_id() == 0 && r.received() > 0 && !r.replayed()
                       ? " (all-or-nothing: nothing written)"
                       : "");
      int shown = 0;
      for (const v1::RecordError& e : r.errors()) {
        if (shown++ == config_.max_errors_shown) break;
        // A replay's indexes refer to the first import's files.
        std::optional<FileLine> where =
            r.replayed() ? std::nullopt : lines_.Find(e.index());
        absl::PrintF("%s: %s: %s\n",
                     where ? Where(where->file, where->line)
                           : absl::StrFormat("record %d", e.index()),
                     e.field(), e.reason());
      }
      if (r.rejected() > shown) {
        absl::PrintF("... and %d more rejected records\n",
                     r.rejected() - shown);
      }
    }
    return (r.rejected() > 0 || local_errors_total_ > 0) ? kExitRejected
                                                         : kExitOk;
  }

  const ImportConfig& config_;
  std::vector<std::unique_ptr<RecordReader>> readers_;
  std::unique_ptr<IngestClient> client_;
  std::unique_ptr<IngestStream> stream_;
  std::optional<Progress> progress_;
  std::vector<v1::TradeRecord> pending_;
  LineMap lines_;
  int64_t rows_ = 0;
  int64_t sent_ = 0;
  int64_t valid_ = 0;
  int64_t skipped_ = 0;
  int64_t local_errors_total_ = 0;
  std::vector<LocalError> local_errors_;
};

}  // namespace

int RunImport(const ImportConfig& config) { return Importer(config).Run(); }

}  // namespace evtrade::cli
