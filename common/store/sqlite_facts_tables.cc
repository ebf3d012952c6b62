#include "common/store/sqlite_facts_tables.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/store/sqlite_database.h"
#include "common/util/status_macros.h"

namespace evtrade::store {
namespace {

const std::string kSeriesFromSql =
    absl::StrCat("SELECT ", kSeriesFactColumns,
                 " FROM series_facts WHERE reporter = ?1 AND flow = ?2"
                 " AND segment = ?3 AND period >= ?4 ORDER BY period");
const std::string kSeriesBeforeSql = absl::StrCat(
    "SELECT ", kSeriesFactColumns,
    " FROM series_facts WHERE reporter = ?1 AND flow = ?2 AND segment = ?3"
    " AND period < ?4 ORDER BY period DESC LIMIT 1");
const std::string kPutSeriesSql = absl::StrCat(
    "INSERT OR REPLACE INTO series_facts (reporter, flow, segment, ",
    kSeriesFactColumns,
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");

std::string AddNamedSql(const char* table, const char* name_column) {
  return absl::StrCat("INSERT INTO ", table,
                      " (reporter, flow, segment, period, ", name_column,
                      ", value_usd, quantity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                      "?7) ON CONFLICT DO UPDATE SET value_usd = value_usd + "
                      "excluded.value_usd, quantity = quantity + "
                      "excluded.quantity");
}

// The key outlives the statement's run (ScopedStatementReset).
void BindKey(SQLite::Statement& st, const SeriesKey& key) {
  st.bindNoCopy(1, key.reporter);
  st.bind(2, key.flow);
  st.bind(3, key.segment);
}

template <typename Fn>
auto Guard(std::string_view what, Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SQLite::Exception& e) {
    return SqliteErrorToStatus(e, what);
  }
}

Standing StandingFromRow(SQLite::Statement& st) {
  Standing s;
  s.reporter = st.getColumn(0).getString();
  s.period = st.getColumn(1).getInt();
  s.ytd = {st.getColumn(2).getInt64(), st.getColumn(3).getInt64()};
  s.rank = st.getColumn(4).getInt();
  return s;
}

}  // namespace

SeriesFact SeriesFactFromRow(SQLite::Statement& st, int first) {
  SeriesFact f;
  f.period = st.getColumn(first).getInt();
  f.figures = {st.getColumn(first + 1).getInt64(),
               st.getColumn(first + 2).getInt64()};
  f.ytd = {st.getColumn(first + 3).getInt64(),
           st.getColumn(first + 4).getInt64()};
  if (!st.getColumn(first + 5).isNull()) {
    f.year_earlier = Figures{st.getColumn(first + 5).getInt64(),
                             st.getColumn(first + 6).getInt64()};
  }
  if (!st.getColumn(first + 7).isNull()) {
    f.record_period = st.getColumn(first + 7).getInt();
    f.record_value = st.getColumn(first + 8).getInt64();
  }
  f.all_value = st.getColumn(first + 9).getInt64();
  f.streak = st.getColumn(first + 10).getInt();
  return f;
}

SqliteFactsTables::SqliteFactsTables(SQLite::Database& db)
    : series_from_(db, kSeriesFromSql),
      series_before_(db, kSeriesBeforeSql),
      put_series_(db, kPutSeriesSql),
      add_partner_(db, AddNamedSql("partner_facts", "partner")),
      add_maker_(db, AddNamedSql("maker_facts", "manufacturer")),
      standings_from_(db,
                      "SELECT reporter, period, ytd_value, ytd_quantity, rank"
                      " FROM exporter_standing WHERE reporter = ?1"
                      " AND period >= ?2 ORDER BY period"),
      standings_at_(db,
                    "SELECT reporter, period, ytd_value, ytd_quantity, rank"
                    " FROM exporter_standing WHERE period = ?1"),
      put_standing_(db,
                    "INSERT OR REPLACE INTO exporter_standing (reporter,"
                    " period, ytd_value, ytd_quantity, rank)"
                    " VALUES (?1, ?2, ?3, ?4, ?5)") {}

absl::StatusOr<std::vector<SeriesFact>> SqliteFactsTables::SeriesFrom(
    const SeriesKey& key, int from) {
  return Guard("series facts",
               [&]() -> absl::StatusOr<std::vector<SeriesFact>> {
                 ScopedStatementReset reset(series_from_);
                 BindKey(series_from_, key);
                 series_from_.bind(4, from);
                 std::vector<SeriesFact> rows;
                 while (series_from_.executeStep()) {
                   rows.push_back(SeriesFactFromRow(series_from_));
                 }
                 return rows;
               });
}

