#include "common/store/rollup_check.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "SQLiteCpp/Transaction.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/powertrain.h"
#include "common/store/pg_connection.h"
#include "common/store/sqlite_database.h"
#include "common/util/status_macros.h"

namespace evtrade::store {
namespace {

// A rollup row: its key columns joined by '/' and its measures by name.
constexpr std::array<const char*, 7> kHsMonthMeasures = {
    "powertrain",   "has_world",     "world_value",     "world_quantity",
    "partner_rows", "partner_value", "partner_quantity"};
constexpr std::array<const char*, 3> kPartnerMonthMeasures = {
    "rows", "value_usd", "quantity"};

int64_t ToInt(const std::string& text) {
  int64_t value = 0;
  return absl::SimpleAtoi(text, &value) ? value : 0;
}

template <size_t N>
using Rollup = std::map<std::string, std::array<int64_t, N>>;

// Rows whose first `key_columns` columns are the key and the next N the
// measures.
template <size_t N>
Rollup<N> ToRollup(const SqlRows& rows, int key_columns) {
  Rollup<N> out;
  for (const std::vector<std::string>& row : rows) {
    std::vector<std::string> key;
    for (int i = 0; i < key_columns; ++i) {
      key.push_back(row[i].empty() ? "''" : row[i]);
    }
    std::array<int64_t, N>& measures = out[absl::StrJoin(key, "/")];
    for (size_t i = 0; i < N; ++i) measures[i] = ToInt(row[key_columns + i]);
  }
  return out;
}

template <size_t N>
std::string Describe(const std::array<const char*, N>& names,
                     const std::array<int64_t, N>& values) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < N; ++i) {
    parts.push_back(absl::StrCat(names[i], "=", values[i]));
  }
  return absl::StrJoin(parts, " ");
}

template <size_t N>
void Compare(const char* table, const std::array<const char*, N>& names,
             const Rollup<N>& stored, const Rollup<N>& recomputed,
             std::vector<std::string>& out) {
  for (const auto& [key, want] : recomputed) {
    auto it = stored.find(key);
    if (it == stored.end()) {
      out.push_back(absl::StrCat(table, " ", key, ": missing (recomputed ",
                                 Describe(names, want), ")"));
      continue;
    }
    for (size_t i = 0; i < N; ++i) {
      if (it->second[i] != want[i]) {
        out.push_back(absl::StrCat(table, " ", key, ": ", names[i], " stored ",
                                   it->second[i], " recomputed ", want[i]));
      }
    }
  }
  for (const auto& [key, have] : stored) {
    if (!recomputed.contains(key)) {
      out.push_back(absl::StrCat(table, " ", key, ": extra (stored ",
                                 Describe(names, have), ")"));
    }
  }
}

constexpr char kStoredHsMonthSql[] = R"sql(
SELECT reporter, flow, manufacturer, period, hs_code, powertrain, has_world,
       world_value, world_quantity, partner_rows, partner_value,
       partner_quantity
FROM hs_month)sql";

// The powertrain column comes from the C++ table (ClassifyHsCode), so the
// recomputation reads hs_code and classifies it in C++ below; -1 stands in.
constexpr char kRecomputedHsMonthSql[] = R"sql(
SELECT reporter, flow, manufacturer, period, hs_code, -1,
       MAX(CASE WHEN partner = 'W00' THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN partner = 'W00' THEN value_usd END), 0),
       COALESCE(SUM(CASE WHEN partner = 'W00' THEN quantity END), 0),
       SUM(CASE WHEN partner <> 'W00' THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN partner <> 'W00' THEN value_usd END), 0),
       COALESCE(SUM(CASE WHEN partner <> 'W00' THEN quantity END), 0)
FROM records
GROUP BY reporter, flow, manufacturer, period, hs_code)sql";

constexpr char kStoredPartnerMonthSql[] = R"sql(
SELECT reporter, flow, powertrain, period, partner, rows, value_usd, quantity
FROM partner_month)sql";

// Grouped by hs_code: several codes fold into one powertrain class in C++.
constexpr char kPartnerRecordsSql[] = R"sql(
SELECT reporter, flow, hs_code, period, partner, COUNT(*), SUM(value_usd),
       SUM(quantity)
