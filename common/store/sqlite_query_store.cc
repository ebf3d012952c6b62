#include "common/store/sqlite_query_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/areas.h"
#include "common/store/record_cells.h"
#include "common/store/report_facts.h"
#include "common/store/sqlite_database.h"
#include "common/store/sqlite_facts_tables.h"

namespace evtrade::store {
namespace {

// Per (hs_code, month) row of hs_month: the World row where one was
// ingested, else the partner sum.
constexpr absl::string_view kTotalValue =
    "CASE WHEN has_world <> 0 THEN world_value ELSE partner_value END";
constexpr absl::string_view kTotalQuantity =
    "CASE WHEN has_world <> 0 THEN world_quantity ELSE partner_quantity END";

// Periods bound for "no lower / upper limit".
constexpr int kNoFirstPeriod = 0;
constexpr int kNoLastPeriod = 999999;

// The class numbers as an SQL list. They are our own small integers, never
// user text, so inlining them is safe; it lets SQLite use the powertrain
// column of partner_month's key, and gives one cached statement per set.
std::string ClassList(const std::vector<PowertrainClass>& classes) {
  return absl::StrJoin(classes, ",", [](std::string* out, PowertrainClass c) {
    absl::StrAppend(out, static_cast<int>(c));
  });
}

std::string QuotedHsCodes(const std::vector<PowertrainClass>& classes) {
  std::vector<std::string> codes;
  for (PowertrainClass cls : classes) {
    for (std::string_view code : HsCodesOf(ToPowertrain(cls))) {
      codes.push_back(absl::StrCat("'", std::string(code), "'"));
    }
  }
  std::sort(codes.begin(), codes.end());
  return absl::StrJoin(codes, ",");
}

}  // namespace

class SqliteQueryStore::Snapshot final : public QuerySnapshot {
 public:
  Snapshot(SqliteQueryStore& store, int64_t data_version)
      : store_(store), data_version_(data_version) {}

  ~Snapshot() override {
    // A read transaction has nothing to keep; COMMIT just releases the
    // WAL snapshot. Errors here cannot matter to the figures already read.
    try {
      store_.commit_->reset();
      store_.commit_->exec();
    } catch (const SQLite::Exception&) {
      try {
        store_.db_->exec("ROLLBACK");
      } catch (const SQLite::Exception&) {
      }
    }
    store_.snapshot_open_ = false;
  }

  int64_t data_version() const override { return data_version_; }

  absl::StatusOr<bool> HasReporter(std::string_view reporter) override {
    try {
      SQLite::Statement& st =
          store_.Prepare("SELECT 1 FROM hs_month WHERE reporter = ?1 LIMIT 1");
      ScopedStatementReset reset(st);
      st.bind(1, std::string(reporter));
      return st.executeStep();
    } catch (const SQLite::Exception& e) {
      return SqliteErrorToStatus(e, "reporter");
    }
  }

