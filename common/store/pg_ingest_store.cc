#include "common/store/pg_ingest_store.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/store/batch_slot.h"
#include "common/store/pg_facts_tables.h"
#include "common/store/pg_schema.h"
#include "common/store/report_facts.h"
#include "common/store/rollup_deltas.h"
#include "common/util/status_macros.h"
#include "common/util/strings.h"

namespace evtrade::store {
namespace {

constexpr char kSelectRecordSql[] = R"sql(
SELECT record_id, value_usd, quantity, net_weight_kg, source, batch_id
FROM records
WHERE reporter = $1 AND partner = $2 AND flow = $3 AND hs_code = $4
  AND period = $5 AND manufacturer = $6)sql";

// A new key costs this one statement; a key already stored inserts nothing
// (0 rows affected) and the batch then reads and revises the record.
constexpr char kInsertRecordSql[] = R"sql(
INSERT INTO records (reporter, partner, flow, hs_code, period, manufacturer,
                     value_usd, quantity, net_weight_kg, source, batch_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (reporter, partner, flow, hs_code, period, manufacturer)
DO NOTHING)sql";

constexpr char kInsertRevisionSql[] = R"sql(
INSERT INTO record_revisions (record_id, batch_id, replaced_by_batch,
                              value_usd, quantity, net_weight_kg, source)
VALUES ($1, $2, $3, $4, $5, $6, $7))sql";

constexpr char kUpdateRecordSql[] = R"sql(
UPDATE records
SET value_usd = $1, quantity = $2, net_weight_kg = $3, source = $4,
    batch_id = $5
WHERE record_id = $6)sql";

// The rollups are written a flush at a time (RollupTables), each statement
// taking its rows as arrays ($n: one array per column, unnest).

// The stored cells among the keys; k.i: the key's position (1-based).
constexpr char kReadHsMonthSql[] = R"sql(
SELECT k.i, h.has_world, h.world_value, h.world_quantity, h.partner_rows,
       h.partner_value, h.partner_quantity
FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::text[])
       WITH ORDINALITY AS k(reporter, flow, manufacturer, period, hs_code, i)
JOIN hs_month h
  ON h.reporter = k.reporter AND h.flow = k.flow
 AND h.manufacturer = k.manufacturer AND h.period = k.period
 AND h.hs_code = k.hs_code)sql";

const std::string kPutHsMonthSql = absl::StrCat(
    kHsMonthInsert,
    "SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], "
    "$5::text[], $6::int[], $7::int[], $8::bigint[], $9::bigint[], "
    "$10::bigint[], $11::bigint[], $12::bigint[])",
    kHsMonthReplace);

constexpr char kAddPartnerMonthSql[] = R"sql(
INSERT INTO partner_month AS p (reporter, flow, powertrain, period, partner,
                                rows, value_usd, quantity)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[],
                     $5::text[], $6::bigint[], $7::bigint[], $8::bigint[])
ON CONFLICT (reporter, flow, powertrain, period, partner) DO UPDATE SET
  rows = p.rows + excluded.rows,
  value_usd = p.value_usd + excluded.value_usd,
  quantity = p.quantity + excluded.quantity)sql";

constexpr char kNextIdsSql[] = R"sql(
SELECT (SELECT COALESCE(MAX(batch_id), 0) + 1 FROM batches),
       (SELECT value + 1 FROM meta WHERE key = 'data_version'))sql";

constexpr char kRequestIdTakenSql[] =
    "SELECT batch_id FROM batches WHERE request_id = $1";

constexpr char kInsertBatchSql[] = R"sql(
INSERT INTO batches (batch_id, request_id, source, writer, ingest_time_ms,
                     received, inserted, updated, unchanged, rejected,
                     data_version, response)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12))sql";

constexpr char kUpdateMetaSql[] = R"sql(
UPDATE meta SET value = CASE key
  WHEN 'data_version' THEN $1::bigint
  WHEN 'last_ingest_ms' THEN $2::bigint
  ELSE value + $3::bigint END
WHERE key IN ('data_version', 'last_ingest_ms', 'record_count'))sql";

constexpr char kFindResponseSql[] =
    "SELECT response FROM batches WHERE request_id = $1";

constexpr char kListBatchesSql[] = R"sql(
SELECT batch_id, request_id, source, writer, ingest_time_ms, received,
       inserted, updated, unchanged, rejected, data_version
