#include "common/store/pg_query_store.h"

#include <algorithm>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/domain/areas.h"
#include "common/store/pg_facts_tables.h"
#include "common/store/pg_schema.h"
#include "common/store/record_cells.h"
#include "common/store/report_facts.h"
#include "common/util/status_macros.h"
#include "common/util/strings.h"

namespace evtrade::store {
namespace {

// Per (hs_code, month) row of hs_month: the World row where one was
// ingested, else the partner sum.
constexpr char kTotalValue[] =
    "CASE WHEN has_world <> 0 THEN world_value ELSE partner_value END";
constexpr char kTotalQuantity[] =
    "CASE WHEN has_world <> 0 THEN world_quantity ELSE partner_quantity END";

constexpr int kNoFirstPeriod = 0;
constexpr int kNoLastPeriod = 999999;

// The class numbers as one int[] parameter, "{1,3}".
PgParam ClassArray(const std::vector<PowertrainClass>& classes) {
  return PgParam::Text(
      absl::StrCat("{",
                   absl::StrJoin(classes, ",",
                                 [](std::string* out, PowertrainClass c) {
                                   absl::StrAppend(out, static_cast<int>(c));
                                 }),
                   "}"));
}

// The HS codes of `classes` as one text[] parameter (codes are digits).
PgParam HsCodeArray(const std::vector<PowertrainClass>& classes) {
  std::vector<std::string> codes;
  for (PowertrainClass cls : classes) {
    for (std::string_view code : HsCodesOf(ToPowertrain(cls))) {
      codes.push_back(std::string(code));
    }
  }
  std::sort(codes.begin(), codes.end());
  return PgParam::Text(absl::StrCat("{", absl::StrJoin(codes, ","), "}"));
}

absl::Status InContext(const absl::Status& status, std::string_view what) {
  return absl::Status(status.code(),
                      absl::StrCat(ToAbsl(what), ": ", status.message()));
}

}  // namespace

void DataVersionFloor::Raise(int64_t version) {
  int64_t seen = floor_.load(std::memory_order_relaxed);
  while (seen < version &&
         !floor_.compare_exchange_weak(seen, version, std::memory_order_release,
                                       std::memory_order_relaxed)) {
  }
}

class PgQueryStore::Snapshot final : public QuerySnapshot {
 public:
  Snapshot(PgQueryStore& store, int64_t data_version)
      : store_(store), data_version_(data_version) {}

  ~Snapshot() override {
    // A read-only transaction has nothing to keep; a failed COMMIT leaves
    // it to RollbackQuietly (or to the reset of a broken connection).
    if (!store_.db_->Command("COMMIT").ok()) store_.db_->RollbackQuietly();
    store_.snapshot_open_ = false;
  }

  int64_t data_version() const override { return data_version_; }

  absl::StatusOr<bool> HasReporter(std::string_view reporter) override {
    const PgParam params[] = {PgParam::Text(std::string(reporter))};
    ASSIGN_OR_RETURN(PgRows rows,
                     Run("SELECT 1 FROM hs_month WHERE reporter = $1 LIMIT 1",
                         params, "reporter"));
    return rows.size() > 0;
  }

