// Recomputes the store's rollups (hs_month, partner_month) from `records`
// with plain SQL and compares them with the stored ones. The rollups are
// maintained by deltas in every batch; this is the independent check that
// the deltas add up (tests, benchmarks, an operator's consistency check).
#ifndef EVTRADE_COMMON_STORE_ROLLUP_CHECK_H_
#define EVTRADE_COMMON_STORE_ROLLUP_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/store/open_store.h"

namespace evtrade::store {

// One line per differing rollup row, e.g.
//   "hs_month CHN/1/''/202211/870380: world_value stored 5 recomputed 7"
//   "partner_month CHN/1/1/202211/BEL: missing (recomputed rows=1 ...)"
// Empty when the rollups equal a fresh recomputation. Reads one consistent
// snapshot over its own connection (never blocks or is blocked by a writer).
// Either backend (config.db as for OpenIngestStore; the schema must exist).
absl::StatusOr<std::vector<std::string>> RollupDifferences(
    const StoreConfig& config);

// The rows of one statement, every value as text ("" for NULL).
using SqlRows = std::vector<std::vector<std::string>>;

// Runs `statements` (plain SQL that both backends accept, no parameters) in
// one transaction on a connection of its own and commits; returns each
// statement's rows. For consistency checks, tests and operators' tools,
// never for request data: nothing here binds values.
absl::StatusOr<std::vector<SqlRows>> RunStoreSql(
    const StoreConfig& config, const std::vector<std::string>& statements);

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_ROLLUP_CHECK_H_
