// IngestStore over the SQLite store (schema.cc): the single writer.
#ifndef EVTRADE_COMMON_STORE_SQLITE_INGEST_STORE_H_
#define EVTRADE_COMMON_STORE_SQLITE_INGEST_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/store/batch_slot.h"
#include "common/store/ingest_store.h"
#include "common/store/sqlite_database.h"

namespace evtrade::store {

// Two connections to the store file: a writer, used only by the one live
// BatchWriter (its statements are prepared once and reused for every
// record), and a reader for FindResponse and ListBatches, so those answer
// while a batch is open (WAL: they see the last committed batches).
//
// A batch is one BEGIN IMMEDIATE transaction: it takes SQLite's write lock
// at BeginBatch, so a second writer process waits (busy timeout) rather than
// interleaving. Record upserts, revision rows, the hs_month/partner_month
// rollups (gathered per batch and written once per touched cell,
// rollup_deltas.h), the batches row and the meta counters all commit
// together or not at all.
//
// Thread-safe. BeginBatch blocks while another BatchWriter of this store is
// alive. The store must outlive its BatchWriters.
class SqliteIngestStore final : public IngestStore {
 public:
  // Opens (and migrates, when config.migrate) the store at config.path.
  static absl::StatusOr<std::unique_ptr<SqliteIngestStore>> Open(
      const SqliteStoreConfig& config);

  ~SqliteIngestStore() override;

  // Errors: UNAVAILABLE when another process holds the write lock past the
  // busy timeout.
  absl::StatusOr<std::unique_ptr<BatchWriter>> BeginBatch(
      const BatchMeta& meta) override;

  absl::StatusOr<std::optional<std::string>> FindResponse(
      std::string_view request_id) override;

  // page_size must be >= 1 (INVALID_ARGUMENT otherwise).
  absl::StatusOr<BatchPage> ListBatches(
      int page_size, std::optional<int64_t> before_batch_id) override;

 private:
  class Batch;
  friend class Batch;

  // The writer connection's statements, prepared once.
  struct WriteStatements;

  SqliteIngestStore(SqliteStoreConfig config,
                    std::unique_ptr<SQLite::Database> write_db,
                    std::unique_ptr<SQLite::Database> read_db);

  // Called by a Batch when it ends, committed or not.
  void ReleaseWriterSlot();

  const SqliteStoreConfig config_;

  WriterSlot slot_;

  // Used only by the live Batch (the slot serializes them).
  std::unique_ptr<SQLite::Database> write_db_;
  std::unique_ptr<WriteStatements> write_;  // after write_db_: finalized first

  absl::Mutex read_mu_;
  std::unique_ptr<SQLite::Database> read_db_ ABSL_GUARDED_BY(read_mu_);
  std::unique_ptr<SQLite::Statement> find_response_ ABSL_GUARDED_BY(read_mu_);
  std::unique_ptr<SQLite::Statement> list_batches_ ABSL_GUARDED_BY(read_mu_);
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_SQLITE_INGEST_STORE_H_
