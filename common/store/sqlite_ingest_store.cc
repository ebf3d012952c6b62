#include "common/store/sqlite_ingest_store.h"

#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "SQLiteCpp/Transaction.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/store/batch_slot.h"
#include "common/store/report_facts.h"
#include "common/store/rollup_deltas.h"
#include "common/store/sqlite_facts_tables.h"
#include "common/util/status_macros.h"
#include "common/util/strings.h"

namespace evtrade::store {
namespace {

constexpr char kSelectRecordSql[] = R"sql(
SELECT record_id, value_usd, quantity, net_weight_kg, source, batch_id
FROM records
WHERE reporter = ?1 AND partner = ?2 AND flow = ?3 AND hs_code = ?4
  AND period = ?5 AND manufacturer = ?6)sql";

// A new key costs this one statement; a key already stored inserts nothing
// (no change counted) and the batch then reads and revises the record.
constexpr char kInsertRecordSql[] = R"sql(
INSERT INTO records (reporter, partner, flow, hs_code, period, manufacturer,
                     value_usd, quantity, net_weight_kg, source, batch_id)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (reporter, partner, flow, hs_code, period, manufacturer)
DO NOTHING)sql";

constexpr char kInsertRevisionSql[] = R"sql(
INSERT INTO record_revisions (record_id, batch_id, replaced_by_batch,
                              value_usd, quantity, net_weight_kg, source)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql";

constexpr char kUpdateRecordSql[] = R"sql(
UPDATE records
SET value_usd = ?1, quantity = ?2, net_weight_kg = ?3, source = ?4,
    batch_id = ?5
WHERE record_id = ?6)sql";

// One rollup cell as stored (RollupTables::ReadHsMonth).
constexpr char kHsMonthCellSql[] = R"sql(
SELECT has_world, world_value, world_quantity, partner_rows, partner_value,
       partner_quantity
FROM hs_month
WHERE reporter = ?1 AND flow = ?2 AND manufacturer = ?3 AND period = ?4
  AND hs_code = ?5)sql";

// Rollup cells' changes (RollupTables::AddPartnerMonth), as the head and
// tail of a multi-row INSERT.
constexpr char kPartnerMonthHead[] = R"sql(
INSERT INTO partner_month (reporter, flow, powertrain, period, partner, rows,
                           value_usd, quantity)
VALUES )sql";
constexpr char kPartnerMonthTail[] = R"sql(
ON CONFLICT (reporter, flow, powertrain, period, partner) DO UPDATE SET
  rows = rows + excluded.rows,
  value_usd = value_usd + excluded.value_usd,
  quantity = quantity + excluded.quantity)sql";

constexpr char kRequestIdTakenSql[] =
    "SELECT batch_id FROM batches WHERE request_id = ?1";

constexpr char kInsertBatchSql[] = R"sql(
INSERT INTO batches (batch_id, request_id, source, writer, ingest_time_ms,
                     received, inserted, updated, unchanged, rejected,
                     data_version, response)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))sql";

constexpr char kFindResponseSql[] =
    "SELECT response FROM batches WHERE request_id = ?1";

constexpr char kListBatchesSql[] = R"sql(
SELECT batch_id, request_id, source, writer, ingest_time_ms, received,
       inserted, updated, unchanged, rejected, data_version
FROM batches
WHERE batch_id < ?1
ORDER BY batch_id DESC
LIMIT ?2)sql";

// Binds the key columns ?1..?6 in schema order (reporter, partner, flow,
// hs_code, period, manufacturer). Text is bound without a copy: the record
// outlives the statement's run (ScopedStatementReset clears the bindings).
void BindKey(SQLite::Statement& st, const v1::TradeRecord& record) {
  st.bindNoCopy(1, record.reporter());
  st.bindNoCopy(2, record.partner());
  st.bind(3, static_cast<int32_t>(record.flow()));
  st.bindNoCopy(4, record.hs_code());
  st.bind(5, record.period().year() * 100 + record.period().month());
  st.bindNoCopy(6, record.manufacturer());
}