  absl::StatusOr<std::vector<ClassMonthFigures>> MonthlyByClass(
      const SeriesFilter& filter) override {
    if (!filter.partner.empty() && filter.partner != kWorldCode &&
        !filter.manufacturer.empty()) {
      return ManufacturerPartnerCells(filter);
    }
    std::string sql;
    std::vector<PgParam> params = {
        PgParam::Text(filter.reporter), PgParam::Int(filter.flow),
        PgParam::Int(filter.first.Key()), PgParam::Int(filter.last.Key()),
        ClassArray(filter.classes)};
    if (filter.partner.empty()) {
      sql = absl::StrCat(
          "SELECT period, powertrain, SUM(", kTotalValue, "), SUM(",
          kTotalQuantity,
          "), COUNT(*) FILTER (WHERE has_world <> 0),"
          " COUNT(*) FILTER (WHERE has_world = 0) FROM hs_month"
          " WHERE reporter = $1 AND flow = $2 AND manufacturer = $6"
          " AND period BETWEEN $3 AND $4 AND powertrain = ANY($5::int[])"
          " GROUP BY period, powertrain ORDER BY period, powertrain");
      params.push_back(PgParam::Text(filter.manufacturer));
    } else if (filter.partner == kWorldCode) {
      sql =
          "SELECT period, powertrain, SUM(world_value), SUM(world_quantity),"
          " 0, 0 FROM hs_month"
          " WHERE reporter = $1 AND flow = $2 AND manufacturer = $6"
          " AND period BETWEEN $3 AND $4 AND powertrain = ANY($5::int[])"
          " AND has_world <> 0"
          " GROUP BY period, powertrain ORDER BY period, powertrain";
      params.push_back(PgParam::Text(filter.manufacturer));
    } else {
      // Official figures to one partner: partner_month.
      sql =
          "SELECT period, powertrain, SUM(value_usd), SUM(quantity), 0, 0"
          " FROM partner_month WHERE reporter = $1 AND flow = $2"
          " AND powertrain = ANY($5::int[]) AND period BETWEEN $3 AND $4"
          " AND partner = $6"
          " GROUP BY period, powertrain ORDER BY period, powertrain";
      params.push_back(PgParam::Text(filter.partner));
    }
    ASSIGN_OR_RETURN(PgRows rows, Run(sql, params, "monthly figures"));
    std::vector<ClassMonthFigures> cells;
    for (int r = 0; r < rows.size(); ++r) {
      ClassMonthFigures cell;
      cell.month = Month::FromKey(static_cast<int>(rows.Int(r, 0)));
      cell.cls = static_cast<PowertrainClass>(rows.Int(r, 1));
      cell.figures.value_usd = rows.Int(r, 2);
      cell.figures.quantity = rows.Int(r, 3);
      cell.world_rows = rows.Int(r, 4);
      cell.partner_sum_rows = rows.Int(r, 5);
      cells.push_back(cell);
    }
    return cells;
  }

  absl::StatusOr<std::vector<NamedFigures>> PartnerTotals(
      const SeriesFilter& filter) override {
    const PgParam params[] = {
        PgParam::Text(filter.reporter), PgParam::Int(filter.flow),
        PgParam::Int(filter.first.Key()), PgParam::Int(filter.last.Key()),
        ClassArray(filter.classes)};
    return Named(
        "SELECT partner, SUM(value_usd), SUM(quantity) FROM partner_month"
        " WHERE reporter = $1 AND flow = $2 AND powertrain = ANY($5::int[])"
        " AND period BETWEEN $3 AND $4 GROUP BY partner",
        params, "partner totals");
  }

  absl::StatusOr<std::vector<NamedFigures>> ManufacturerTotals(
      const SeriesFilter& filter) override {
    const PgParam params[] = {
        PgParam::Text(filter.reporter), PgParam::Int(filter.flow),
        PgParam::Int(filter.first.Key()), PgParam::Int(filter.last.Key()),
        ClassArray(filter.classes)};
    return Named(absl::StrCat("SELECT manufacturer, SUM(", kTotalValue,
                              "), SUM(", kTotalQuantity,
                              ") FROM hs_month WHERE reporter = $1"
                              " AND flow = $2 AND manufacturer > ''"
                              " AND period BETWEEN $3 AND $4"
                              " AND powertrain = ANY($5::int[])"
                              " GROUP BY manufacturer"),
                 params, "manufacturer totals");
  }