FROM batches
WHERE batch_id < $1
ORDER BY batch_id DESC
LIMIT $2)sql";

int PeriodKey(const v1::TradeRecord& record) {
  return record.period().year() * 100 + record.period().month();
}

// The key columns $1..$6 in schema order.
std::vector<PgParam> KeyParams(const v1::TradeRecord& record) {
  return {
      PgParam::Text(record.reporter()), PgParam::Text(record.partner()),
      PgParam::Int(record.flow()),      PgParam::Text(record.hs_code()),
      PgParam::Int(PeriodKey(record)),  PgParam::Text(record.manufacturer())};
}

// The rollups' statements on the writer connection, a chunk of rows at a
// time.
class PgRollupTables final : public RollupTables {
 public:
  explicit PgRollupTables(PgConnection& db) : db_(db) {}

  absl::StatusOr<std::vector<HsMonthFigures>> ReadHsMonth(
      std::span<const HsMonthKey> keys) override {
    std::vector<HsMonthFigures> cells(keys.size());
    for (size_t first = 0; first < keys.size(); first += kPgRowsPerStatement) {
      const std::span<const HsMonthKey> chunk = keys.subspan(
          first, std::min(kPgRowsPerStatement, keys.size() - first));
      PgArray columns[5];
      for (const HsMonthKey& key : chunk) {
        columns[0].AddText(key.reporter);
        columns[1].AddInt(key.flow);
        columns[2].AddText(key.manufacturer);
        columns[3].AddInt(key.period);
        columns[4].AddText(key.hs_code);
      }
      ASSIGN_OR_RETURN(PgRows rows,
                       db_.Exec(kReadHsMonthSql, ArrayParams(columns)));
      for (int r = 0; r < rows.size(); ++r) {
        HsMonthFigures& c = cells[first + rows.Int(r, 0) - 1];
        c.has_world = rows.Int(r, 1) != 0;
        c.world = {rows.Int(r, 2), rows.Int(r, 3)};
        c.partner_rows = rows.Int(r, 4);
        c.partner = {rows.Int(r, 5), rows.Int(r, 6)};
      }
    }
    return cells;
  }

  absl::Status PutHsMonth(std::span<const HsMonthRow> rows) override {
    for (size_t first = 0; first < rows.size(); first += kPgRowsPerStatement) {
      PgArray columns[12];
      for (const HsMonthRow& row : rows.subspan(
               first, std::min(kPgRowsPerStatement, rows.size() - first))) {
        const HsMonthFigures& f = row.figures;
        columns[0].AddText(row.key.reporter);
        columns[1].AddInt(row.key.flow);
        columns[2].AddText(row.key.manufacturer);
        columns[3].AddInt(row.key.period);
        columns[4].AddText(row.key.hs_code);
        columns[5].AddInt(row.powertrain);
        columns[6].AddInt(f.has_world ? 1 : 0);
        columns[7].AddInt(f.world.value_usd);
        columns[8].AddInt(f.world.quantity);
        columns[9].AddInt(f.partner_rows);
        columns[10].AddInt(f.partner.value_usd);
        columns[11].AddInt(f.partner.quantity);
      }
      RETURN_IF_ERROR(db_.Exec(kPutHsMonthSql, ArrayParams(columns)).status());
    }
    return absl::OkStatus();
  }

  absl::Status AddPartnerMonth(std::span<const PartnerMonthRow> rows) override {
    for (size_t first = 0; first < rows.size(); first += kPgRowsPerStatement) {
      PgArray columns[8];
      for (const PartnerMonthRow& row : rows.subspan(
               first, std::min(kPgRowsPerStatement, rows.size() - first))) {
        columns[0].AddText(row.key.reporter);
        columns[1].AddInt(row.key.flow);
        columns[2].AddInt(row.key.powertrain);
        columns[3].AddInt(row.key.period);
        columns[4].AddText(row.key.partner);
        columns[5].AddInt(row.rows);
        columns[6].AddInt(row.figures.value_usd);
        columns[7].AddInt(row.figures.quantity);
      }
      RETURN_IF_ERROR(
          db_.Exec(kAddPartnerMonthSql, ArrayParams(columns)).status());
    }
    return absl::OkStatus();
  }

 private:
  PgConnection& db_;
};

}  // namespace

// One open transaction on the writer connection, holding kPgWriterLock.
class PgIngestStore::Batch final : public BatchWriter {
 public:
  Batch(PgIngestStore& store, BatchMeta meta, int64_t batch_id,
        int64_t data_version)
      : store_(store),
        meta_(std::move(meta)),
        batch_id_(batch_id),
        data_version_(data_version) {}

