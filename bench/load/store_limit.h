// The store's limit: records upserted straight into the store (OpenIngestStore
// of a SQLite file or PostgreSQL URI) in this process, one batch, no RPC, the
// same per-record
// work the ingest service does (NormalizeAndValidate, Upsert, Commit).
#ifndef EVTRADE_BENCH_LOAD_STORE_LIMIT_H_
#define EVTRADE_BENCH_LOAD_STORE_LIMIT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/gen/synthetic_trade.h"
#include "common/store/ingest_store.h"

namespace evtrade::bench {

struct StoreRun {
  store::BatchCounts counts;
  absl::Duration elapsed;  // from opening the store to the durable commit
};

// Upserts every record of `gen` into the store `db_path` (as --db; created
// when missing) as one batch. Blocks; thread-compatible.
absl::StatusOr<StoreRun> UpsertAll(const std::string& db_path,
                                   SyntheticTrade& gen);

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_LOAD_STORE_LIMIT_H_