  absl::StatusOr<std::vector<NamedFigures>> ExporterTotals(
      std::string_view partner, const std::vector<PowertrainClass>& classes,
      Month first, Month last) override {
    std::vector<PgParam> params = {
        PgParam::Int(v1::FLOW_EXPORT), PgParam::Int(first.Key()),
        PgParam::Int(last.Key()), ClassArray(classes)};
    if (partner.empty() || partner == kWorldCode) {
      return Named(absl::StrCat("SELECT reporter, SUM(", kTotalValue, "), SUM(",
                                kTotalQuantity,
                                ") FROM hs_month WHERE flow = $1"
                                " AND manufacturer = ''"
                                " AND period BETWEEN $2 AND $3"
                                " AND powertrain = ANY($4::int[])"
                                " GROUP BY reporter"),
                   params, "exporter totals");
    }
    params.push_back(PgParam::Text(std::string(partner)));
    return Named(
        "SELECT reporter, SUM(value_usd), SUM(quantity) FROM partner_month"
        " WHERE partner = $5 AND flow = $1 AND period BETWEEN $2 AND $3"
        " AND powertrain = ANY($4::int[]) GROUP BY reporter",
        params, "exporter totals to a partner");
  }

  absl::StatusOr<std::vector<StoredRecord>> ListRecords(
      const RecordFilter& filter, int64_t after_record_id, int limit) override {
    const PgParam params[] = {
        PgParam::Int(after_record_id),
        PgParam::Text(filter.reporter),
        PgParam::Text(filter.partner),
        PgParam::Int(filter.flow),
        PgParam::Text(filter.hs_code),
        PgParam::Int(filter.first ? filter.first->Key() : kNoFirstPeriod),
        PgParam::Int(filter.last ? filter.last->Key() : kNoLastPeriod),
        PgParam::Text(filter.manufacturer),
        PgParam::Int(limit)};
    // Keyset on record_id (the primary key): the index walk starts after
    // after_record_id and stops after `limit` matches.
    ASSIGN_OR_RETURN(
        PgRows rows,
        Run("SELECT record_id, reporter, partner, flow, hs_code, period,"
            " manufacturer, value_usd, quantity, net_weight_kg, source"
            " FROM records WHERE record_id > $1"
            " AND ($2::text = '' OR reporter = $2)"
            " AND ($3::text = '' OR partner = $3)"
            " AND ($4::int = 0 OR flow = $4)"
            " AND ($5::text = '' OR hs_code = $5)"
            " AND period BETWEEN $6 AND $7"
            " AND ($8::text = '' OR manufacturer = $8)"
            " ORDER BY record_id LIMIT $9",
            params, "records"));
    std::vector<StoredRecord> records;
    for (int i = 0; i < rows.size(); ++i) {
      StoredRecord stored;
      stored.record_id = rows.Int(i, 0);
      v1::TradeRecord& r = stored.record;
      r.set_reporter(std::string(rows.Text(i, 1)));
      r.set_partner(std::string(rows.Text(i, 2)));
      r.set_flow(static_cast<v1::Flow>(rows.Int(i, 3)));
      r.set_hs_code(std::string(rows.Text(i, 4)));
      *r.mutable_period() =
          Month::FromKey(static_cast<int>(rows.Int(i, 5))).ToProto();
      r.set_manufacturer(std::string(rows.Text(i, 6)));
      r.set_value_usd(rows.Int(i, 7));
      r.set_quantity(rows.Int(i, 8));
      r.set_net_weight_kg(rows.Int(i, 9));
      r.set_source(std::string(rows.Text(i, 10)));
      records.push_back(std::move(stored));
    }
    return records;
  }

