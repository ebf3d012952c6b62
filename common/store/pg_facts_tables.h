// FactsTables (report_facts.h) over a PostgreSQL connection in an open
// transaction, and the rebuild of every fact from the rollups that the v2
// migration runs.
#ifndef EVTRADE_COMMON_STORE_PG_FACTS_TABLES_H_
#define EVTRADE_COMMON_STORE_PG_FACTS_TABLES_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/store/pg_connection.h"
#include "common/store/report_facts.h"

namespace evtrade::store {

// Not thread-safe: used by the one writer of `db` (which must outlive it).
class PgFactsTables final : public FactsTables {
 public:
  explicit PgFactsTables(PgConnection& db) : db_(db) {}

  absl::StatusOr<std::vector<SeriesFact>> SeriesFrom(const SeriesKey& key,
                                                     int from) override;
  absl::StatusOr<std::optional<SeriesFact>> SeriesBefore(const SeriesKey& key,
                                                         int before) override;
  absl::Status PutSeries(const SeriesKey& key, const SeriesFact& fact) override;
  absl::Status AddNamed(std::span<const NamedDelta> rows) override;
  absl::StatusOr<std::vector<Standing>> StandingsFrom(
      const std::string& reporter, int from) override;
  absl::StatusOr<std::vector<Standing>> StandingsAt(int period) override;
  absl::Status PutStanding(const Standing& standing) override;

 private:
  PgConnection& db_;
};

// A SeriesFact from row `row` whose columns from `first` on are
// kSeriesFactColumns.
SeriesFact SeriesFactFromPgRow(const PgRows& rows, int row, int first = 0);

// Fills every facts table from the rollups, in the caller's transaction.
absl::Status RebuildPgReportFacts(PgConnection& db);

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_PG_FACTS_TABLES_H_