  absl::StatusOr<std::vector<ClassMonthFigures>> MonthlyByClass(
      const SeriesFilter& filter) override {
    try {
      if (!filter.partner.empty() && filter.partner != kWorldCode &&
          !filter.manufacturer.empty()) {
        return ManufacturerPartnerCells(filter);
      }
      std::string sql;
      const std::string classes = ClassList(filter.classes);
      if (filter.partner.empty()) {
        sql = absl::StrCat(
            "SELECT period, powertrain, SUM(", kTotalValue, "), SUM(",
            kTotalQuantity,
            "), SUM(has_world <> 0), SUM(has_world = 0) FROM hs_month"
            " WHERE reporter = ?1 AND flow = ?2 AND manufacturer = ?3"
            " AND period BETWEEN ?4 AND ?5 AND powertrain IN (",
            classes,
            ") GROUP BY period, powertrain ORDER BY period, powertrain");
      } else if (filter.partner == kWorldCode) {
        sql = absl::StrCat(
            "SELECT period, powertrain, SUM(world_value), SUM(world_quantity),"
            " 0, 0 FROM hs_month"
            " WHERE reporter = ?1 AND flow = ?2 AND manufacturer = ?3"
            " AND period BETWEEN ?4 AND ?5 AND powertrain IN (",
            classes,
            ") AND has_world <> 0"
            " GROUP BY period, powertrain ORDER BY period, powertrain");
      } else {
        // Official figures to one partner: partner_month (the manufacturer
        // is '' on this path; ?3 is bound but unused).
        sql = absl::StrCat(
            "SELECT period, powertrain, SUM(value_usd), SUM(quantity), 0, 0"
            " FROM partner_month WHERE reporter = ?1 AND flow = ?2"
            " AND powertrain IN (",
            classes,
            ") AND period BETWEEN ?4 AND ?5 AND partner = ?6"
            " GROUP BY period, powertrain ORDER BY period, powertrain");
      }
      SQLite::Statement& st = store_.Prepare(sql);
      ScopedStatementReset reset(st);
      st.bind(1, filter.reporter);
      st.bind(2, static_cast<int>(filter.flow));
      st.bind(3, filter.manufacturer);
      st.bind(4, filter.first.Key());
      st.bind(5, filter.last.Key());
      if (!filter.partner.empty() && filter.partner != kWorldCode) {
        st.bind(6, filter.partner);
      }
      std::vector<ClassMonthFigures> cells;
      while (st.executeStep()) {
        ClassMonthFigures cell;
        cell.month = Month::FromKey(st.getColumn(0).getInt());
        cell.cls = static_cast<PowertrainClass>(st.getColumn(1).getInt());
        cell.figures.value_usd = st.getColumn(2).getInt64();
        cell.figures.quantity = st.getColumn(3).getInt64();
        cell.world_rows = st.getColumn(4).getInt64();
        cell.partner_sum_rows = st.getColumn(5).getInt64();
        cells.push_back(cell);
      }
      return cells;
    } catch (const SQLite::Exception& e) {
      return SqliteErrorToStatus(e, "monthly figures");
    }
  }

  absl::StatusOr<std::vector<NamedFigures>> PartnerTotals(
      const SeriesFilter& filter) override {
    return Named(
        absl::StrCat("SELECT partner, SUM(value_usd), SUM(quantity)"
                     " FROM partner_month WHERE reporter = ?1 AND flow = ?2"
                     " AND powertrain IN (",
                     ClassList(filter.classes),
                     ") AND period BETWEEN ?3 AND ?4 GROUP BY partner"),
        "partner totals", [&](SQLite::Statement& st) {
          st.bind(1, filter.reporter);
          st.bind(2, static_cast<int>(filter.flow));
          st.bind(3, filter.first.Key());
          st.bind(4, filter.last.Key());
        });
  }

  absl::StatusOr<std::vector<NamedFigures>> ManufacturerTotals(
      const SeriesFilter& filter) override {
    return Named(
        absl::StrCat("SELECT manufacturer, SUM(", kTotalValue, "), SUM(",
                     kTotalQuantity,
                     ") FROM hs_month WHERE reporter = ?1 AND flow = ?2"
                     " AND manufacturer > '' AND period BETWEEN ?3 AND ?4"
                     " AND powertrain IN (",
                     ClassList(filter.classes), ") GROUP BY manufacturer"),
        "manufacturer totals", [&](SQLite::Statement& st) {
          st.bind(1, filter.reporter);
          st.bind(2, static_cast<int>(filter.flow));
          st.bind(3, filter.first.Key());
          st.bind(4, filter.last.Key());
        });
  }