  absl::StatusOr<ReportFacts> ReadReportFacts(
      const ReportFactsRequest& q) override {
    ReportFacts out;
    const int period = q.period.Key();
    // The last month with data of the year through the period.
    auto series =
        [&](int segment) -> absl::StatusOr<std::optional<SeriesFact>> {
      const PgParam params[] = {PgParam::Text(q.reporter), PgParam::Int(q.flow),
                                PgParam::Int(segment),
                                PgParam::Int(q.period.YearStart().Key()),
                                PgParam::Int(period)};
      ASSIGN_OR_RETURN(PgRows rows,
                       Run(absl::StrCat("SELECT ", kSeriesFactColumns,
                                        " FROM series_facts WHERE reporter = $1"
                                        " AND flow = $2 AND segment = $3"
                                        " AND period BETWEEN $4 AND $5"
                                        " ORDER BY period DESC LIMIT 1"),
                           params, "report facts"));
      if (rows.size() == 0) return std::optional<SeriesFact>();
      return std::optional<SeriesFact>(SeriesFactFromPgRow(rows, 0));
    };
    const int all = static_cast<int>(v1::POWERTRAIN_ALL);
    ASSIGN_OR_RETURN(out.segment, series(q.segment));
    if (q.segment == all) {
      out.all = out.segment;
    } else {
      ASSIGN_OR_RETURN(out.all, series(all));
    }
    // The top `q.top` rows of one month in rank order (the index's).
    auto top = [&](const char* sql) -> absl::StatusOr<std::vector<NamedFact>> {
      const PgParam params[] = {PgParam::Text(q.reporter), PgParam::Int(q.flow),
                                PgParam::Int(q.segment), PgParam::Int(period),
                                PgParam::Int(q.top)};
      ASSIGN_OR_RETURN(PgRows rows, Run(sql, params, "report facts"));
      std::vector<NamedFact> named;
      for (int r = 0; r < rows.size(); ++r) {
        named.push_back(NamedFact{std::string(rows.Text(r, 0)),
                                  {rows.Int(r, 1), rows.Int(r, 2)},
                                  std::nullopt});
      }
      return named;
    };
    ASSIGN_OR_RETURN(
        out.top_partners,
        top("SELECT partner, value_usd, quantity FROM partner_facts"
            " WHERE reporter = $1 AND flow = $2 AND segment = $3"
            " AND period = $4 ORDER BY value_usd DESC, partner LIMIT $5"));
    for (NamedFact& partner : out.top_partners) {
      const PgParam params[] = {PgParam::Text(q.reporter), PgParam::Int(q.flow),
                                PgParam::Int(q.segment),
                                PgParam::Int(q.period.YearEarlier().Key()),
                                PgParam::Text(partner.name)};
      ASSIGN_OR_RETURN(
          PgRows rows,
          Run("SELECT value_usd FROM partner_facts WHERE reporter = $1"
              " AND flow = $2 AND segment = $3 AND period = $4"
              " AND partner = $5",
              params, "report facts"));
      if (rows.size() > 0) partner.year_earlier_value = rows.Int(0, 0);
    }
    ASSIGN_OR_RETURN(
        out.top_makers,
        top("SELECT manufacturer, value_usd, quantity FROM maker_facts"
            " WHERE reporter = $1 AND flow = $2 AND segment = $3"
            " AND period = $4 ORDER BY quantity DESC, manufacturer LIMIT $5"));
    {
      const PgParam params[] = {PgParam::Text(q.reporter),
                                PgParam::Int(period)};
      ASSIGN_OR_RETURN(
          PgRows rows,
          Run("SELECT rank, ytd_value, ytd_quantity,"
              " (SELECT MAX(rank) FROM exporter_standing WHERE period = $2)"
              " FROM exporter_standing WHERE reporter = $1 AND period = $2",
              params, "report facts"));
      if (rows.size() > 0) {
        Standing s;
        s.period = period;
        s.reporter = q.reporter;
        s.rank = static_cast<int>(rows.Int(0, 0));
        s.ytd = {rows.Int(0, 1), rows.Int(0, 2)};
        out.standing = s;
        out.reporters_ranked = static_cast<int>(rows.Int(0, 3));
      }
    }
    if (!out.standing.has_value()) {
      const PgParam params[] = {PgParam::Int(period)};
      ASSIGN_OR_RETURN(
          PgRows rows,
          Run("SELECT COALESCE(MAX(rank), 0) FROM exporter_standing"
              " WHERE period = $1",
              params, "report facts"));
      out.reporters_ranked = static_cast<int>(rows.Int(0, 0));
      return out;
    }
    const PgParam params[] = {PgParam::Int(period),
                              PgParam::Int(out.standing->rank - 1),
                              PgParam::Int(out.standing->rank + 1)};
    ASSIGN_OR_RETURN(
        PgRows rows,
        Run("SELECT reporter, rank FROM exporter_standing WHERE period = $1"
            " AND rank BETWEEN $2 AND $3",
            params, "report facts"));
    for (int r = 0; r < rows.size(); ++r) {
      const int rank = static_cast<int>(rows.Int(r, 1));
      if (rank < out.standing->rank) out.behind = std::string(rows.Text(r, 0));
      if (rank > out.standing->rank) {
        out.ahead_of = std::string(rows.Text(r, 0));
      }
    }
    return out;
  }

