// Rebuilds every report fact (report_facts.h) from `records` alone, with
// the domain's own derivations (DeriveSeries' rules, MajorityStreakMonths)
// written out month by month, and compares with the stored facts: the
// independent check that the facts kept at ingest add up, as
// rollup_check.h is for the rollups (tests, benchmarks, operators).
#ifndef EVTRADE_COMMON_STORE_FACTS_CHECK_H_
#define EVTRADE_COMMON_STORE_FACTS_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/store/open_store.h"

namespace evtrade::store {

// One line per differing fact row, e.g.
//   "series_facts CHN/1/2/202211: stored value=5 ... rebuilt value=7 ..."
//   "exporter_standing DEU/202211: missing (rebuilt ytd=... rank=2)"
// Empty when every fact equals its rebuild. Reads one snapshot over its own
// connection. Either backend (config.db as for OpenIngestStore).
absl::StatusOr<std::vector<std::string>> ReportFactsDifferences(
    const StoreConfig& config);

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_FACTS_CHECK_H_