  absl::StatusOr<std::vector<NamedFigures>> ExporterTotals(
      std::string_view partner, const std::vector<PowertrainClass>& classes,
      Month first, Month last) override {
    const int export_flow = static_cast<int>(v1::FLOW_EXPORT);
    if (partner.empty() || partner == kWorldCode) {
      return Named(
          absl::StrCat("SELECT reporter, SUM(", kTotalValue, "), SUM(",
                       kTotalQuantity,
                       ") FROM hs_month WHERE flow = ?1 AND manufacturer = ''"
                       " AND period BETWEEN ?2 AND ?3 AND powertrain IN (",
                       ClassList(classes), ") GROUP BY reporter"),
          "exporter totals", [&](SQLite::Statement& st) {
            st.bind(1, export_flow);
            st.bind(2, first.Key());
            st.bind(3, last.Key());
          });
    }
    return Named(
        absl::StrCat("SELECT reporter, SUM(value_usd), SUM(quantity)"
                     " FROM partner_month WHERE partner = ?4 AND flow = ?1"
                     " AND period BETWEEN ?2 AND ?3 AND powertrain IN (",
                     ClassList(classes), ") GROUP BY reporter"),
        "exporter totals to a partner", [&](SQLite::Statement& st) {
          st.bind(1, export_flow);
          st.bind(2, first.Key());
          st.bind(3, last.Key());
          st.bind(4, std::string(partner));
        });
  }

  absl::StatusOr<std::vector<StoredRecord>> ListRecords(
      const RecordFilter& filter, int64_t after_record_id, int limit) override {
    try {
      // Keyset on record_id (the rowid): SQLite walks the rowid range from
      // after_record_id and stops after `limit` matches.
      SQLite::Statement& st = store_.Prepare(
          "SELECT record_id, reporter, partner, flow, hs_code, period,"
          " manufacturer, value_usd, quantity, net_weight_kg, source"
          " FROM records WHERE record_id > ?1"
          " AND (?2 = '' OR reporter = ?2) AND (?3 = '' OR partner = ?3)"
          " AND (?4 = 0 OR flow = ?4) AND (?5 = '' OR hs_code = ?5)"
          " AND period BETWEEN ?6 AND ?7 AND (?8 = '' OR manufacturer = ?8)"
          " ORDER BY record_id LIMIT ?9");
      ScopedStatementReset reset(st);
      st.bind(1, after_record_id);
      st.bind(2, filter.reporter);
      st.bind(3, filter.partner);
      st.bind(4, static_cast<int>(filter.flow));
      st.bind(5, filter.hs_code);
      st.bind(6, filter.first ? filter.first->Key() : kNoFirstPeriod);
      st.bind(7, filter.last ? filter.last->Key() : kNoLastPeriod);
      st.bind(8, filter.manufacturer);
      st.bind(9, limit);
      std::vector<StoredRecord> records;
      while (st.executeStep()) {
        StoredRecord stored;
        stored.record_id = st.getColumn(0).getInt64();
        v1::TradeRecord& r = stored.record;
        r.set_reporter(st.getColumn(1).getString());
        r.set_partner(st.getColumn(2).getString());
        r.set_flow(static_cast<v1::Flow>(st.getColumn(3).getInt()));
        r.set_hs_code(st.getColumn(4).getString());
        *r.mutable_period() =
            Month::FromKey(st.getColumn(5).getInt()).ToProto();
        r.set_manufacturer(st.getColumn(6).getString());
        r.set_value_usd(st.getColumn(7).getInt64());
        r.set_quantity(st.getColumn(8).getInt64());
        r.set_net_weight_kg(st.getColumn(9).getInt64());
        r.set_source(st.getColumn(10).getString());
        records.push_back(std::move(stored));
      }
      return records;
    } catch (const SQLite::Exception& e) {
      return SqliteErrorToStatus(e, "records");
    }
  }