FROM records
WHERE manufacturer = '' AND partner <> 'W00'
GROUP BY reporter, flow, hs_code, period, partner)sql";

}  // namespace

absl::StatusOr<std::vector<std::string>> RollupDifferences(
    const StoreConfig& config) {
  // One transaction: stored and recomputed from the same snapshot.
  ASSIGN_OR_RETURN(
      std::vector<SqlRows> results,
      RunStoreSql(config, {kStoredHsMonthSql, kRecomputedHsMonthSql,
                           kStoredPartnerMonthSql, kPartnerRecordsSql}));
  std::vector<std::string> differences;

  const Rollup<7> stored_hs = ToRollup<7>(results[0], 5);
  Rollup<7> recomputed_hs;
  for (const std::vector<std::string>& row : results[1]) {
    const std::string& manufacturer = row[2];
    const std::string& hs_code = row[4];
    const std::string key = absl::StrCat(
        row[0], "/", row[1], "/", manufacturer.empty() ? "''" : manufacturer,
        "/", row[3], "/", hs_code);
    std::array<int64_t, 7>& m = recomputed_hs[key];
    m[0] = static_cast<int64_t>(ClassifyHsCode(hs_code));
    for (int i = 1; i < 7; ++i) m[i] = ToInt(row[5 + i]);
  }
  Compare("hs_month", kHsMonthMeasures, stored_hs, recomputed_hs, differences);

  const Rollup<3> stored_pm = ToRollup<3>(results[2], 5);
  Rollup<3> recomputed_pm;
  for (const std::vector<std::string>& row : results[3]) {
    const std::string key = absl::StrCat(
        row[0], "/", row[1], "/", static_cast<int>(ClassifyHsCode(row[2])), "/",
        row[3], "/", row[4]);
    std::array<int64_t, 3>& m = recomputed_pm[key];
    for (int i = 0; i < 3; ++i) m[i] += ToInt(row[5 + i]);
  }
  Compare("partner_month", kPartnerMonthMeasures, stored_pm, recomputed_pm,
          differences);
  return differences;
}

absl::StatusOr<std::vector<SqlRows>> RunStoreSql(
    const StoreConfig& config, const std::vector<std::string>& statements) {
  std::vector<SqlRows> results;
  if (IsPostgresDb(config.db)) {
    PgConnectionConfig pg;
    pg.uri = config.db;
    pg.password = config.password;
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Open(pg));
    RETURN_IF_ERROR(db->Command("BEGIN ISOLATION LEVEL REPEATABLE READ"));
    for (const std::string& sql : statements) {
      absl::StatusOr<PgRows> rows = db->Exec(sql);
      if (!rows.ok()) {
        db->RollbackQuietly();
        return rows.status();
      }
      SqlRows& out = results.emplace_back();
      for (int r = 0; r < rows->size(); ++r) {
        std::vector<std::string>& row = out.emplace_back();
        for (int c = 0; c < rows->columns(); ++c) {
          row.push_back(std::string(rows->Text(r, c)));
        }
      }
    }
    RETURN_IF_ERROR(db->Command("COMMIT"));
    return results;
  }
  SqliteStoreConfig sqlite;
  sqlite.path = config.db;
  sqlite.busy_timeout = config.lock_timeout;
  sqlite.migrate = false;
  ASSIGN_OR_RETURN(std::unique_ptr<SQLite::Database> db,
                   OpenSqliteDatabase(sqlite));
  try {
    SQLite::Transaction transaction(*db);
    for (const std::string& sql : statements) {
      SQLite::Statement st(*db, sql);
      SqlRows& out = results.emplace_back();
      while (st.executeStep()) {
        std::vector<std::string>& row = out.emplace_back();
        for (int c = 0; c < st.getColumnCount(); ++c) {
          row.push_back(st.getColumn(c).getString());
        }
      }
    }
    transaction.commit();
    return results;
  } catch (const SQLite::Exception& e) {
    return SqliteErrorToStatus(e, "store sql");
  }
}

}  // namespace evtrade::store
