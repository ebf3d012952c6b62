// The one place that turns a --db value into a store: a SQLite file path or
// a PostgreSQL libpq URI ("postgresql://" or "postgres://"). Services, test
// fixtures, benchmarks and tools open stores here and never name a backend.
#ifndef EVTRADE_COMMON_STORE_OPEN_STORE_H_
#define EVTRADE_COMMON_STORE_OPEN_STORE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/ingest_store.h"
#include "common/store/query_store.h"

namespace evtrade::store {

struct StoreConfig {
  // A SQLite file ("var/evtrade.db") or a libpq URI
  // ("postgresql://evtrade@db-rw:5432/evtrade?sslmode=require").
  std::string db = "var/evtrade.db";
  // PostgreSQL only: the password (e.g. read from --db_password_file).
  // Empty: libpq finds it itself (PGPASSWORD, ~/.pgpass).
  std::string password;
  // How long a write waits for the store's writer lock (SQLite: busy
  // timeout; PostgreSQL: lock_timeout of BeginBatch), and SQLite readers
  // for a lock. Then the call fails UNAVAILABLE.
  absl::Duration lock_timeout = absl::Seconds(5);
  // The ingest side creates or migrates the schema at open.
  bool migrate = true;
  // PostgreSQL readers: how long a snapshot older than one this process
  // already served (a lagging replica) is retried before UNAVAILABLE.
  absl::Duration replica_wait = absl::Seconds(2);
  // The writer: rollup cells (hs_month, partner_month) a batch holds in
  // memory before it writes them (rollup_deltas.h). Smaller bounds memory
  // more tightly and writes more often; tests set it small.
  size_t max_rollup_cells = 50'000;
};

// Whether `db` names a PostgreSQL database rather than a SQLite file.
bool IsPostgresDb(std::string_view db);

// Opens the write side; migrates when config.migrate.
absl::StatusOr<std::unique_ptr<IngestStore>> OpenIngestStore(
    const StoreConfig& config);

// Opens read stores, one per thread. The stores of one factory share the
// highest data_version any of them has served, so a caller of the process
// never sees data_version go back, even across connections to different
// replicas. SQLite readers create a missing store file (with its schema);
// PostgreSQL readers never write, and fail FAILED_PRECONDITION until the
// ingest service has created the schema (see SchemaReady).
//
// Thread-safe.
class QueryStoreFactory {
 public:
  explicit QueryStoreFactory(StoreConfig config);
  ~QueryStoreFactory();

  absl::StatusOr<std::unique_ptr<QueryStore>> Open() const;

  // OK once the store has the schema readers need: FAILED_PRECONDITION
  // while it does not, UNAVAILABLE while the database cannot be reached.
  absl::Status SchemaReady() const;

  const StoreConfig& config() const { return config_; }

 private:
  struct Shared;
  const StoreConfig config_;
  std::shared_ptr<Shared> shared_;
};

// A StoreConfig from a service's --db and --db_password_file flags (the
// file holds the password, surrounding whitespace dropped; "" = none).
// INVALID_ARGUMENT for an unparsable PostgreSQL URI, an unreadable or empty
// password file, or a password file with a SQLite store.
absl::StatusOr<StoreConfig> StoreConfigFromFlags(
    const std::string& db, const std::string& password_file);

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_OPEN_STORE_H_