  absl::StatusOr<StoreInfo> Info() override {
    if (store_.info_cache_.has_value() &&
        store_.info_cache_->data_version == data_version_) {
      return *store_.info_cache_;
    }
    StoreInfo info;
    {
      ASSIGN_OR_RETURN(PgRows rows,
                       Run("SELECT key, value FROM meta", {}, "store info"));
      int64_t last_ingest_ms = 0;
      for (int r = 0; r < rows.size(); ++r) {
        const std::string_view key = rows.Text(r, 0);
        if (key == "data_version") info.data_version = rows.Int(r, 1);
        if (key == "record_count") info.record_count = rows.Int(r, 1);
        if (key == "last_ingest_ms") last_ingest_ms = rows.Int(r, 1);
      }
      if (last_ingest_ms > 0) {
        info.last_ingest_time = absl::FromUnixMillis(last_ingest_ms);
      }
    }
    {
      // Distinct reporters by skipping through hs_month's key: one index
      // probe per reporter instead of a walk over every row.
      ASSIGN_OR_RETURN(
          PgRows rows,
          Run("WITH RECURSIVE r(code) AS ("
              " SELECT (SELECT MIN(reporter) FROM hs_month)"
              " UNION ALL SELECT (SELECT MIN(reporter) FROM hs_month"
              " WHERE reporter > r.code) FROM r WHERE r.code IS NOT NULL)"
              " SELECT code FROM r WHERE code IS NOT NULL",
              {}, "store info"));
      for (int r = 0; r < rows.size(); ++r) {
        info.reporters.push_back(std::string(rows.Text(r, 0)));
      }
    }
    {
      ASSIGN_OR_RETURN(PgRows rows,
                       Run("SELECT MIN(period), MAX(period) FROM hs_month", {},
                           "store info"));
      if (rows.size() > 0 && !rows.IsNull(0, 0)) {
        info.first_period = Month::FromKey(static_cast<int>(rows.Int(0, 0)));
        info.last_period = Month::FromKey(static_cast<int>(rows.Int(0, 1)));
      }
    }
    {
      // Byte order, as SQLite's: the database's collation may differ.
      ASSIGN_OR_RETURN(PgRows rows,
                       Run("SELECT source FROM batches GROUP BY source "
                           "ORDER BY source COLLATE \"C\"",
                           {}, "store info"));
      for (int r = 0; r < rows.size(); ++r) {
        info.sources.push_back(std::string(rows.Text(r, 0)));
      }
    }
    store_.info_cache_ = info;
    return info;
  }

 private:
  absl::StatusOr<PgRows> Run(const std::string& sql,
                             std::span<const PgParam> params,
                             std::string_view what) {
    absl::StatusOr<PgRows> rows = store_.db_->Exec(sql, params);
    if (!rows.ok()) return InContext(rows.status(), what);
    return rows;
  }

  absl::StatusOr<std::vector<NamedFigures>> Named(
      const std::string& sql, std::span<const PgParam> params,
      std::string_view what) {
    ASSIGN_OR_RETURN(PgRows rows, Run(sql, params, what));
    std::vector<NamedFigures> named;
    for (int r = 0; r < rows.size(); ++r) {
      named.push_back(NamedFigures{std::string(rows.Text(r, 0)),
                                   {rows.Int(r, 1), rows.Int(r, 2)}});
    }
    return named;
  }

