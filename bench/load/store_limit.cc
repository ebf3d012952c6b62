#include "bench/load/store_limit.h"

#include <memory>

#include "common/domain/record_validation.h"
#include "common/store/open_store.h"
#include "common/util/status_macros.h"

namespace evtrade::bench {

absl::StatusOr<StoreRun> UpsertAll(const std::string& db_path,
                                   SyntheticTrade& gen) {
  const absl::Time begin = absl::Now();
  store::StoreConfig config;
  config.db = db_path;
  ASSIGN_OR_RETURN(std::unique_ptr<store::IngestStore> db,
                   store::OpenIngestStore(config));
  store::BatchMeta meta;
  meta.source = "bench";
  meta.writer = "bench";
  ASSIGN_OR_RETURN(std::unique_ptr<store::BatchWriter> batch,
                   db->BeginBatch(meta));
  store::BatchCounts counts;
  v1::TradeRecord record;
  while (gen.Next(record)) {
    ++counts.received;
    if (NormalizeAndValidate(record).has_value()) {
      ++counts.rejected;
      continue;
    }
    ASSIGN_OR_RETURN(store::UpsertOutcome outcome, batch->Upsert(record));
    switch (outcome) {
      case store::UpsertOutcome::kInserted:
        ++counts.inserted;
        break;
      case store::UpsertOutcome::kUpdated:
        ++counts.updated;
        break;
      case store::UpsertOutcome::kUnchanged:
        ++counts.unchanged;
        break;
    }
  }
  RETURN_IF_ERROR(batch->Commit(counts, "").status());
  return StoreRun{counts, absl::Now() - begin};
}

}  // namespace evtrade::bench
