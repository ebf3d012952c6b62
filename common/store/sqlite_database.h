// Opening the store's SQLite file the way the writer (sqlite_ingest_store)
// and the readers (sqlite_query_store, rollup_check, tools) all need it, and
// turning SQLiteCpp's exceptions into absl::Status. Store-internal: services
// see only IngestStore / QueryStore, never SQLite types.
#ifndef EVTRADE_COMMON_STORE_SQLITE_DATABASE_H_
#define EVTRADE_COMMON_STORE_SQLITE_DATABASE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Exception.h"
#include "SQLiteCpp/Statement.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace evtrade::store {

struct SqliteStoreConfig {
  // The SQLite file. Its folder is created when missing. Must be on a local
  // filesystem: WAL keeps its index in shared memory (-shm) on one host.
  std::string path;
  // How long a statement waits for a lock before failing UNAVAILABLE. Only
  // writers (BEGIN IMMEDIATE) and WAL checkpoints/recovery take such locks;
  // readers never wait for a writer's transaction.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Create or upgrade the schema (SchemaMigrations()) when the file is
  // behind. When false, a file that is behind is refused
  // (FAILED_PRECONDITION). Either way a file from a newer evtrade (higher
  // user_version) is refused.
  bool migrate = true;
  // The writer (SqliteIngestStore) only: rollup cells a batch holds before
  // it writes them (StoreConfig::max_rollup_cells).
  size_t max_rollup_cells = 50'000;
};

// Opens a connection: READWRITE|CREATE (WAL readers need write access to
// the -shm file, so readers open read-write too), the busy timeout,
// journal_mode=WAL (checked: a file system that refuses WAL is an error),
// synchronous=FULL (a committed batch survives a power cut), foreign_keys=ON,
// then the schema check/migration. Migration runs in one BEGIN IMMEDIATE
// transaction and re-reads user_version inside it, so processes opening the
// same new file at once migrate it exactly once.
//
// The connection is not thread-safe: one thread at a time uses it.
absl::StatusOr<std::unique_ptr<SQLite::Database>> OpenSqliteDatabase(
    const SqliteStoreConfig& config);

// The absl::Status for a SQLite error, "<context>: <sqlite message>":
// BUSY/LOCKED and I/O errors -> UNAVAILABLE (retry), FULL ->
// RESOURCE_EXHAUSTED, CORRUPT/NOTADB -> DATA_LOSS, CANTOPEN/READONLY/PERM ->
// FAILED_PRECONDITION, UNIQUE/PRIMARY KEY constraints -> ALREADY_EXISTS,
// anything else -> INTERNAL.
absl::Status SqliteErrorToStatus(const SQLite::Exception& error,
                                 std::string_view context);

// Resets a prepared statement and clears its bindings when the scope ends,
// however it ends, so a reused statement never keeps a read open or a stale
// binding. Never throws.
class ScopedStatementReset {
 public:
  explicit ScopedStatementReset(SQLite::Statement& statement)
      : statement_(statement) {}
  ~ScopedStatementReset();
  ScopedStatementReset(const ScopedStatementReset&) = delete;
  ScopedStatementReset& operator=(const ScopedStatementReset&) = delete;

 private:
  SQLite::Statement& statement_;
};

// Writes many rows with one INSERT per kRows rows ("INSERT ... VALUES
// (...), (...), ... <tail>"), and the remainder one row per statement:
// SQLite's cost per statement (start, halt, cursors) is then paid once per
// kRows rows. Both statements are prepared once. The rows' keys must be
// distinct when the tail is an upsert. Throws SQLite::Exception.
class SqliteMultiRowInsert {
 public:
  static constexpr size_t kRows = 64;

  // head: "INSERT INTO t (a, b, c) VALUES "; columns: parameters per row;
  // tail: what follows the rows ("ON CONFLICT ...", or "").
  SqliteMultiRowInsert(SQLite::Database& db, std::string_view head, int columns,
                       std::string_view tail);

  // bind(statement, first, i) binds row i's columns at parameters first,
  // first + 1, ... (text bound without a copy must outlive the call).
  template <typename Bind>
  void Write(size_t rows, Bind bind) {
    size_t i = 0;
    for (; i + kRows <= rows; i += kRows) {
      ScopedStatementReset reset(many_);
      for (size_t r = 0; r < kRows; ++r) {
        bind(many_, static_cast<int>(r) * columns_ + 1, i + r);
      }
      many_.exec();
    }
    for (; i < rows; ++i) {
      ScopedStatementReset reset(one_);
      bind(one_, 1, i);
      one_.exec();
    }
  }

 private:
  const int columns_;
  SQLite::Statement many_;
  SQLite::Statement one_;
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_SQLITE_DATABASE_H_