  ~Batch() override {
    if (open_) store_.write_->RollbackQuietly();
    store_.ReleaseWriterSlot();
  }

  int64_t batch_id() const override { return batch_id_; }
  int64_t data_version() const override { return data_version_; }

  absl::StatusOr<UpsertOutcome> Upsert(const v1::TradeRecord& record) override;
  absl::StatusOr<BatchInfo> Commit(const BatchCounts& counts,
                                   std::string response) override;

 private:
  absl::Status CheckUsable() const;
  // Marks the batch failed: nothing of it may commit.
  absl::Status Fail(const absl::Status& status) {
    failed_ = status;
    store_.write_->RollbackQuietly();
    open_ = false;
    return status;
  }
  absl::StatusOr<UpsertOutcome> UpsertInTransaction(
      const v1::TradeRecord& record);
  // Adds a written record's change to the rollups; writes the held cells
  // when they reach the store's bound.
  absl::Status AddToRollups(const v1::TradeRecord& record, bool new_record,
                            const Figures& delta);
  // Writes the held rollup cells.
  absl::Status FlushRollups();
  absl::Status CommitInTransaction(const BatchCounts& counts,
                                   std::string response, int64_t now_ms);

  PgIngestStore& store_;
  const BatchMeta meta_;
  const int64_t batch_id_;
  const int64_t data_version_;
  bool open_ = true;
  int64_t inserted_ = 0;
  std::optional<absl::Status> failed_;
  RollupDeltas rollups_{store_.config_.max_rollup_cells};
  FactsMaintainer facts_;
};

absl::Status PgIngestStore::Batch::CheckUsable() const {
  return CheckBatchUsable(batch_id_, failed_, !open_);
}

absl::Status PgIngestStore::Batch::AddToRollups(const v1::TradeRecord& record,
                                                bool new_record,
                                                const Figures& delta) {
  rollups_.Add(record, new_record, delta);
  return rollups_.full() ? FlushRollups() : absl::OkStatus();
}

absl::Status PgIngestStore::Batch::FlushRollups() {
  PgRollupTables rollups(*store_.write_);
  PgFactsTables facts(*store_.write_);
  return rollups_.Flush(rollups, facts_, facts);
}

absl::StatusOr<UpsertOutcome> PgIngestStore::Batch::UpsertInTransaction(
    const v1::TradeRecord& record) {
  PgConnection& db = *store_.write_;
  const std::vector<PgParam> key = KeyParams(record);
  {
    std::vector<PgParam> insert = key;
    insert.push_back(PgParam::Int(record.value_usd()));
    insert.push_back(PgParam::Int(record.quantity()));
    insert.push_back(PgParam::Int(record.net_weight_kg()));
    insert.push_back(PgParam::Text(record.source()));
    insert.push_back(PgParam::Int(batch_id_));
    ASSIGN_OR_RETURN(PgRows inserted, db.Exec(kInsertRecordSql, insert));
    if (inserted.Affected() == 1) {
      ++inserted_;
      RETURN_IF_ERROR(
          AddToRollups(record, /*new_record=*/true,
                       Figures{record.value_usd(), record.quantity()}));
      return UpsertOutcome::kInserted;
    }
  }
  // The key is stored: compare with its figures.
  ASSIGN_OR_RETURN(PgRows found, db.Exec(kSelectRecordSql, key));
  if (found.size() != 1) {
    return absl::InternalError("record neither inserted nor found");
  }
  const int64_t record_id = found.Int(0, 0);
  const int64_t old_value = found.Int(0, 1);
  const int64_t old_quantity = found.Int(0, 2);
  const int64_t old_weight = found.Int(0, 3);
  if (old_value == record.value_usd() && old_quantity == record.quantity() &&
      old_weight == record.net_weight_kg()) {
    return UpsertOutcome::kUnchanged;
  }
  const PgParam revision[] = {PgParam::Int(record_id),
                              PgParam::Int(found.Int(0, 5)),
                              PgParam::Int(batch_id_),
                              PgParam::Int(old_value),
                              PgParam::Int(old_quantity),
                              PgParam::Int(old_weight),
                              PgParam::Text(std::string(found.Text(0, 4)))};
  RETURN_IF_ERROR(db.Exec(kInsertRevisionSql, revision).status());
  const PgParam update[] = {PgParam::Int(record.value_usd()),
                            PgParam::Int(record.quantity()),
                            PgParam::Int(record.net_weight_kg()),
                            PgParam::Text(record.source()),
                            PgParam::Int(batch_id_),
                            PgParam::Int(record_id)};
  RETURN_IF_ERROR(db.Exec(kUpdateRecordSql, update).status());
  RETURN_IF_ERROR(AddToRollups(record, /*new_record=*/false,
                               Figures{record.value_usd() - old_value,
                                       record.quantity() - old_quantity}));
  return UpsertOutcome::kUpdated;
}