// The rollups' statements on the writer connection. Errors are thrown
// (SQLite::Exception) inside and returned as a status.
class SqliteRollupTables final : public RollupTables {
 public:
  explicit SqliteRollupTables(SQLite::Database& db)
      : cell_(db, kHsMonthCellSql),
        put_cells_(db, absl::StrCat(kHsMonthInsert, "VALUES "), 12,
                   kHsMonthReplace),
        partner_month_(db, kPartnerMonthHead, 8, kPartnerMonthTail) {}

  absl::StatusOr<std::vector<HsMonthFigures>> ReadHsMonth(
      std::span<const HsMonthKey> keys) override {
    try {
      std::vector<HsMonthFigures> cells(keys.size());
      for (size_t i = 0; i < keys.size(); ++i) {
        ScopedStatementReset reset(cell_);
        BindCellKey(cell_, keys[i]);
        if (!cell_.executeStep()) continue;  // not stored: zeros
        HsMonthFigures& c = cells[i];
        c.has_world = cell_.getColumn(0).getInt() != 0;
        c.world = {cell_.getColumn(1).getInt64(),
                   cell_.getColumn(2).getInt64()};
        c.partner_rows = cell_.getColumn(3).getInt64();
        c.partner = {cell_.getColumn(4).getInt64(),
                     cell_.getColumn(5).getInt64()};
      }
      return cells;
    } catch (const SQLite::Exception& e) {
      return SqliteErrorToStatus(e, "read hs_month");
    }
  }

  absl::Status PutHsMonth(std::span<const HsMonthRow> rows) override {
    try {
      put_cells_.Write(rows.size(),
                       [&](SQLite::Statement& st, int p, size_t i) {
                         const HsMonthRow& row = rows[i];
                         const HsMonthFigures& f = row.figures;
                         st.bindNoCopy(p, row.key.reporter);
                         st.bind(p + 1, row.key.flow);
                         st.bindNoCopy(p + 2, row.key.manufacturer);
                         st.bind(p + 3, row.key.period);
                         st.bindNoCopy(p + 4, row.key.hs_code);
                         st.bind(p + 5, row.powertrain);
                         st.bind(p + 6, f.has_world ? 1 : 0);
                         st.bind(p + 7, f.world.value_usd);
                         st.bind(p + 8, f.world.quantity);
                         st.bind(p + 9, f.partner_rows);
                         st.bind(p + 10, f.partner.value_usd);
                         st.bind(p + 11, f.partner.quantity);
                       });
      return absl::OkStatus();
    } catch (const SQLite::Exception& e) {
      return SqliteErrorToStatus(e, "write hs_month");
    }
  }

  absl::Status AddPartnerMonth(std::span<const PartnerMonthRow> rows) override {
    try {
      partner_month_.Write(rows.size(),
                           [&](SQLite::Statement& st, int p, size_t i) {
                             const PartnerMonthRow& row = rows[i];
                             st.bindNoCopy(p, row.key.reporter);
                             st.bind(p + 1, row.key.flow);
                             st.bind(p + 2, row.key.powertrain);
                             st.bind(p + 3, row.key.period);
                             st.bindNoCopy(p + 4, row.key.partner);
                             st.bind(p + 5, row.rows);
                             st.bind(p + 6, row.figures.value_usd);
                             st.bind(p + 7, row.figures.quantity);
                           });
      return absl::OkStatus();
    } catch (const SQLite::Exception& e) {
      return SqliteErrorToStatus(e, "write partner_month");
    }
  }

 private:
  // ?1..?5 in hs_month key order; the key outlives the statement's run.
  static void BindCellKey(SQLite::Statement& st, const HsMonthKey& key) {
    st.bindNoCopy(1, key.reporter);
    st.bind(2, key.flow);
    st.bindNoCopy(3, key.manufacturer);
    st.bind(4, key.period);
    st.bindNoCopy(5, key.hs_code);
  }

  SQLite::Statement cell_;
  SqliteMultiRowInsert put_cells_;
  SqliteMultiRowInsert partner_month_;
};

}  // namespace

