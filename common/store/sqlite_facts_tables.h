// FactsTables (report_facts.h) over a SQLite connection in an open write
// transaction, and the rebuild of every fact from the rollups that the v2
// migration runs.
#ifndef EVTRADE_COMMON_STORE_SQLITE_FACTS_TABLES_H_
#define EVTRADE_COMMON_STORE_SQLITE_FACTS_TABLES_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "common/store/report_facts.h"
#include "common/store/sqlite_database.h"

namespace evtrade::store {

// Statements prepared once on `db` (which must outlive this). Not
// thread-safe: used by the one writer of the connection.
class SqliteFactsTables final : public FactsTables {
 public:
  // Throws SQLite::Exception when a statement cannot be prepared.
  explicit SqliteFactsTables(SQLite::Database& db);

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
  SQLite::Statement series_from_;
  SQLite::Statement series_before_;
  SQLite::Statement put_series_;
  SqliteMultiRowInsert add_partner_;
  SqliteMultiRowInsert add_maker_;
  SQLite::Statement standings_from_;
  SQLite::Statement standings_at_;
  SQLite::Statement put_standing_;
};

// A SeriesFact from a row whose columns from `first` on are
// kSeriesFactColumns.
SeriesFact SeriesFactFromRow(SQLite::Statement& st, int first = 0);

// Fills every facts table from the rollups (hs_month, partner_month), in
// the caller's write transaction: the v2 migration of a store written
// before the facts existed. Throws SQLite::Exception; INTERNAL on an
// inconsistent store.
absl::Status RebuildSqliteReportFacts(SQLite::Database& db);

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_SQLITE_FACTS_TABLES_H_
