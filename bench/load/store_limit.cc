#include "bench/load/store_limit.h"

#include <memory>

#include "common/store/open_store.h"
#include "common/store/write_records.h"
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
  auto next = [&gen](v1::TradeRecord& record) { return gen.Next(record); };
  ASSIGN_OR_RETURN(
      store::BatchInfo info,
      store::WriteBatch(*db, meta, next, /*all_or_nothing=*/false));
  return StoreRun{info.counts, absl::Now() - begin};
}

}  // namespace evtrade::bench
