#include "common/store/pg_facts_tables.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"

namespace evtrade::store {
namespace {

const std::string kSeriesFromSql =
    absl::StrCat("SELECT ", kSeriesFactColumns,
                 " FROM series_facts WHERE reporter = $1 AND flow = $2"
                 " AND segment = $3 AND period >= $4 ORDER BY period");
const std::string kSeriesBeforeSql = absl::StrCat(
    "SELECT ", kSeriesFactColumns,
    " FROM series_facts WHERE reporter = $1 AND flow = $2 AND segment = $3"
    " AND period < $4 ORDER BY period DESC LIMIT 1");
const std::string kPutSeriesSql = absl::StrCat(
    "INSERT INTO series_facts (reporter, flow, segment, ", kSeriesFactColumns,
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    " ON CONFLICT (reporter, flow, segment, period) DO UPDATE SET"
    " value_usd = excluded.value_usd, quantity = excluded.quantity,"
    " ytd_value = excluded.ytd_value, ytd_quantity = excluded.ytd_quantity,"
    " ye_value = excluded.ye_value, ye_quantity = excluded.ye_quantity,"
    " record_period = excluded.record_period,"
    " record_value = excluded.record_value, all_value = excluded.all_value,"
    " streak = excluded.streak");

// Adds rows given as arrays (PgArray) to named facts.
std::string AddNamedSql(const char* table, const char* name_column) {
  return absl::StrCat(
      "INSERT INTO ", table, " AS t (reporter, flow, segment, period, ",
      name_column,
      ", value_usd, quantity) SELECT * FROM unnest($1::text[], $2::int[],"
      " $3::int[], $4::int[], $5::text[], $6::bigint[], $7::bigint[])"
      " ON CONFLICT (reporter, flow, segment, period, ",
      name_column,
      ") DO UPDATE SET value_usd = t.value_usd + excluded.value_usd,"
      " quantity = t.quantity + excluded.quantity");
}

constexpr char kStandingColumns[] =
    "SELECT reporter, period, ytd_value, ytd_quantity, rank FROM "
    "exporter_standing";

std::vector<Standing> StandingsFromRows(const PgRows& rows) {
  std::vector<Standing> out;
  for (int r = 0; r < rows.size(); ++r) {
    Standing s;
    s.reporter = std::string(rows.Text(r, 0));
    s.period = static_cast<int>(rows.Int(r, 1));
    s.ytd = {rows.Int(r, 2), rows.Int(r, 3)};
    s.rank = static_cast<int>(rows.Int(r, 4));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

SeriesFact SeriesFactFromPgRow(const PgRows& rows, int row, int first) {
  SeriesFact f;
  f.period = static_cast<int>(rows.Int(row, first));
  f.figures = {rows.Int(row, first + 1), rows.Int(row, first + 2)};
  f.ytd = {rows.Int(row, first + 3), rows.Int(row, first + 4)};
  if (!rows.IsNull(row, first + 5)) {
    f.year_earlier =
        Figures{rows.Int(row, first + 5), rows.Int(row, first + 6)};
  }
  if (!rows.IsNull(row, first + 7)) {
    f.record_period = static_cast<int>(rows.Int(row, first + 7));
    f.record_value = rows.Int(row, first + 8);
  }
  f.all_value = rows.Int(row, first + 9);
  f.streak = static_cast<int>(rows.Int(row, first + 10));
  return f;
}

absl::StatusOr<std::vector<SeriesFact>> PgFactsTables::SeriesFrom(
    const SeriesKey& key, int from) {
  const PgParam params[] = {PgParam::Text(key.reporter), PgParam::Int(key.flow),
                            PgParam::Int(key.segment), PgParam::Int(from)};
  ASSIGN_OR_RETURN(PgRows rows, db_.Exec(kSeriesFromSql, params));
  std::vector<SeriesFact> out;
  for (int r = 0; r < rows.size(); ++r) {
    out.push_back(SeriesFactFromPgRow(rows, r));
  }
  return out;
}

absl::StatusOr<std::optional<SeriesFact>> PgFactsTables::SeriesBefore(
    const SeriesKey& key, int before) {
  const PgParam params[] = {PgParam::Text(key.reporter), PgParam::Int(key.flow),
                            PgParam::Int(key.segment), PgParam::Int(before)};
  ASSIGN_OR_RETURN(PgRows rows, db_.Exec(kSeriesBeforeSql, params));
  if (rows.size() == 0) return std::optional<SeriesFact>();
  return std::optional<SeriesFact>(SeriesFactFromPgRow(rows, 0));
}

absl::Status PgFactsTables::PutSeries(const SeriesKey& key,
                                      const SeriesFact& f) {
  const PgParam params[] = {
      PgParam::Text(key.reporter),
      PgParam::Int(key.flow),
      PgParam::Int(key.segment),
      PgParam::Int(f.period),
      PgParam::Int(f.figures.value_usd),
      PgParam::Int(f.figures.quantity),
      PgParam::Int(f.ytd.value_usd),
      PgParam::Int(f.ytd.quantity),
      f.year_earlier ? PgParam::Int(f.year_earlier->value_usd)
                     : PgParam::Null(),
      f.year_earlier ? PgParam::Int(f.year_earlier->quantity) : PgParam::Null(),
      f.record_period ? PgParam::Int(*f.record_period) : PgParam::Null(),
      f.record_period ? PgParam::Int(f.record_value) : PgParam::Null(),
      PgParam::Int(f.all_value),
      PgParam::Int(f.streak)};
  return db_.Exec(kPutSeriesSql, params).status();
}

absl::Status PgFactsTables::AddNamed(std::span<const NamedDelta> rows) {
  static const std::string* const kPartnerSql =
      new std::string(AddNamedSql("partner_facts", "partner"));
  static const std::string* const kMakerSql =
      new std::string(AddNamedSql("maker_facts", "manufacturer"));
  // One statement per run of rows of one kind, at most kPgRowsPerStatement.
  size_t first = 0;
  while (first < rows.size()) {
    const NamedKind kind = rows[first].kind;
    PgArray columns[7];
    size_t end = first;
    for (; end < rows.size() && rows[end].kind == kind &&
           end - first < kPgRowsPerStatement;
         ++end) {
      const NamedDelta& row = rows[end];
      columns[0].AddText(row.key.reporter);
      columns[1].AddInt(row.key.flow);
      columns[2].AddInt(row.key.segment);
      columns[3].AddInt(row.period);
      columns[4].AddText(row.name);
      columns[5].AddInt(row.delta.value_usd);
      columns[6].AddInt(row.delta.quantity);
    }
    RETURN_IF_ERROR(
        db_.Exec(kind == NamedKind::kPartner ? *kPartnerSql : *kMakerSql,
                 ArrayParams(columns))
            .status());
    first = end;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Standing>> PgFactsTables::StandingsFrom(
    const std::string& reporter, int from) {
  const PgParam params[] = {PgParam::Text(reporter), PgParam::Int(from)};
  ASSIGN_OR_RETURN(PgRows rows,
                   db_.Exec(absl::StrCat(kStandingColumns,
                                         " WHERE reporter = $1 AND period >= $2"
                                         " ORDER BY period"),
                            params));
  return StandingsFromRows(rows);
}

absl::StatusOr<std::vector<Standing>> PgFactsTables::StandingsAt(int period) {
  const PgParam params[] = {PgParam::Int(period)};
  ASSIGN_OR_RETURN(
      PgRows rows,
      db_.Exec(absl::StrCat(kStandingColumns, " WHERE period = $1"), params));
  return StandingsFromRows(rows);
}

absl::Status PgFactsTables::PutStanding(const Standing& s) {
  const PgParam params[] = {PgParam::Text(s.reporter), PgParam::Int(s.period),
                            PgParam::Int(s.ytd.value_usd),
                            PgParam::Int(s.ytd.quantity), PgParam::Int(s.rank)};
  return db_
      .Exec(
          "INSERT INTO exporter_standing (reporter, period, ytd_value,"
          " ytd_quantity, rank) VALUES ($1, $2, $3, $4, $5)"
          " ON CONFLICT (reporter, period) DO UPDATE SET"
          " ytd_value = excluded.ytd_value,"
          " ytd_quantity = excluded.ytd_quantity, rank = excluded.rank",
          params)
      .status();
}

absl::Status RebuildPgReportFacts(PgConnection& db) {
  FactsMaintainer facts;
  ASSIGN_OR_RETURN(
      PgRows cells,
      db.Exec("SELECT reporter, flow, manufacturer, period, powertrain,"
              " CASE WHEN has_world <> 0 THEN world_value ELSE partner_value"
              " END, CASE WHEN has_world <> 0 THEN world_quantity"
              " ELSE partner_quantity END FROM hs_month"));
  for (int r = 0; r < cells.size(); ++r) {
    facts.AddCell(
        std::string(cells.Text(r, 0)), static_cast<int>(cells.Int(r, 1)),
        std::string(cells.Text(r, 2)), static_cast<int>(cells.Int(r, 3)),
        static_cast<PowertrainClass>(cells.Int(r, 4)),
        {cells.Int(r, 5), cells.Int(r, 6)});
  }
  ASSIGN_OR_RETURN(PgRows partners,
                   db.Exec("SELECT reporter, flow, period, powertrain,"
                           " partner, value_usd, quantity FROM partner_month"));
  for (int r = 0; r < partners.size(); ++r) {
    facts.AddPartner(std::string(partners.Text(r, 0)),
                     static_cast<int>(partners.Int(r, 1)),
                     static_cast<int>(partners.Int(r, 2)),
                     static_cast<PowertrainClass>(partners.Int(r, 3)),
                     std::string(partners.Text(r, 4)),
                     {partners.Int(r, 5), partners.Int(r, 6)});
  }
  PgFactsTables tables(db);
  return facts.Flush(tables);
}

}  // namespace evtrade::store