  absl::StatusOr<ReportFacts> ReadReportFacts(
      const ReportFactsRequest& q) override {
    try {
      ReportFacts out;
      auto bind_series = [&](SQLite::Statement& st, int segment) {
        st.bind(1, q.reporter);
        st.bind(2, q.flow);
        st.bind(3, segment);
        st.bind(4, q.period.Key());
      };
      // The last month with data of the year through the period: the
      // month itself, or the one whose YTD carries to it.
      auto series = [&](int segment) {
        SQLite::Statement& st = store_.Prepare(
            absl::StrCat("SELECT ", kSeriesFactColumns,
                         " FROM series_facts WHERE reporter = ?1 AND flow = ?2"
                         " AND segment = ?3 AND period BETWEEN ?5 AND ?4"
                         " ORDER BY period DESC LIMIT 1"));
        ScopedStatementReset reset(st);
        bind_series(st, segment);
        st.bind(5, q.period.YearStart().Key());
        std::optional<SeriesFact> fact;
        if (st.executeStep()) fact = SeriesFactFromRow(st);
        return fact;
      };
      const int all = static_cast<int>(v1::POWERTRAIN_ALL);
      out.segment = series(q.segment);
      out.all = q.segment == all ? out.segment : series(all);

      // The top `q.top` rows of one month in rank order (the index's).
      auto top = [&](const char* sql) {
        SQLite::Statement& st = store_.Prepare(sql);
        ScopedStatementReset reset(st);
        bind_series(st, q.segment);
        st.bind(5, q.top);
        std::vector<NamedFact> rows;
        while (st.executeStep()) {
          rows.push_back(NamedFact{
              st.getColumn(0).getString(),
              {st.getColumn(1).getInt64(), st.getColumn(2).getInt64()},
              std::nullopt});
        }
        return rows;
      };
      out.top_partners =
          top("SELECT partner, value_usd, quantity FROM partner_facts"
              " WHERE reporter = ?1 AND flow = ?2 AND segment = ?3"
              " AND period = ?4 ORDER BY value_usd DESC, partner LIMIT ?5");
      out.top_makers =
          top("SELECT manufacturer, value_usd, quantity FROM maker_facts"
              " WHERE reporter = ?1 AND flow = ?2 AND segment = ?3"
              " AND period = ?4 ORDER BY quantity DESC, manufacturer LIMIT ?5");
      for (NamedFact& partner : out.top_partners) {
        SQLite::Statement& st = store_.Prepare(
            "SELECT value_usd FROM partner_facts WHERE reporter = ?1"
            " AND flow = ?2 AND segment = ?3 AND period = ?4"
            " AND partner = ?5");
        ScopedStatementReset reset(st);
        bind_series(st, q.segment);
        st.bind(4, q.period.YearEarlier().Key());
        st.bind(5, partner.name);
        if (st.executeStep()) {
          partner.year_earlier_value = st.getColumn(0).getInt64();
        }
      }
      {
        SQLite::Statement& st = store_.Prepare(
            "SELECT rank, ytd_value, ytd_quantity FROM exporter_standing"
            " WHERE reporter = ?1 AND period = ?2");
        ScopedStatementReset reset(st);
        st.bind(1, q.reporter);
        st.bind(2, q.period.Key());
        if (st.executeStep()) {
          Standing s;
          s.period = q.period.Key();
          s.reporter = q.reporter;
          s.rank = st.getColumn(0).getInt();
          s.ytd = {st.getColumn(1).getInt64(), st.getColumn(2).getInt64()};
          out.standing = s;
        }
      }
      {
        SQLite::Statement& st = store_.Prepare(
            "SELECT MAX(rank) FROM exporter_standing WHERE period = ?1");
        ScopedStatementReset reset(st);
        st.bind(1, q.period.Key());
        if (st.executeStep()) out.reporters_ranked = st.getColumn(0).getInt();
      }
      if (out.standing.has_value()) {
        SQLite::Statement& st = store_.Prepare(
            "SELECT reporter, rank FROM exporter_standing WHERE period = ?1"
            " AND rank BETWEEN ?2 AND ?3");
        ScopedStatementReset reset(st);
        st.bind(1, q.period.Key());
        st.bind(2, out.standing->rank - 1);
        st.bind(3, out.standing->rank + 1);
        while (st.executeStep()) {
          const int rank = st.getColumn(1).getInt();
          if (rank < out.standing->rank)
            out.behind = st.getColumn(0).getString();
          if (rank > out.standing->rank) {
            out.ahead_of = st.getColumn(0).getString();
          }
        }
      }
      return out;
    } catch (const SQLite::Exception& e) {
      return SqliteErrorToStatus(e, "report facts");
    }
  }

