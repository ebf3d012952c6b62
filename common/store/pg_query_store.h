// QueryStore over PostgreSQL (pg_schema.cc): one connection, to the primary
// or to a hot standby.
#ifndef EVTRADE_COMMON_STORE_PG_QUERY_STORE_H_
#define EVTRADE_COMMON_STORE_PG_QUERY_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/pg_connection.h"
#include "common/store/query_store.h"

namespace evtrade::store {

// The highest data_version any snapshot of a process has shown. Shared by
// the QueryStores of one query service (one per worker thread), so a
// caller's answers never go back in data_version even when its next call
// runs on another connection, to another replica. Thread-safe.
class DataVersionFloor {
 public:
  int64_t Get() const { return floor_.load(std::memory_order_acquire); }
  // Raises the floor to `version` (never lowers it).
  void Raise(int64_t version);

 private:
  std::atomic<int64_t> floor_{0};
};

struct PgQueryStoreOptions {
  PgConnectionConfig connection;
  // Shared by the stores of one process; null = this store's own floor.
  std::shared_ptr<DataVersionFloor> floor;
  // A snapshot older than the floor (a connection to a replica that has not
  // replayed the newest batch yet) is retried for this long, then
  // BeginSnapshot fails UNAVAILABLE (the client retries).
  absl::Duration replica_wait = absl::Seconds(2);
};

// Each snapshot is one BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY
// transaction: every statement of it sees the same committed batches, also
// on a hot standby. Statements are prepared once per connection, with
// parameters for every value. A broken connection is re-opened by the next
// BeginSnapshot. Open only checks the URI: the connection is made by the
// first BeginSnapshot (UNAVAILABLE while the server cannot be reached), so a
// query service can start before its database; BeginSnapshot fails
// FAILED_PRECONDITION until the ingest service has created the schema.
//
// Not thread-safe: one instance per thread (the query service gives each
// worker thread its own).
class PgQueryStore final : public QueryStore {
 public:
  static absl::StatusOr<std::unique_ptr<PgQueryStore>> Open(
      const PgQueryStoreOptions& options);

  ~PgQueryStore() override;

  absl::StatusOr<std::unique_ptr<QuerySnapshot>> BeginSnapshot() override;

 private:
  class Snapshot;
  friend class Snapshot;

  explicit PgQueryStore(PgQueryStoreOptions options);
  // One attempt: the open transaction's data_version.
  absl::StatusOr<int64_t> StartTransaction();

  const PgQueryStoreOptions options_;
  std::unique_ptr<PgConnection> db_;  // null until the first connect
  bool schema_checked_ = false;
  bool snapshot_open_ = false;
  std::optional<StoreInfo> info_cache_;
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_PG_QUERY_STORE_H_
