#include "common/store/open_store.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/store/pg_connection.h"
#include "common/store/pg_ingest_store.h"
#include "common/store/pg_query_store.h"
#include "common/store/pg_schema.h"
#include "common/store/sqlite_database.h"
#include "common/store/sqlite_ingest_store.h"
#include "common/store/sqlite_query_store.h"
#include "common/util/status_macros.h"
#include "common/util/strings.h"

namespace evtrade::store {
namespace {

PgConnectionConfig PgConnectionOf(const StoreConfig& config) {
  PgConnectionConfig pg;
  pg.uri = config.db;
  pg.password = config.password;
  return pg;
}

}  // namespace

struct QueryStoreFactory::Shared {
  std::shared_ptr<DataVersionFloor> floor =
      std::make_shared<DataVersionFloor>();
};

bool IsPostgresDb(std::string_view db) { return IsPostgresUri(db); }

absl::StatusOr<std::unique_ptr<IngestStore>> OpenIngestStore(
    const StoreConfig& config) {
  if (IsPostgresDb(config.db)) {
    PgIngestStoreConfig pg;
    pg.connection = PgConnectionOf(config);
    pg.lock_timeout = config.lock_timeout;
    pg.migrate = config.migrate;
    pg.max_rollup_cells = config.max_rollup_cells;
    ASSIGN_OR_RETURN(std::unique_ptr<PgIngestStore> store,
                     PgIngestStore::Open(pg));
    return std::unique_ptr<IngestStore>(std::move(store));
  }
  SqliteStoreConfig sqlite;
  sqlite.path = config.db;
  sqlite.busy_timeout = config.lock_timeout;
  sqlite.migrate = config.migrate;
  sqlite.max_rollup_cells = config.max_rollup_cells;
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteIngestStore> store,
                   SqliteIngestStore::Open(sqlite));
  return std::unique_ptr<IngestStore>(std::move(store));
}

QueryStoreFactory::QueryStoreFactory(StoreConfig config)
    : config_(std::move(config)), shared_(std::make_shared<Shared>()) {}

QueryStoreFactory::~QueryStoreFactory() = default;

absl::StatusOr<std::unique_ptr<QueryStore>> QueryStoreFactory::Open() const {
  if (IsPostgresDb(config_.db)) {
    PgQueryStoreOptions pg;
    pg.connection = PgConnectionOf(config_);
    pg.floor = shared_->floor;
    pg.replica_wait = config_.replica_wait;
    ASSIGN_OR_RETURN(std::unique_ptr<PgQueryStore> store,
                     PgQueryStore::Open(pg));
    return std::unique_ptr<QueryStore>(std::move(store));
  }
  SqliteQueryStoreOptions sqlite;
  sqlite.db_path = config_.db;
  sqlite.busy_timeout = config_.lock_timeout;
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteQueryStore> store,
                   SqliteQueryStore::Open(sqlite));
  return std::unique_ptr<QueryStore>(std::move(store));
}

absl::Status QueryStoreFactory::SchemaReady() const {
  if (!IsPostgresDb(config_.db)) {
    // SQLite readers create the schema themselves when the file is new.
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection,
                   PgConnection::Open(PgConnectionOf(config_)));
  return MigratePostgres(*connection, /*migrate=*/false);
}

absl::StatusOr<StoreConfig> StoreConfigFromFlags(
    const std::string& db, const std::string& password_file) {
  StoreConfig config;
  config.db = db;
  if (db.empty()) {
    return absl::InvalidArgumentError("--db: must not be empty");
  }
  if (!IsPostgresDb(db)) {
    if (!password_file.empty()) {
      return absl::InvalidArgumentError(
          "--db_password_file: only for a PostgreSQL --db "
          "(postgresql://...)");
    }
    return config;
  }
  if (absl::Status uri = CheckPgUri(db); !uri.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--db: ", uri.message()));
  }
  if (password_file.empty()) return config;
  std::ifstream in(password_file);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--db_password_file: cannot read ", password_file));
  }
  std::ostringstream content;
  content << in.rdbuf();
  config.password = std::string(StripAscii(content.str()));
  if (config.password.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--db_password_file: ", password_file, " is empty"));
  }
  return config;
}

}  // namespace evtrade::store
