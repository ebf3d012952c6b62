// The store's raw write rate, the baseline of its ingest figure: the same
// records, validated the same way, written in this process with one plain
// `INSERT ... ON CONFLICT ... DO UPDATE` per record (a prepared statement,
// values as parameters) into a table with the records' natural key and
// nothing else: no revision history, no rollups, no batch bookkeeping.
// 10,000 records per transaction. On PostgreSQL through libpq; on SQLite a
// fresh file with the store's durability settings (WAL, synchronous FULL).
#ifndef EVTRADE_BENCH_LOAD_RAW_INSERT_H_
#define EVTRADE_BENCH_LOAD_RAW_INSERT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/gen/synthetic_trade.h"

namespace evtrade::bench {

struct RawInsertRun {
  int64_t records = 0;       // rows written (valid records)
  int64_t rejected = 0;      // records NormalizeAndValidate refused
  int64_t transactions = 0;  // commits
  absl::Duration elapsed;    // from connecting to the last commit
};

inline constexpr int64_t kRawRecordsPerTransaction = 10'000;

// Writes every record of `gen` into the table raw_records of `uri`: a
// PostgreSQL database (a libpq URI) or a SQLite file (a path), the table
// dropped and created first. Blocks; thread-compatible.
absl::StatusOr<RawInsertRun> RawInsertAll(const std::string& uri,
                                          SyntheticTrade& gen);

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_LOAD_RAW_INSERT_H_
