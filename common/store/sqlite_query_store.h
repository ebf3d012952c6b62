// QueryStore over the SQLite store (schema.cc): one reader connection.
#ifndef EVTRADE_COMMON_STORE_SQLITE_QUERY_STORE_H_
#define EVTRADE_COMMON_STORE_SQLITE_QUERY_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/query_store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace evtrade::store {

struct SqliteQueryStoreOptions {
  std::string db_path;
  // How long a read waits for a lock (only WAL recovery or a schema change
  // takes one; readers never wait for an ingest commit).
  absl::Duration busy_timeout = absl::Seconds(5);
};

// One connection to the store file, in WAL mode, so reads run beside the
// single writer and see only committed batches. Each snapshot is one read
// transaction (BEGIN, the SELECTs, COMMIT). Prepared statements are cached
// per connection, keyed by their SQL text.
//
// Not thread-safe: one instance per thread (the query service gives each
// worker thread its own).
class SqliteQueryStore final : public QueryStore {
 public:
  // Opens (creating and migrating when new) the store at options.db_path.
  static absl::StatusOr<std::unique_ptr<SqliteQueryStore>> Open(
      const SqliteQueryStoreOptions& options);

  ~SqliteQueryStore() override;

  absl::StatusOr<std::unique_ptr<QuerySnapshot>> BeginSnapshot() override;

  // The SQL text of every statement this connection has prepared so far,
  // sorted (for query-plan checks).
  std::vector<std::string> PreparedSql() const;

 private:
  class Snapshot;
  friend class Snapshot;

  explicit SqliteQueryStore(std::unique_ptr<SQLite::Database> db);

  // The cached statement for `sql`, reset and with no bindings. Throws
  // SQLite::Exception (caught by the callers in the .cc).
  SQLite::Statement& Prepare(const std::string& sql);

  std::unique_ptr<SQLite::Database> db_;
  // Declared after db_ so they are finalized before it closes.
  absl::flat_hash_map<std::string, std::unique_ptr<SQLite::Statement>>
      statements_;
  // BEGIN and COMMIT, prepared once: sqlite3_exec would parse them again
  // for every snapshot (a measurable share of a report's read).
  std::unique_ptr<SQLite::Statement> begin_;
  std::unique_ptr<SQLite::Statement> commit_;
  bool snapshot_open_ = false;
  // GetStoreInfo's distinct reporters and period range need an index walk;
  // they only change with data_version, so the last answer is kept.
  std::optional<StoreInfo> info_cache_;
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_SQLITE_QUERY_STORE_H_
