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
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/powertrain.h"
#include "common/util/status_macros.h"

namespace evtrade::store {
namespace {

// A rollup row: its key columns joined by '/' and its measures by name.
constexpr std::array<const char*, 7> kHsMonthMeasures = {
    "powertrain",   "has_world",     "world_value",     "world_quantity",
    "partner_rows", "partner_value", "partner_quantity"};
constexpr std::array<const char*, 3> kPartnerMonthMeasures = {
    "rows", "value_usd", "quantity"};

template <size_t N>
using Rollup = std::map<std::string, std::array<int64_t, N>>;

// Reads `sql` whose first `key_columns` columns are the key and the next N
// the measures.
template <size_t N>
Rollup<N> ReadRollup(SQLite::Database& db, const char* sql, int key_columns) {
  Rollup<N> rows;
  SQLite::Statement st(db, sql);
  while (st.executeStep()) {
    std::vector<std::string> key;
    for (int i = 0; i < key_columns; ++i) {
      const std::string text = st.getColumn(i).getString();
      key.push_back(text.empty() ? "''" : text);
    }
    std::array<int64_t, N>& measures = rows[absl::StrJoin(key, "/")];
    for (size_t i = 0; i < N; ++i) {
      measures[i] = st.getColumn(key_columns + static_cast<int>(i)).getInt64();
    }
  }
  return rows;
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
       MAX(partner = 'W00'),
       COALESCE(SUM(CASE WHEN partner = 'W00' THEN value_usd END), 0),
       COALESCE(SUM(CASE WHEN partner = 'W00' THEN quantity END), 0),
       SUM(partner <> 'W00'),
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
    const SqliteStoreConfig& config) {
  SqliteStoreConfig read_config = config;
  read_config.migrate = false;
  ASSIGN_OR_RETURN(std::unique_ptr<SQLite::Database> db,
                   OpenSqliteDatabase(read_config));
  try {
    std::vector<std::string> differences;
    // One read transaction: stored and recomputed from the same snapshot.
    SQLite::Transaction snapshot(*db);

    const Rollup<7> stored_hs = ReadRollup<7>(*db, kStoredHsMonthSql, 5);
    Rollup<7> recomputed_hs;
    {
      SQLite::Statement st(*db, kRecomputedHsMonthSql);
      while (st.executeStep()) {
        const std::string manufacturer = st.getColumn(2).getString();
        const std::string hs_code = st.getColumn(4).getString();
        const std::string key = absl::StrCat(
            st.getColumn(0).getString(), "/", st.getColumn(1).getInt(), "/",
            manufacturer.empty() ? "''" : manufacturer, "/",
            st.getColumn(3).getInt(), "/", hs_code);
        std::array<int64_t, 7>& m = recomputed_hs[key];
        m[0] = static_cast<int64_t>(ClassifyHsCode(hs_code));
        for (int i = 1; i < 7; ++i) m[i] = st.getColumn(5 + i).getInt64();
      }
    }
    Compare("hs_month", kHsMonthMeasures, stored_hs, recomputed_hs,
            differences);

    const Rollup<3> stored_pm = ReadRollup<3>(*db, kStoredPartnerMonthSql, 5);
    Rollup<3> recomputed_pm;
    {
      SQLite::Statement st(*db, kPartnerRecordsSql);
      while (st.executeStep()) {
        const std::string key = absl::StrCat(
            st.getColumn(0).getString(), "/", st.getColumn(1).getInt(), "/",
            static_cast<int>(ClassifyHsCode(st.getColumn(2).getString())), "/",
            st.getColumn(3).getInt(), "/", st.getColumn(4).getString());
        std::array<int64_t, 3>& m = recomputed_pm[key];
        for (int i = 0; i < 3; ++i) m[i] += st.getColumn(5 + i).getInt64();
      }
    }
    Compare("partner_month", kPartnerMonthMeasures, stored_pm, recomputed_pm,
            differences);
    return differences;
  } catch (const SQLite::Exception& e) {
    return SqliteErrorToStatus(e, "rollup check");
  }
}

}  // namespace evtrade::store
