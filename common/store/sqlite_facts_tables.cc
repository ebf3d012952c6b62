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

// The head and tail of a multi-row INSERT that adds to named facts.
std::string AddNamedHead(const char* table, const char* name_column) {
  return absl::StrCat("INSERT INTO ", table,
                      " (reporter, flow, segment, period, ", name_column,
                      ", value_usd, quantity) VALUES ");
}
constexpr char kAddNamedTail[] =
    "ON CONFLICT DO UPDATE SET value_usd = value_usd + excluded.value_usd, "
    "quantity = quantity + excluded.quantity";

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
      add_partner_(db, AddNamedHead("partner_facts", "partner"), 7,
                   kAddNamedTail),
      add_maker_(db, AddNamedHead("maker_facts", "manufacturer"), 7,
                 kAddNamedTail),
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

absl::Status SqliteFactsTables::AddNamed(std::span<const NamedDelta> rows) {
  return Guard("write named facts", [&]() -> absl::Status {
    // A run of rows of one kind per writer.
    size_t first = 0;
    while (first < rows.size()) {
      const NamedKind kind = rows[first].kind;
      size_t end = first;
      while (end < rows.size() && rows[end].kind == kind) ++end;
      const std::span<const NamedDelta> run = rows.subspan(first, end - first);
      (kind == NamedKind::kPartner ? add_partner_ : add_maker_)
          .Write(run.size(), [&](SQLite::Statement& st, int p, size_t i) {
            const NamedDelta& row = run[i];
            st.bindNoCopy(p, row.key.reporter);
            st.bind(p + 1, row.key.flow);
            st.bind(p + 2, row.key.segment);
            st.bind(p + 3, row.period);
            st.bindNoCopy(p + 4, row.name);
            st.bind(p + 5, row.delta.value_usd);
            st.bind(p + 6, row.delta.quantity);
          });
      first = end;
    }
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
