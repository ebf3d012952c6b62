#include "common/store/write_records.h"

#include <memory>
#include <utility>

#include "common/util/status_macros.h"

namespace evtrade::store {

absl::StatusOr<std::optional<FieldError>> ValidateAndUpsert(
    v1::TradeRecord& record, std::string_view default_source,
    BatchWriter* batch, BatchCounts& counts) {
  ++counts.received;
  if (std::optional<FieldError> error = NormalizeAndValidate(record)) {
    ++counts.rejected;
    return error;
  }
  if (batch == nullptr) return std::nullopt;
  if (record.source().empty()) {
    record.set_source(default_source.data(), default_source.size());
  }
  ASSIGN_OR_RETURN(UpsertOutcome outcome, batch->Upsert(record));
  switch (outcome) {
    case UpsertOutcome::kInserted:
      ++counts.inserted;
      break;
    case UpsertOutcome::kUpdated:
      ++counts.updated;
      break;
    case UpsertOutcome::kUnchanged:
      ++counts.unchanged;
      break;
  }
  return std::nullopt;
}

absl::StatusOr<BatchInfo> WriteBatch(
    IngestStore& store, const BatchMeta& meta,
    absl::FunctionRef<bool(v1::TradeRecord&)> next, bool all_or_nothing,
    std::string response) {
  ASSIGN_OR_RETURN(std::unique_ptr<BatchWriter> batch, store.BeginBatch(meta));
  BatchCounts counts;
  v1::TradeRecord record;
  while (next(record)) {
    ASSIGN_OR_RETURN(
        std::optional<FieldError> error,
        ValidateAndUpsert(record, meta.source, batch.get(), counts));
    if (error.has_value() && all_or_nothing) return ToInvalidArgument(*error);
  }
  ASSIGN_OR_RETURN(BatchInfo info, batch->Commit(counts, std::move(response)));
  info.counts = counts;
  return info;
}

}  // namespace evtrade::store