struct SqliteIngestStore::WriteStatements {
  explicit WriteStatements(SQLite::Database& db)
      : select_record(db, kSelectRecordSql),
        insert_record(db, kInsertRecordSql),
        insert_revision(db, kInsertRevisionSql),
        update_record(db, kUpdateRecordSql),
        request_id_taken(db, kRequestIdTakenSql),
        insert_batch(db, kInsertBatchSql),
        rollups(db),
        facts(db) {}

  SQLite::Statement select_record;
  SQLite::Statement insert_record;
  SQLite::Statement insert_revision;
  SQLite::Statement update_record;
  SQLite::Statement request_id_taken;
  SQLite::Statement insert_batch;
  SqliteRollupTables rollups;
  SqliteFactsTables facts;
};

// One open IMMEDIATE transaction on the writer connection.
class SqliteIngestStore::Batch final : public BatchWriter {
 public:
  Batch(SqliteIngestStore& store, BatchMeta meta,
        std::unique_ptr<SQLite::Transaction> transaction, int64_t batch_id,
        int64_t data_version)
      : store_(store),
        meta_(std::move(meta)),
        transaction_(std::move(transaction)),
        batch_id_(batch_id),
        data_version_(data_version) {}

  ~Batch() override {
    // Destroying the transaction uncommitted rolls back (SQLiteCpp swallows
    // a failing ROLLBACK; SQLite then rolls back when the connection next
    // starts a transaction or closes).
    transaction_.reset();
    store_.ReleaseWriterSlot();
  }

  int64_t batch_id() const override { return batch_id_; }
  int64_t data_version() const override { return data_version_; }

  absl::StatusOr<UpsertOutcome> Upsert(const v1::TradeRecord& record) override;
  absl::StatusOr<BatchInfo> Commit(const BatchCounts& counts,
                                   std::string response) override;

 private:
  // Usable only while open and no statement has failed mid-way.
  absl::Status CheckUsable() const;
  // Marks the batch failed (a failed statement may leave part of an upsert
  // applied, so nothing of it may commit) and returns the status.
  absl::Status Fail(const SQLite::Exception& e, std::string_view what);

  // Marks the batch failed with `status` (from a flush) and returns it.
  absl::Status Fail(absl::Status status, std::string_view what);

  // Adds a written record's change to the rollups; writes the held cells
  // when they reach the store's bound.
  absl::Status AddToRollups(const v1::TradeRecord& record, bool new_record,
                            const Figures& delta);

  SqliteIngestStore& store_;
  const BatchMeta meta_;
  std::unique_ptr<SQLite::Transaction> transaction_;  // null once finished
  const int64_t batch_id_;
  const int64_t data_version_;
  int64_t inserted_ = 0;  // rows added to records, for meta record_count
  std::optional<absl::Status> failed_;
  RollupDeltas rollups_{store_.config_.max_rollup_cells};
  FactsMaintainer facts_;
};

absl::Status SqliteIngestStore::Batch::CheckUsable() const {
  return CheckBatchUsable(batch_id_, failed_, transaction_ == nullptr);
}

absl::Status SqliteIngestStore::Batch::Fail(const SQLite::Exception& e,
                                            std::string_view what) {
  absl::Status status = SqliteErrorToStatus(
      e, absl::StrCat("batch ", batch_id_, ": ", ToAbsl(what)));
  failed_ = status;
  return status;
}

absl::Status SqliteIngestStore::Batch::Fail(absl::Status status,
                                            std::string_view what) {
  status = absl::Status(
      status.code(), absl::StrCat("batch ", batch_id_, ": ", ToAbsl(what), ": ",
                                  status.message()));
  failed_ = status;
  return status;
}

absl::Status SqliteIngestStore::Batch::AddToRollups(
    const v1::TradeRecord& record, bool new_record, const Figures& delta) {
  rollups_.Add(record, new_record, delta);
  if (!rollups_.full()) return absl::OkStatus();
  WriteStatements& w = *store_.write_;
  return rollups_.Flush(w.rollups, facts_, w.facts);
}

