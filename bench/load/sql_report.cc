#include "bench/load/sql_report.h"

#include <algorithm>
#include <map>
#include <utility>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Exception.h"
#include "SQLiteCpp/Statement.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/areas.h"
#include "common/domain/powertrain.h"
#include "common/util/strings.h"

namespace evtrade::bench {
namespace {

// Flows and periods as the schema stores them (v1::Flow number, YYYYMM).
constexpr int kExport = v1::FLOW_EXPORT;

// 'a', 'b', ... for an IN list.
std::string InList(v1::Powertrain powertrain) {
  std::vector<std::string> quoted;
  for (std::string_view code : HsCodesOf(powertrain)) {
    quoted.push_back(absl::StrCat("'", ToAbsl(code), "'"));
  }
  return absl::StrJoin(quoted, ",");
}

// One reporter's monthly totals per HS code under the World-row rule: the
// World row where there is one, else the sum of the partner rows.
constexpr const char* kSeriesSql = R"sql(
SELECT period, hs_code,
       CASE WHEN MAX(partner = 'W00') = 1
            THEN SUM(CASE WHEN partner = 'W00' THEN value_usd ELSE 0 END)
            ELSE SUM(CASE WHEN partner <> 'W00' THEN value_usd ELSE 0 END)
       END,
       CASE WHEN MAX(partner = 'W00') = 1
            THEN SUM(CASE WHEN partner = 'W00' THEN quantity ELSE 0 END)
            ELSE SUM(CASE WHEN partner <> 'W00' THEN quantity ELSE 0 END)
       END
FROM records
WHERE reporter = ?1 AND flow = ?2 AND manufacturer = '' AND period <= ?3
  AND hs_code LIKE '8703%'
GROUP BY period, hs_code
)sql";

// Every reporter's total over a range of months, under the same rule.
constexpr const char* kRankingSql = R"sql(
SELECT reporter, SUM(v) AS total FROM (
  SELECT reporter,
         CASE WHEN MAX(partner = 'W00') = 1
              THEN SUM(CASE WHEN partner = 'W00' THEN value_usd ELSE 0 END)
              ELSE SUM(CASE WHEN partner <> 'W00' THEN value_usd ELSE 0 END)
         END AS v
  FROM records
  WHERE flow = ?1 AND manufacturer = '' AND period BETWEEN ?2 AND ?3
    AND hs_code LIKE '8703%'
  GROUP BY reporter, period, hs_code)
GROUP BY reporter
ORDER BY total DESC, reporter
)sql";

// The first column of a (reporter, flow, period) query's rows.
std::vector<std::string> Names(SQLite::Statement& query,
                               const std::string& reporter, Month month) {
  query.reset();
  query.bind(1, reporter);
  query.bind(2, kExport);
  query.bind(3, month.Key());
  std::vector<std::string> names;
  while (query.executeStep()) names.push_back(query.getColumn(0).getString());
  return names;
}

}  // namespace

struct SqlReport::Db {
  explicit Db(const std::string& path)
      : db(path, SQLite::OPEN_READONLY, /*busy_timeout_ms=*/5000),
        series(db, kSeriesSql),
        ranking(db, kRankingSql),
        partners(
            db, absl::StrCat("SELECT partner, SUM(value_usd) AS v FROM records "
                             "WHERE reporter = ?1 AND flow = ?2 AND "
                             "manufacturer = '' AND period = ?3 AND partner <> "
                             "'W00' AND hs_code IN (",
                             InList(v1::POWERTRAIN_ELECTRIC),
                             ") GROUP BY partner ORDER BY v DESC, partner "
                             "LIMIT 5")),
        makers(db, absl::StrCat(
                       "SELECT manufacturer, SUM(quantity) AS q FROM records "
                       "WHERE reporter = ?1 AND flow = ?2 AND manufacturer "
                       "<> '' AND period = ?3 AND hs_code IN (",
                       InList(v1::POWERTRAIN_ELECTRIC),
                       ") GROUP BY manufacturer ORDER BY q DESC, "
                       "manufacturer LIMIT 5")) {}

  SQLite::Database db;
  SQLite::Statement series;
  SQLite::Statement ranking;
  SQLite::Statement partners;
  SQLite::Statement makers;
};

SqlReport::SqlReport(std::unique_ptr<Db> db) : db_(std::move(db)) {}
SqlReport::~SqlReport() = default;

absl::StatusOr<std::unique_ptr<SqlReport>> SqlReport::Open(
    const std::string& db_path) {
  try {
    return std::unique_ptr<SqlReport>(
        new SqlReport(std::make_unique<Db>(db_path)));
  } catch (const SQLite::Exception& e) {
    return absl::UnavailableError(
        absl::StrCat("opening ", db_path, ": ", e.what()));
  }
}

