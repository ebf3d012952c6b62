// The one validate-upsert-count-commit loop of every writer of the store:
// the ingest service (one record at a time, as messages arrive), the test
// fixtures and the benchmark (a whole batch at once).
#ifndef EVTRADE_COMMON_STORE_WRITE_RECORDS_H_
#define EVTRADE_COMMON_STORE_WRITE_RECORDS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "common/domain/record_validation.h"
#include "common/store/ingest_store.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade::store {

// One received record: normalizes and validates it (NormalizeAndValidate),
// gives it `default_source` when it has no source, and upserts it into
// `batch`, or only checks it when `batch` is null. Counts it in `counts`:
// `received` always, then `rejected` when invalid, else (when upserted)
// `inserted`, `updated` or `unchanged` by the upsert's outcome.
// Returns the record's FieldError when it is invalid (nothing upserted),
// nullopt when it is valid, or the store's error.
absl::StatusOr<std::optional<FieldError>> ValidateAndUpsert(
    v1::TradeRecord& record, std::string_view default_source,
    BatchWriter* batch, BatchCounts& counts);

// A whole batch: begins one with `meta`, passes every record `next` yields
// (it fills the record and returns true, or returns false at the end)
// through ValidateAndUpsert with meta.source as default source, and commits
// with the counts and `response`. With `all_or_nothing`, the first invalid
// record ends it with INVALID_ARGUMENT (ToInvalidArgument of its error) and
// nothing written; without, invalid records are counted rejected and
// skipped. The returned BatchInfo carries the counts.
absl::StatusOr<BatchInfo> WriteBatch(
    IngestStore& store, const BatchMeta& meta,
    absl::FunctionRef<bool(v1::TradeRecord&)> next, bool all_or_nothing,
    std::string response = "");

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_WRITE_RECORDS_H_