absl::StatusOr<UpsertOutcome> SqliteIngestStore::Batch::Upsert(
    const v1::TradeRecord& record) {
  RETURN_IF_ERROR(CheckUsable());
  WriteStatements& w = *store_.write_;
  try {
    {
      ScopedStatementReset reset(w.insert_record);
      BindKey(w.insert_record, record);
      w.insert_record.bind(7, record.value_usd());
      w.insert_record.bind(8, record.quantity());
      w.insert_record.bind(9, record.net_weight_kg());
      w.insert_record.bindNoCopy(10, record.source());
      w.insert_record.bind(11, batch_id_);
      if (w.insert_record.exec() == 1) {
        ++inserted_;
        if (absl::Status s =
                AddToRollups(record, /*new_record=*/true,
                             Figures{record.value_usd(), record.quantity()});
            !s.ok()) {
          return Fail(std::move(s), "upsert");
        }
        return UpsertOutcome::kInserted;
      }
    }
    // The key is stored: compare with its figures.
    int64_t record_id = 0;
    int64_t old_value = 0;
    int64_t old_quantity = 0;
    int64_t old_weight = 0;
    std::string old_source;
    int64_t old_batch = 0;
    {
      ScopedStatementReset reset(w.select_record);
      BindKey(w.select_record, record);
      if (!w.select_record.executeStep()) {
        throw SQLite::Exception("record neither inserted nor found",
                                SQLITE_ERROR);
      }
      record_id = w.select_record.getColumn(0).getInt64();
      old_value = w.select_record.getColumn(1).getInt64();
      old_quantity = w.select_record.getColumn(2).getInt64();
      old_weight = w.select_record.getColumn(3).getInt64();
      old_source = w.select_record.getColumn(4).getString();
      old_batch = w.select_record.getColumn(5).getInt64();
    }

    if (old_value == record.value_usd() && old_quantity == record.quantity() &&
        old_weight == record.net_weight_kg()) {
      return UpsertOutcome::kUnchanged;
    }

    {
      ScopedStatementReset reset(w.insert_revision);
      w.insert_revision.bind(1, record_id);
      w.insert_revision.bind(2, old_batch);
      w.insert_revision.bind(3, batch_id_);
      w.insert_revision.bind(4, old_value);
      w.insert_revision.bind(5, old_quantity);
      w.insert_revision.bind(6, old_weight);
      w.insert_revision.bind(7, old_source);
      w.insert_revision.exec();
    }
    {
      ScopedStatementReset reset(w.update_record);
      w.update_record.bind(1, record.value_usd());
      w.update_record.bind(2, record.quantity());
      w.update_record.bind(3, record.net_weight_kg());
      w.update_record.bind(4, record.source());
      w.update_record.bind(5, batch_id_);
      w.update_record.bind(6, record_id);
      w.update_record.exec();
    }
    if (absl::Status s =
            AddToRollups(record, /*new_record=*/false,
                         Figures{record.value_usd() - old_value,
                                 record.quantity() - old_quantity});
        !s.ok()) {
      return Fail(std::move(s), "upsert");
    }
    return UpsertOutcome::kUpdated;
  } catch (const SQLite::Exception& e) {
    return Fail(e, "upsert");
  }
}