absl::StatusOr<std::optional<SeriesFact>> SqliteFactsTables::SeriesBefore(
    const SeriesKey& key, int before) {
  return Guard(
      "series facts", [&]() -> absl::StatusOr<std::optional<SeriesFact>> {
        ScopedStatementReset reset(series_before_);
        BindKey(series_before_, key);
        series_before_.bind(4, before);
        if (!series_before_.executeStep()) {
          return std::optional<SeriesFact>();
        }
        return std::optional<SeriesFact>(SeriesFactFromRow(series_before_));
      });
}

absl::Status SqliteFactsTables::PutSeries(const SeriesKey& key,
                                          const SeriesFact& f) {
  return Guard("write series facts", [&]() -> absl::Status {
    SQLite::Statement& st = put_series_;
    ScopedStatementReset reset(st);
    BindKey(st, key);
    st.bind(4, f.period);
    st.bind(5, f.figures.value_usd);
    st.bind(6, f.figures.quantity);
    st.bind(7, f.ytd.value_usd);
    st.bind(8, f.ytd.quantity);
    if (f.year_earlier.has_value()) {
      st.bind(9, f.year_earlier->value_usd);
      st.bind(10, f.year_earlier->quantity);
    }
    if (f.record_period.has_value()) {
      st.bind(11, *f.record_period);
      st.bind(12, f.record_value);
    }
    st.bind(13, f.all_value);
    st.bind(14, f.streak);
    st.exec();
    return absl::OkStatus();
  });
}

absl::Status SqliteFactsTables::AddNamed(NamedKind kind, const SeriesKey& key,
                                         int period, const std::string& name,
                                         const Figures& delta) {
  return Guard("write named facts", [&]() -> absl::Status {
    SQLite::Statement& st =
        kind == NamedKind::kPartner ? add_partner_ : add_maker_;
    ScopedStatementReset reset(st);
    BindKey(st, key);
    st.bind(4, period);
    st.bindNoCopy(5, name);
    st.bind(6, delta.value_usd);
    st.bind(7, delta.quantity);
    st.exec();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<Standing>> SqliteFactsTables::StandingsFrom(
    const std::string& reporter, int from) {
  return Guard("exporter standings",
               [&]() -> absl::StatusOr<std::vector<Standing>> {
                 ScopedStatementReset reset(standings_from_);
                 standings_from_.bind(1, reporter);
                 standings_from_.bind(2, from);
                 std::vector<Standing> rows;
                 while (standings_from_.executeStep()) {
                   rows.push_back(StandingFromRow(standings_from_));
                 }
                 return rows;
               });
}

absl::StatusOr<std::vector<Standing>> SqliteFactsTables::StandingsAt(
    int period) {
  return Guard("exporter standings",
               [&]() -> absl::StatusOr<std::vector<Standing>> {
                 ScopedStatementReset reset(standings_at_);
                 standings_at_.bind(1, period);
                 std::vector<Standing> rows;
                 while (standings_at_.executeStep()) {
                   rows.push_back(StandingFromRow(standings_at_));
                 }
                 return rows;
               });
}

absl::Status SqliteFactsTables::PutStanding(const Standing& s) {
  return Guard("write exporter standing", [&]() -> absl::Status {
    ScopedStatementReset reset(put_standing_);
    put_standing_.bind(1, s.reporter);
    put_standing_.bind(2, s.period);
    put_standing_.bind(3, s.ytd.value_usd);
    put_standing_.bind(4, s.ytd.quantity);
    put_standing_.bind(5, s.rank);
    put_standing_.exec();
    return absl::OkStatus();
  });
}

absl::Status RebuildSqliteReportFacts(SQLite::Database& db) {
  FactsMaintainer facts;
  {
    SQLite::Statement st(
        db,
        "SELECT reporter, flow, manufacturer, period, powertrain,"
        " CASE WHEN has_world <> 0 THEN world_value ELSE partner_value END,"
        " CASE WHEN has_world <> 0 THEN world_quantity"
        " ELSE partner_quantity END FROM hs_month");
    while (st.executeStep()) {
      facts.AddCell(st.getColumn(0).getString(), st.getColumn(1).getInt(),
                    st.getColumn(2).getString(), st.getColumn(3).getInt(),
                    static_cast<PowertrainClass>(st.getColumn(4).getInt()),
                    {st.getColumn(5).getInt64(), st.getColumn(6).getInt64()});
    }
  }
  {
    SQLite::Statement st(db,
                         "SELECT reporter, flow, period, powertrain, partner,"
                         " value_usd, quantity FROM partner_month");
    while (st.executeStep()) {
      facts.AddPartner(
          st.getColumn(0).getString(), st.getColumn(1).getInt(),
          st.getColumn(2).getInt(),
          static_cast<PowertrainClass>(st.getColumn(3).getInt()),
          st.getColumn(4).getString(),
          {st.getColumn(5).getInt64(), st.getColumn(6).getInt64()});
    }
  }
  SqliteFactsTables tables(db);
  return facts.Flush(tables);
}

}  // namespace evtrade::store