absl::StatusOr<UpsertOutcome> PgIngestStore::Batch::Upsert(
    const v1::TradeRecord& record) {
  RETURN_IF_ERROR(CheckUsable());
  absl::StatusOr<UpsertOutcome> outcome = UpsertInTransaction(record);
  if (!outcome.ok()) {
    return Fail(absl::Status(outcome.status().code(),
                             absl::StrCat("batch ", batch_id_, ": upsert: ",
                                          outcome.status().message())));
  }
  return outcome;
}

absl::Status PgIngestStore::Batch::CommitInTransaction(
    const BatchCounts& counts, std::string response, int64_t now_ms) {
  PgConnection& db = *store_.write_;
  if (!meta_.request_id.empty()) {
    // Checked under the writer lock: a stream with the same request_id that
    // committed while this one ran (in any replica) wins.
    const PgParam id[] = {PgParam::Text(meta_.request_id)};
    ASSIGN_OR_RETURN(PgRows taken, db.Exec(kRequestIdTakenSql, id));
    if (taken.size() > 0) {
      return absl::AlreadyExistsError(absl::StrCat(
          "request_id ", meta_.request_id, " was committed by batch ",
          taken.Int(0, 0), "; this stream wrote nothing"));
    }
  }
  // The rollups first: their flush tells the facts how the cells moved.
  RETURN_IF_ERROR(FlushRollups());
  {
    PgFactsTables tables(db);
    RETURN_IF_ERROR(facts_.Flush(tables));
  }
  const PgParam batch[] = {PgParam::Int(batch_id_),
                           meta_.request_id.empty()
                               ? PgParam::Null()
                               : PgParam::Text(meta_.request_id),
                           PgParam::Text(meta_.source),
                           PgParam::Text(meta_.writer),
                           PgParam::Int(now_ms),
                           PgParam::Int(counts.received),
                           PgParam::Int(counts.inserted),
                           PgParam::Int(counts.updated),
                           PgParam::Int(counts.unchanged),
                           PgParam::Int(counts.rejected),
                           PgParam::Int(data_version_),
                           PgParam::Bytes(std::move(response))};
  RETURN_IF_ERROR(db.Exec(kInsertBatchSql, batch).status());
  const PgParam meta[] = {PgParam::Int(data_version_), PgParam::Int(now_ms),
                          PgParam::Int(inserted_)};
  RETURN_IF_ERROR(db.Exec(kUpdateMetaSql, meta).status());
  return db.Command("COMMIT");
}

absl::StatusOr<BatchInfo> PgIngestStore::Batch::Commit(
    const BatchCounts& counts, std::string response) {
  RETURN_IF_ERROR(CheckUsable());
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  absl::Status status =
      CommitInTransaction(counts, std::move(response), now_ms);
  if (!status.ok()) {
    if (status.code() == absl::StatusCode::kAlreadyExists) return Fail(status);
    return Fail(absl::Status(
        status.code(),
        absl::StrCat("batch ", batch_id_, ": commit: ", status.message())));
  }
  open_ = false;
  BatchInfo info;
  info.batch_id = batch_id_;
  info.meta = meta_;
  info.ingest_time = absl::FromUnixMillis(now_ms);
  info.counts = counts;
  info.data_version = data_version_;
  return info;
}

PgIngestStore::PgIngestStore(PgIngestStoreConfig config,
                             std::unique_ptr<PgConnection> write,
                             std::unique_ptr<PgConnection> read)
    : config_(std::move(config)),
      write_(std::move(write)),
      read_(std::move(read)) {}

PgIngestStore::~PgIngestStore() = default;

