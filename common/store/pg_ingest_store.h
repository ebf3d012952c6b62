// IngestStore over PostgreSQL (pg_schema.cc): the writer of a primary that
// several ingest replicas may share.
#ifndef EVTRADE_COMMON_STORE_PG_INGEST_STORE_H_
#define EVTRADE_COMMON_STORE_PG_INGEST_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/store/batch_slot.h"
#include "common/store/ingest_store.h"
#include "common/store/pg_connection.h"

namespace evtrade::store {

struct PgIngestStoreConfig {
  PgConnectionConfig connection;
  // How long BeginBatch waits for the cluster-wide writer lock (another
  // replica's open batch) before failing UNAVAILABLE.
  absl::Duration lock_timeout = absl::Seconds(5);
  // Create or upgrade the schema at Open (the ingest service does).
  bool migrate = true;
  // Rollup cells a batch holds before it writes them
  // (StoreConfig::max_rollup_cells).
  size_t max_rollup_cells = 50'000;
};

// Two connections: a writer, used only by the one live BatchWriter, and a
// reader for FindResponse and ListBatches (they answer while a batch is
// open, from the last committed batches).
//
// Concurrent writers. A batch is one READ COMMITTED transaction that first
// takes a transaction-scoped advisory lock, pg_advisory_xact_lock(
// kPgWriterLock), the same key in every process. So batches of all ingest
// replicas on one primary run one at a time, exactly like SQLite's single
// writer: data_version is assigned in commit order, dense and never reused;
// batch_id and record_id grow in commit order (keyset pagination stays
// stable); a revision always sees the figures the previous batch committed;
// two batches touching the same keys in different orders cannot deadlock;
// and a request_id checked under the lock is checked exactly. The lock is
// released by COMMIT or ROLLBACK, also when a replica dies (its session
// ends). A BeginBatch that waits longer than lock_timeout fails UNAVAILABLE
// (the client retries) rather than hanging. The price is no write
// parallelism across replicas; ingest is bulk and rare next to reads, and
// replicas still give availability. Within one process the writer slot
// serializes batches before they reach the server.
//
// Record upserts, revisions, the hs_month/partner_month rollups (gathered
// per batch and written once per touched cell, rollup_deltas.h), the
// batches row and the meta counters commit together or not at all; COMMIT
// waits for the WAL flush (synchronous_commit as the server is configured;
// the default is on).
//
// Thread-safe. BeginBatch blocks while another BatchWriter of this store is
// alive. The store must outlive its BatchWriters.
class PgIngestStore final : public IngestStore {
 public:
  static absl::StatusOr<std::unique_ptr<PgIngestStore>> Open(
      const PgIngestStoreConfig& config);

  ~PgIngestStore() override;

  absl::StatusOr<std::unique_ptr<BatchWriter>> BeginBatch(
      const BatchMeta& meta) override;

  absl::StatusOr<std::optional<std::string>> FindResponse(
      std::string_view request_id) override;

  absl::StatusOr<BatchPage> ListBatches(
      int page_size, std::optional<int64_t> before_batch_id) override;

 private:
  class Batch;
  friend class Batch;

  PgIngestStore(PgIngestStoreConfig config, std::unique_ptr<PgConnection> write,
                std::unique_ptr<PgConnection> read);

  void ReleaseWriterSlot();

  const PgIngestStoreConfig config_;

  WriterSlot slot_;
  // Used only by the live Batch (the slot serializes them).
  std::unique_ptr<PgConnection> write_;

  absl::Mutex read_mu_;
  std::unique_ptr<PgConnection> read_ ABSL_GUARDED_BY(read_mu_);
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_PG_INGEST_STORE_H_
