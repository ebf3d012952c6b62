#include "cli/ingest_batch.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/line_map.h"
#include "cli/progress.h"
#include "common/domain/record_validation.h"
#include "common/util/token.h"

namespace evtrade::cli {
namespace {

using formats::LineRecord;
using formats::RecordReader;
using formats::RowError;

// A problem found on this side: unreadable rows, or records the domain
// rules refuse (never sent).
struct LocalError {
  int file;
  int64_t line;
  std::string field;
  std::string reason;
};

class BatchSender {
 public:
  BatchSender(const ImportConfig& config, IngestClient* client,
              std::vector<std::unique_ptr<RecordReader>> readers,
              const BatchOptions& batch, const std::string& command)
      : config_(config),
        client_(client),
        readers_(std::move(readers)),
        batch_(batch),
        command_(command) {}

  BatchResult Run() {
    int64_t total_bytes = 0;
    for (const auto& reader : readers_) {
      const int64_t size = reader->total_bytes();
      total_bytes = (size < 0 || total_bytes < 0) ? -1 : total_bytes + size;
    }
    if (!config_.dry_run) {
      stream_ =
          client_->StartIngest({.request_id = batch_.request_id,
                                .source = batch_.source,
                                .all_or_nothing = config_.all_or_nothing});
    }
    progress_.emplace(config_.progress, total_bytes);
    if (std::optional<int> ended = ReadAll()) return Result(*ended);
    progress_->Clear();
    return Result(config_.dry_run ? ReportDryRun() : FinishStream());
  }

 private:
  BatchResult Result(int exit_code) {
    result_.exit_code = exit_code;
    result_.rows = rows_;
    result_.skipped = skipped_;
    result_.unreadable = local_errors_total_;
    return result_;
  }

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
          absl::FPrintF(stderr, "%s: %s\n", command_, row.status().message());
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
            ++skipped_by_group_[error.group];
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
  // (so an invalid row is named by FILE:LINE and its column, and never
  // sent), then queued. nullopt to read on; else the exit code of an import
  // that ended early: all-or-nothing refused, or the server ended the stream.
  std::optional<int> Take(int file, const LineRecord& read) {
    v1::TradeRecord record = read.record;
    if (std::optional<FieldError> error = NormalizeAndValidate(record)) {
      AddLocalError({file, read.line,
                     readers_[file]->SourceColumn(error->field),
                     error->reason});
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

  std::string Where(int file, int64_t line) const {
    return readers_[file]->Location(line);
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

  // "skipped 3 rows: annual rows 2, flow DX 1" (nothing when none were).
  void PrintSkipped() const {
    if (skipped_ == 0) return;
    std::string groups;
    for (const auto& [group, count] : skipped_by_group_) {
      absl::StrAppend(&groups, groups.empty() ? "" : ", ", group, " ", count);
    }
    absl::PrintF("skipped %d rows: %s\n", skipped_, groups);
  }

  int ReportDryRun() const {
    absl::PrintF(
        "dry run (nothing sent): rows %d, valid %d, rejected %d, skipped %d\n",
        rows_, valid_, local_errors_total_, skipped_);
    PrintSkipped();
    PrintLocalErrors();
    return local_errors_total_ > 0 ? kExitRejected : kExitOk;
  }

  int FinishStream() {
    absl::StatusOr<v1::IngestResponse> response = stream_->Finish();
    if (!response.ok()) {
      absl::FPrintF(stderr, "%s: ingest failed (%s): %s\n", command_,
                    absl::StatusCodeToString(response.status().code()),
                    response.status().message());
      absl::PrintF("nothing written\n");
      return kExitFailed;
    }
    const v1::IngestResponse& r = *response;
    result_.answered = true;
    result_.replayed = r.replayed();
    result_.received = r.received();
    result_.inserted = r.inserted();
    result_.updated = r.updated();
    result_.unchanged = r.unchanged();
    result_.rejected = r.rejected();
    if (r.replayed()) {
      absl::PrintF(
          "request id %s was imported before: nothing written; its result "
          "was:\n",
          batch_.request_id);
    }
    absl::PrintF(
        "received %d, inserted %d, updated %d, unchanged %d, rejected %d, "
        "batch %d, data version %d\n",
        r.received(), r.inserted(), r.updated(), r.unchanged(), r.rejected(),
        r.batch_id(), r.data_version());
    PrintSkipped();
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
        absl::PrintF(
            "%s: %s: %s\n",
            where ? Where(where->file, where->line)
                  : absl::StrFormat("record %d", e.index()),
            where ? readers_[where->file]->SourceColumn(e.field()) : e.field(),
            e.reason());
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
  IngestClient* const client_;
  std::vector<std::unique_ptr<RecordReader>> readers_;
  const BatchOptions& batch_;
  const std::string& command_;
  std::unique_ptr<IngestStream> stream_;
  std::optional<Progress> progress_;
  std::vector<v1::TradeRecord> pending_;
  LineMap lines_;
  int64_t rows_ = 0;
  int64_t sent_ = 0;
  int64_t valid_ = 0;
  int64_t skipped_ = 0;
  std::map<std::string, int64_t> skipped_by_group_;
  int64_t local_errors_total_ = 0;
  std::vector<LocalError> local_errors_;
  BatchResult result_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<IngestClient>> DialIngest(
    const ImportConfig& config) {
  absl::StatusOr<std::string> token = ReadTokenFile(config.token_file);
  if (!token.ok()) {
    return absl::Status(
        token.status().code(),
        absl::StrCat("--token_file: ", token.status().message()));
  }
  return std::make_unique<IngestClient>(
      IngestClientConfig{.address = config.ingest_addr,
                         .token = *std::move(token),
                         .stream_timeout = config.timeout,
                         .tls = config.tls});
}

BatchResult SendBatch(const ImportConfig& config, IngestClient* client,
                      std::vector<std::unique_ptr<RecordReader>> readers,
                      const BatchOptions& batch, const std::string& command) {
  return BatchSender(config, client, std::move(readers), batch, command).Run();
}

}  // namespace evtrade::cli