absl::StatusOr<BatchInfo> SqliteIngestStore::Batch::Commit(
    const BatchCounts& counts, std::string response) {
  RETURN_IF_ERROR(CheckUsable());
  WriteStatements& w = *store_.write_;
  SQLite::Database& db = *store_.write_db_;
  const absl::Time now = absl::Now();
  const int64_t now_ms = absl::ToUnixMillis(now);
  try {
    if (!meta_.request_id.empty()) {
      // Checked under the write lock: a stream with the same request_id
      // that committed while this one ran wins, and this one writes nothing.
      ScopedStatementReset reset(w.request_id_taken);
      w.request_id_taken.bind(1, meta_.request_id);
      if (w.request_id_taken.executeStep()) {
        const int64_t other = w.request_id_taken.getColumn(0).getInt64();
        transaction_.reset();  // roll back
        failed_ = absl::AlreadyExistsError(absl::StrCat(
            "request_id ", meta_.request_id, " was committed by batch ", other,
            "; this stream wrote nothing"));
        return *failed_;
      }
    }
    // The rollups first: their flush tells the facts how the cells moved.
    absl::Status facts = rollups_.Flush(w.rollups, facts_, w.facts);
    if (facts.ok()) facts = facts_.Flush(w.facts);
    if (!facts.ok()) {
      failed_ = facts;
      transaction_.reset();  // roll back
      return facts;
    }
    {
      SQLite::Statement& st = w.insert_batch;
      ScopedStatementReset reset(st);
      st.bind(1, batch_id_);
      if (meta_.request_id.empty()) {
        st.bind(2);  // NULL: many batches may have no request id
      } else {
        st.bind(2, meta_.request_id);
      }
      st.bind(3, meta_.source);
      st.bind(4, meta_.writer);
      st.bind(5, now_ms);
      st.bind(6, counts.received);
      st.bind(7, counts.inserted);
      st.bind(8, counts.updated);
      st.bind(9, counts.unchanged);
      st.bind(10, counts.rejected);
      st.bind(11, data_version_);
      st.bind(12, response.data(), static_cast<int>(response.size()));
      st.exec();
    }
    db.exec(absl::StrCat("UPDATE meta SET value = CASE key",
                         " WHEN 'data_version' THEN ", data_version_,
                         " WHEN 'last_ingest_ms' THEN ", now_ms,
                         " WHEN 'record_count' THEN value + ", inserted_,
                         " END WHERE key IN ('data_version', 'last_ingest_ms', "
                         "'record_count')"));
    transaction_->commit();
    transaction_.reset();
  } catch (const SQLite::Exception& e) {
    absl::Status status = Fail(e, "commit");
    transaction_.reset();  // roll back whatever is left
    return status;
  }
  BatchInfo info;
  info.batch_id = batch_id_;
  info.meta = meta_;
  info.ingest_time = absl::FromUnixMillis(now_ms);
  info.counts = counts;
  info.data_version = data_version_;
  return info;
}

SqliteIngestStore::SqliteIngestStore(SqliteStoreConfig config,
                                     std::unique_ptr<SQLite::Database> write_db,
                                     std::unique_ptr<SQLite::Database> read_db)
    : config_(std::move(config)),
      write_db_(std::move(write_db)),
      write_(std::make_unique<WriteStatements>(*write_db_)),
      read_db_(std::move(read_db)),
      find_response_(
          std::make_unique<SQLite::Statement>(*read_db_, kFindResponseSql)),
      list_batches_(
          std::make_unique<SQLite::Statement>(*read_db_, kListBatchesSql)) {}

SqliteIngestStore::~SqliteIngestStore() = default;

absl::StatusOr<std::unique_ptr<SqliteIngestStore>> SqliteIngestStore::Open(
    const SqliteStoreConfig& config) {
  ASSIGN_OR_RETURN(std::unique_ptr<SQLite::Database> write_db,
                   OpenSqliteDatabase(config));
  // The first connection migrated; the reader only checks.
  SqliteStoreConfig read_config = config;
  read_config.migrate = false;
  ASSIGN_OR_RETURN(std::unique_ptr<SQLite::Database> read_db,
                   OpenSqliteDatabase(read_config));
  try {
    // A batch's pages stay in memory until its commit: with SQLite's
    // default 2 MiB cache a large batch spills pages to the WAL and reads
    // them back. 64 MiB (the writer only) keeps a 100k-record batch with
    // its rollups and report facts in memory.
    write_db->exec("PRAGMA cache_size = -65536");
    return std::unique_ptr<SqliteIngestStore>(
        new SqliteIngestStore(config, std::move(write_db), std::move(read_db)));
  } catch (const SQLite::Exception& e) {
    return SqliteErrorToStatus(
        e, absl::StrCat("prepare statements of store ", config.path));
  }
}