absl::StatusOr<std::unique_ptr<PgIngestStore>> PgIngestStore::Open(
    const PgIngestStoreConfig& config) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> write,
                   PgConnection::Open(config.connection));
  RETURN_IF_ERROR(MigratePostgres(*write, config.migrate));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> read,
                   PgConnection::Open(config.connection));
  return std::unique_ptr<PgIngestStore>(
      new PgIngestStore(config, std::move(write), std::move(read)));
}

void PgIngestStore::ReleaseWriterSlot() { slot_.Release(); }

absl::StatusOr<std::unique_ptr<BatchWriter>> PgIngestStore::BeginBatch(
    const BatchMeta& meta) {
  slot_.Acquire();
  // From here this thread alone uses write_ until the slot is released.
  PgConnection& db = *write_;
  db.RollbackQuietly();
  auto begin = [&]() -> absl::StatusOr<PgRows> {
    // READ COMMITTED: every statement after the lock sees the batches
    // committed before it was granted (a REPEATABLE READ snapshot would be
    // taken before the wait and miss them).
    RETURN_IF_ERROR(db.Command("BEGIN ISOLATION LEVEL READ COMMITTED"));
    const PgParam timeout[] = {PgParam::Text(
        absl::StrCat(absl::ToInt64Milliseconds(config_.lock_timeout), "ms"))};
    RETURN_IF_ERROR(
        db.Exec("SELECT set_config('lock_timeout', $1, true)", timeout)
            .status());
    const PgParam lock[] = {PgParam::Int(kPgWriterLock)};
    RETURN_IF_ERROR(db.Exec("SELECT pg_advisory_xact_lock($1)", lock).status());
    return db.Exec(kNextIdsSql);
  };
  absl::StatusOr<PgRows> ids = begin();
  if (!ids.ok() && db.Broken()) {
    // The server dropped the idle connection (restart, failover, idle
    // timeout): nothing was written yet, so one fresh connection may retry.
    ids = begin();
  }
  if (!ids.ok()) {
    db.RollbackQuietly();
    ReleaseWriterSlot();
    return absl::Status(ids.status().code(),
                        absl::StrCat("begin batch: ", ids.status().message()));
  }
  return std::unique_ptr<BatchWriter>(
      new Batch(*this, meta, ids->Int(0, 0), ids->Int(0, 1)));
}

absl::StatusOr<std::optional<std::string>> PgIngestStore::FindResponse(
    std::string_view request_id) {
  absl::MutexLock lock(&read_mu_);
  const PgParam id[] = {PgParam::Text(std::string(request_id))};
  absl::StatusOr<PgRows> rows =
      read_->Exec(kFindResponseSql, id, /*binary_result=*/true);
  if (!rows.ok()) {
    return absl::Status(
        rows.status().code(),
        absl::StrCat("find response by request_id: ", rows.status().message()));
  }
  if (rows->size() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(rows->Text(0, 0)));
}

absl::StatusOr<BatchPage> PgIngestStore::ListBatches(
    int page_size, std::optional<int64_t> before_batch_id) {
  if (page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be >= 1, got ", page_size));
  }
  absl::MutexLock lock(&read_mu_);
  // One more than asked: whether it exists decides the next page token.
  const PgParam params[] = {PgParam::Int(before_batch_id.value_or(
                                std::numeric_limits<int64_t>::max())),
                            PgParam::Int(static_cast<int64_t>(page_size) + 1)};
  absl::StatusOr<PgRows> rows = read_->Exec(kListBatchesSql, params);
  if (!rows.ok()) {
    return absl::Status(
        rows.status().code(),
        absl::StrCat("list batches: ", rows.status().message()));
  }
  BatchPage page;
  for (int r = 0; r < rows->size(); ++r) {
    if (static_cast<int>(page.batches.size()) == page_size) {
      page.next_before_batch_id = page.batches.back().batch_id;
      break;
    }
    BatchInfo& info = page.batches.emplace_back();
    info.batch_id = rows->Int(r, 0);
    info.meta.request_id = std::string(rows->Text(r, 1));
    info.meta.source = std::string(rows->Text(r, 2));
    info.meta.writer = std::string(rows->Text(r, 3));
    info.ingest_time = absl::FromUnixMillis(rows->Int(r, 4));
    info.counts.received = rows->Int(r, 5);
    info.counts.inserted = rows->Int(r, 6);
    info.counts.updated = rows->Int(r, 7);
    info.counts.unchanged = rows->Int(r, 8);
    info.counts.rejected = rows->Int(r, 9);
    info.data_version = rows->Int(r, 10);
  }
  return page;
}

}  // namespace evtrade::store