  // One manufacturer's rows to one partner exist only in `records`; the
  // unique key index (reporter, partner, flow, hs_code, ...) bounds the read.
  absl::StatusOr<std::vector<ClassMonthFigures>> ManufacturerPartnerCells(
      const SeriesFilter& filter) {
    const PgParam params[] = {
        PgParam::Text(filter.reporter),  PgParam::Text(filter.partner),
        PgParam::Int(filter.flow),       PgParam::Int(filter.first.Key()),
        PgParam::Int(filter.last.Key()), PgParam::Text(filter.manufacturer),
        HsCodeArray(filter.classes)};
    ASSIGN_OR_RETURN(
        PgRows rows,
        Run("SELECT period, hs_code, value_usd, quantity FROM records"
            " WHERE reporter = $1 AND partner = $2 AND flow = $3"
            " AND hs_code = ANY($7::text[]) AND period BETWEEN $4 AND $5"
            " AND manufacturer = $6",
            params, "monthly figures"));
    RecordCells cells;
    for (int r = 0; r < rows.size(); ++r) {
      cells.Add(static_cast<int>(rows.Int(r, 0)), rows.Text(r, 1),
                Figures{rows.Int(r, 2), rows.Int(r, 3)});
    }
    return cells.Cells();
  }

  PgQueryStore& store_;
  const int64_t data_version_;
};

absl::StatusOr<std::unique_ptr<PgQueryStore>> PgQueryStore::Open(
    const PgQueryStoreOptions& options) {
  RETURN_IF_ERROR(CheckPgUri(options.connection.uri));
  PgQueryStoreOptions own = options;
  if (own.floor == nullptr) own.floor = std::make_shared<DataVersionFloor>();
  return std::unique_ptr<PgQueryStore>(new PgQueryStore(std::move(own)));
}

PgQueryStore::PgQueryStore(PgQueryStoreOptions options)
    : options_(std::move(options)) {}

PgQueryStore::~PgQueryStore() = default;

absl::StatusOr<int64_t> PgQueryStore::StartTransaction() {
  if (db_ == nullptr) {
    ASSIGN_OR_RETURN(db_, PgConnection::Open(options_.connection));
  }
  db_->RollbackQuietly();
  if (!schema_checked_) {
    RETURN_IF_ERROR(MigratePostgres(*db_, /*migrate=*/false));
    schema_checked_ = true;
  }
  RETURN_IF_ERROR(
      db_->Command("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  // The first statement fixes the snapshot: data_version and every later
  // read of this transaction see the same committed batches.
  absl::StatusOr<PgRows> rows =
      db_->Exec("SELECT value FROM meta WHERE key = 'data_version'");
  if (!rows.ok()) {
    db_->RollbackQuietly();
    return rows.status();
  }
  return rows->size() > 0 ? rows->Int(0, 0) : 0;
}

absl::StatusOr<std::unique_ptr<QuerySnapshot>> PgQueryStore::BeginSnapshot() {
  if (snapshot_open_) {
    return absl::FailedPreconditionError(
        "a snapshot is already open on this connection");
  }
  const int64_t floor = options_.floor->Get();
  const absl::Time deadline = absl::Now() + options_.replica_wait;
  absl::Duration pause = absl::Milliseconds(5);
  while (true) {
    absl::StatusOr<int64_t> version = StartTransaction();
    if (!version.ok() && db_ != nullptr && db_->Broken()) {
      // The server dropped an idle connection (restart, failover, idle
      // timeout): nothing was read yet, so one fresh connection may retry.
      version = StartTransaction();
    }
    if (!version.ok()) return InContext(version.status(), "begin snapshot");
    if (*version >= floor) {
      options_.floor->Raise(*version);
      snapshot_open_ = true;
      return std::unique_ptr<QuerySnapshot>(new Snapshot(*this, *version));
    }
    // A replica behind what this process already answered: wait for its
    // replay rather than let a caller see data_version go back.
    db_->RollbackQuietly();
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::UnavailableError(
          absl::StrCat("begin snapshot: this replica is at data_version ",
                       *version, ", behind data_version ", floor,
                       " already served; it did not catch up within ",
                       absl::FormatDuration(options_.replica_wait), "; retry"));
    }
    absl::SleepFor(std::min(pause, left));
    pause = std::min(pause * 2, absl::Milliseconds(100));
  }
}

}  // namespace evtrade::store