void SqliteIngestStore::ReleaseWriterSlot() { slot_.Release(); }

absl::StatusOr<std::unique_ptr<BatchWriter>> SqliteIngestStore::BeginBatch(
    const BatchMeta& meta) {
  slot_.Acquire();
  // From here this thread alone uses write_db_ until the slot is released.
  try {
    if (sqlite3_get_autocommit(write_db_->getHandle()) == 0) {
      // A previous batch's ROLLBACK failed (SQLiteCpp swallows that): end
      // its transaction now rather than fail every batch after it.
      write_db_->exec("ROLLBACK");
    }
    auto transaction = std::make_unique<SQLite::Transaction>(
        *write_db_, SQLite::TransactionBehavior::IMMEDIATE);
    const int64_t batch_id =
        write_db_
            ->execAndGet(
                "SELECT COALESCE(MAX(batch_id), 0) + 1 FROM "
                "batches")
            .getInt64();
    const int64_t data_version =
        write_db_
            ->execAndGet(
                "SELECT value + 1 FROM meta WHERE key = 'data_version'")
            .getInt64();
    return std::unique_ptr<BatchWriter>(
        new Batch(*this, meta, std::move(transaction), batch_id, data_version));
  } catch (const SQLite::Exception& e) {
    ReleaseWriterSlot();
    return SqliteErrorToStatus(e, "begin batch");
  }
}

absl::StatusOr<std::optional<std::string>> SqliteIngestStore::FindResponse(
    std::string_view request_id) {
  absl::MutexLock lock(&read_mu_);
  try {
    SQLite::Statement& st = *find_response_;
    ScopedStatementReset reset(st);
    st.bind(1, std::string(request_id));
    if (!st.executeStep()) return std::optional<std::string>();
    const SQLite::Column column = st.getColumn(0);
    const int size = column.getBytes();
    // getBlob() is null for an empty blob.
    return std::optional<std::string>(
        size == 0 ? std::string()
                  : std::string(static_cast<const char*>(column.getBlob()),
                                static_cast<size_t>(size)));
  } catch (const SQLite::Exception& e) {
    return SqliteErrorToStatus(e, "find response by request_id");
  }
}

absl::StatusOr<BatchPage> SqliteIngestStore::ListBatches(
    int page_size, std::optional<int64_t> before_batch_id) {
  if (page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be >= 1, got ", page_size));
  }
  absl::MutexLock lock(&read_mu_);
  try {
    SQLite::Statement& st = *list_batches_;
    ScopedStatementReset reset(st);
    st.bind(1, before_batch_id.value_or(std::numeric_limits<int64_t>::max()));
    // One more than asked: whether it exists decides the next page token.
    st.bind(2, static_cast<int64_t>(page_size) + 1);
    BatchPage page;
    while (st.executeStep()) {
      if (static_cast<int>(page.batches.size()) == page_size) {
        page.next_before_batch_id = page.batches.back().batch_id;
        break;
      }
      BatchInfo& info = page.batches.emplace_back();
      info.batch_id = st.getColumn(0).getInt64();
      info.meta.request_id =
          st.getColumn(1).isNull() ? "" : st.getColumn(1).getString();
      info.meta.source = st.getColumn(2).getString();
      info.meta.writer = st.getColumn(3).getString();
      info.ingest_time = absl::FromUnixMillis(st.getColumn(4).getInt64());
      info.counts.received = st.getColumn(5).getInt64();
      info.counts.inserted = st.getColumn(6).getInt64();
      info.counts.updated = st.getColumn(7).getInt64();
      info.counts.unchanged = st.getColumn(8).getInt64();
      info.counts.rejected = st.getColumn(9).getInt64();
      info.data_version = st.getColumn(10).getInt64();
    }
    return page;
  } catch (const SQLite::Exception& e) {
    return SqliteErrorToStatus(e, "list batches");
  }
}

}  // namespace evtrade::store