absl::StatusOr<SqlReportFigures> SqlReport::Compute(const std::string& reporter,
                                                    Month month) {
  SqlReportFigures out;
  try {
    // Monthly segment and all-vehicle totals up to the month.
    struct Totals {
      int64_t segment_value = 0, segment_quantity = 0;
      int64_t all_value = 0, all_quantity = 0;
    };
    std::map<int, Totals> by_month;
    const auto electric = ClassesOf(v1::POWERTRAIN_ELECTRIC);
    SQLite::Statement& series = db_->series;
    series.reset();
    series.bind(1, reporter);
    series.bind(2, kExport);
    series.bind(3, month.Key());
    while (series.executeStep()) {
      Totals& t = by_month[series.getColumn(0).getInt()];
      const PowertrainClass cls =
          ClassifyHsCode(series.getColumn(1).getString());
      const int64_t value = series.getColumn(2).getInt64();
      const int64_t quantity = series.getColumn(3).getInt64();
      if (cls == PowertrainClass::kNotVehicle) continue;
      t.all_value += value;
      t.all_quantity += quantity;
      if (std::find(electric.begin(), electric.end(), cls) != electric.end()) {
        t.segment_value += value;
        t.segment_quantity += quantity;
      }
    }
    if (auto it = by_month.find(month.Key()); it != by_month.end()) {
      out.segment_value = it->second.segment_value;
      out.segment_quantity = it->second.segment_quantity;
      out.all_value = it->second.all_value;
      out.all_quantity = it->second.all_quantity;
    }
    int64_t best_segment = -1;
    int64_t best_all = -1;
    for (const auto& [key, t] : by_month) {
      if (key >= month.Key()) break;
      best_segment = std::max(best_segment, t.segment_value);
      best_all = std::max(best_all, t.all_value);
      if (key >= month.YearStart().Key()) {
        out.ytd_segment_value += t.segment_value;
        out.ytd_all_value += t.all_value;
      }
    }
    out.ytd_segment_value += out.segment_value;
    out.ytd_all_value += out.all_value;
    out.segment_record_high =
        best_segment >= 0 && out.segment_value > best_segment;
    out.all_record_high = best_all >= 0 && out.all_value > best_all;
    for (Month m = month;; m = m.Previous()) {
      auto it = by_month.find(m.Key());
      if (it == by_month.end() || it->second.all_value == 0 ||
          it->second.segment_value * 2 <= it->second.all_value) {
        break;
      }
      ++out.segment_majority_streak;
    }

    out.top_partners = Names(db_->partners, reporter, month);
    out.top_manufacturers = Names(db_->makers, reporter, month);

    SQLite::Statement& ranking = db_->ranking;
    ranking.reset();
    ranking.bind(1, kExport);
    ranking.bind(2, month.YearStart().Key());
    ranking.bind(3, month.Key());
    for (int rank = 1; ranking.executeStep(); ++rank) {
      if (ranking.getColumn(0).getString() == reporter) {
        out.exporter_rank = rank;
      }
    }
  } catch (const SQLite::Exception& e) {
    return absl::UnavailableError(absl::StrCat("plain SQL report: ", e.what()));
  }
  return out;
}

std::vector<std::string> CompareReport(const v1::MarketReport& report,
                                       const SqlReportFigures& sql) {
  std::vector<std::string> differences;
  auto check = [&](std::string_view field, const auto& service,
                   const auto& expected) {
    if (service != expected) {
      differences.push_back(absl::StrCat(ToAbsl(field), ": service ", service,
                                         ", sql ", expected));
    }
  };
  check("segment.value_usd", report.segment().value_usd(), sql.segment_value);
  check("segment.quantity", report.segment().quantity(), sql.segment_quantity);
  check("all_vehicles.value_usd", report.all_vehicles().value_usd(),
        sql.all_value);
  check("all_vehicles.quantity", report.all_vehicles().quantity(),
        sql.all_quantity);
  check("segment.record_high", report.segment().record_high(),
        sql.segment_record_high);
  check("all_vehicles.record_high", report.all_vehicles().record_high(),
        sql.all_record_high);
  check("segment_majority_streak_months",
        report.segment_majority_streak_months(), sql.segment_majority_streak);
  check("ytd_segment.value_usd", report.ytd_segment().value_usd(),
        sql.ytd_segment_value);
  check("ytd_all.value_usd", report.ytd_all().value_usd(), sql.ytd_all_value);
  check("exporter_rank.rank", report.exporter_rank().rank(), sql.exporter_rank);
  std::vector<std::string> partners;
  for (const auto& p : report.top_partners()) partners.push_back(p.partner());
  check("top_partners", absl::StrJoin(partners, " "),
        absl::StrJoin(sql.top_partners, " "));
  std::vector<std::string> makers;
  for (const auto& m : report.top_manufacturers()) {
    makers.push_back(m.manufacturer());
  }
  check("top_manufacturers", absl::StrJoin(makers, " "),
        absl::StrJoin(sql.top_manufacturers, " "));
  return differences;
}

}  // namespace evtrade::bench