  absl::StatusOr<StoreInfo> Info() override {
    if (store_.info_cache_.has_value() &&
        store_.info_cache_->data_version == data_version_) {
      return *store_.info_cache_;
    }
    try {
      StoreInfo info;
      {
        SQLite::Statement& st = store_.Prepare("SELECT key, value FROM meta");
        ScopedStatementReset reset(st);
        int64_t last_ingest_ms = 0;
        while (st.executeStep()) {
          const std::string key = st.getColumn(0).getString();
          const int64_t value = st.getColumn(1).getInt64();
          if (key == "data_version") info.data_version = value;
          if (key == "record_count") info.record_count = value;
          if (key == "last_ingest_ms") last_ingest_ms = value;
        }
        if (last_ingest_ms > 0) {
          info.last_ingest_time = absl::FromUnixMillis(last_ingest_ms);
        }
      }
      {
        // Distinct reporters by skipping through hs_month's key: one index
        // seek per reporter instead of a walk over every row.
        SQLite::Statement& st = store_.Prepare(
            "WITH RECURSIVE r(code) AS ("
            " SELECT (SELECT MIN(reporter) FROM hs_month)"
            " UNION ALL SELECT (SELECT MIN(reporter) FROM hs_month"
            " WHERE reporter > r.code) FROM r WHERE r.code IS NOT NULL)"
            " SELECT code FROM r WHERE code IS NOT NULL");
        ScopedStatementReset reset(st);
        while (st.executeStep()) {
          info.reporters.push_back(st.getColumn(0).getString());
        }
      }
      {
        SQLite::Statement& st =
            store_.Prepare("SELECT MIN(period), MAX(period) FROM hs_month");
        ScopedStatementReset reset(st);
        if (st.executeStep() && !st.getColumn(0).isNull()) {
          info.first_period = Month::FromKey(st.getColumn(0).getInt());
          info.last_period = Month::FromKey(st.getColumn(1).getInt());
        }
      }
      {
        SQLite::Statement& st = store_.Prepare(
            "SELECT DISTINCT source FROM batches ORDER BY source");
        ScopedStatementReset reset(st);
        while (st.executeStep()) {
          info.sources.push_back(st.getColumn(0).getString());
        }
      }
      store_.info_cache_ = info;
      return info;
    } catch (const SQLite::Exception& e) {
      return SqliteErrorToStatus(e, "store info");
    }
  }

 private:
  template <typename Bind>
  absl::StatusOr<std::vector<NamedFigures>> Named(const std::string& sql,
                                                  std::string_view what,
                                                  Bind bind) {
    try {
      SQLite::Statement& st = store_.Prepare(sql);
      ScopedStatementReset reset(st);
      bind(st);
      std::vector<NamedFigures> rows;
      while (st.executeStep()) {
        rows.push_back(NamedFigures{
            st.getColumn(0).getString(),
            {st.getColumn(1).getInt64(), st.getColumn(2).getInt64()}});
      }
      return rows;
    } catch (const SQLite::Exception& e) {
      return SqliteErrorToStatus(e, what);
    }
  }

  // One manufacturer's rows to one partner exist only in `records` (the
  // rollups keep manufacturers without partners and partners without
  // manufacturers). The unique key index (reporter, partner, flow, hs_code,
  // ...) bounds the read to the series' own rows.
  std::vector<ClassMonthFigures> ManufacturerPartnerCells(
      const SeriesFilter& filter) {
    SQLite::Statement& st = store_.Prepare(
        absl::StrCat("SELECT period, hs_code, value_usd, quantity FROM records"
                     " WHERE reporter = ?1 AND partner = ?2 AND flow = ?3"
                     " AND hs_code IN (",
                     QuotedHsCodes(filter.classes),
                     ") AND period BETWEEN ?4 AND ?5 AND manufacturer = ?6"));
    ScopedStatementReset reset(st);
    st.bind(1, filter.reporter);
    st.bind(2, filter.partner);
    st.bind(3, static_cast<int>(filter.flow));
    st.bind(4, filter.first.Key());
    st.bind(5, filter.last.Key());
    st.bind(6, filter.manufacturer);
    RecordCells cells;
    while (st.executeStep()) {
      cells.Add(
          st.getColumn(0).getInt(), st.getColumn(1).getString(),
          Figures{st.getColumn(2).getInt64(), st.getColumn(3).getInt64()});
    }
    return cells.Cells();
  }

  SqliteQueryStore& store_;
  const int64_t data_version_;
};

absl::StatusOr<std::unique_ptr<SqliteQueryStore>> SqliteQueryStore::Open(
    const SqliteQueryStoreOptions& options) {
  SqliteStoreConfig config;
  config.path = options.db_path;
  config.busy_timeout = options.busy_timeout;
  auto db = OpenSqliteDatabase(config);
  if (!db.ok()) return db.status();
  try {
    return std::unique_ptr<SqliteQueryStore>(
        new SqliteQueryStore(*std::move(db)));
  } catch (const SQLite::Exception& e) {
    return SqliteErrorToStatus(e, "prepare BEGIN and COMMIT");
  }
}

SqliteQueryStore::SqliteQueryStore(std::unique_ptr<SQLite::Database> db)
    : db_(std::move(db)),
      begin_(std::make_unique<SQLite::Statement>(*db_, "BEGIN")),
      commit_(std::make_unique<SQLite::Statement>(*db_, "COMMIT")) {}

SqliteQueryStore::~SqliteQueryStore() {
  // Statements must be finalized before the connection closes.
  statements_.clear();
  begin_.reset();
  commit_.reset();
}

SQLite::Statement& SqliteQueryStore::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it =
        statements_.emplace(sql, std::make_unique<SQLite::Statement>(*db_, sql))
            .first;
  }
  SQLite::Statement& st = *it->second;
  st.tryReset();
  st.clearBindings();
  return st;
}

absl::StatusOr<std::unique_ptr<QuerySnapshot>>
SqliteQueryStore::BeginSnapshot() {
  if (snapshot_open_) {
    return absl::FailedPreconditionError(
        "a snapshot is already open on this connection");
  }
  try {
    // A snapshot whose COMMIT and ROLLBACK both failed left its transaction
    // open; end it, or this connection could never read again.
    if (sqlite3_get_autocommit(db_->getHandle()) == 0) db_->exec("ROLLBACK");
    begin_->reset();
    begin_->exec();
    // The first SELECT fixes the WAL snapshot: data_version and every later
    // read of this transaction see the same committed batches.
    int64_t data_version = 0;
    try {
      SQLite::Statement& st =
          Prepare("SELECT value FROM meta WHERE key = 'data_version'");
      ScopedStatementReset reset(st);
      if (st.executeStep()) data_version = st.getColumn(0).getInt64();
    } catch (const SQLite::Exception&) {
      db_->exec("ROLLBACK");
      throw;
    }
    snapshot_open_ = true;
    return std::unique_ptr<QuerySnapshot>(new Snapshot(*this, data_version));
  } catch (const SQLite::Exception& e) {
    return SqliteErrorToStatus(e, "begin snapshot");
  }
}

std::vector<std::string> SqliteQueryStore::PreparedSql() const {
  std::vector<std::string> sql;
  for (const auto& [text, statement] : statements_) sql.push_back(text);
  std::sort(sql.begin(), sql.end());
  return sql;
}

}  // namespace evtrade::store
