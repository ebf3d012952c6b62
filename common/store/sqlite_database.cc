#include "common/store/sqlite_database.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "SQLiteCpp/Transaction.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/store/schema.h"
#include "common/store/sqlite_facts_tables.h"
#include "common/util/strings.h"

namespace evtrade::store {
namespace {

absl::Status MakeDirsFor(const std::string& path) {
  const std::filesystem::path parent =
      std::filesystem::path(path).parent_path();
  if (parent.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("store ", path, ": cannot create folder ", parent.string(),
                     ": ", error.message()));
  }
  return absl::OkStatus();
}

// Brings the schema to kSchemaVersion (or checks it is there). Throws
// SQLite::Exception.
absl::Status Migrate(SQLite::Database& db, const SqliteStoreConfig& config) {
  int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version == kSchemaVersion) return absl::OkStatus();
  if (version < kSchemaVersion && config.migrate) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process may have migrated while we waited for the lock.
    version = db.execAndGet("PRAGMA user_version").getInt();
    if (version < kSchemaVersion) {
      const auto migrations = SchemaMigrations();
      for (int v = version; v < kSchemaVersion; ++v) {
        db.exec(std::string(migrations[v]));
      }
      if (version < 2) {
        // v2 added the report facts: fill them from what v1 stored.
        absl::Status rebuilt = RebuildSqliteReportFacts(db);
        if (!rebuilt.ok()) return rebuilt;  // the transaction rolls back
      }
      db.exec(absl::StrCat("PRAGMA user_version = ", kSchemaVersion));
      transaction.commit();
      return absl::OkStatus();
    }
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store ", config.path, " has schema version ", version,
        ", newer than the version ", kSchemaVersion,
        " this build knows: it was written by a newer evtrade; upgrade this "
        "binary"));
  }
  if (version < kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store ", config.path, " has schema version ", version, ", older than ",
        kSchemaVersion,
        ", and this connection does not migrate; open it with migration "
        "(the ingest service does) first"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SQLite::Database>> OpenSqliteDatabase(
    const SqliteStoreConfig& config) {
  if (config.path.empty()) {
    return absl::InvalidArgumentError("store path: must not be empty");
  }
  if (absl::Status dirs = MakeDirsFor(config.path); !dirs.ok()) return dirs;
  // Before SQLite's first use in the process (later it refuses, harmlessly):
  // no memory statistics, which nothing reads and which take a global mutex
  // on every allocation.
  [[maybe_unused]] static const int memstatus =
      sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  try {
    // NOMUTEX: one thread at a time uses a connection (see the header), so
    // SQLite need not lock it on every call.
    auto db = std::make_unique<SQLite::Database>(
        config.path,
        SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
        static_cast<int>(absl::ToInt64Milliseconds(config.busy_timeout)));
    const std::string mode = absl::AsciiStrToLower(
        db->execAndGet("PRAGMA journal_mode = WAL").getString());
    if (mode != "wal") {
      return absl::FailedPreconditionError(absl::StrCat(
          "store ", config.path, ": journal_mode WAL refused (got ", mode,
          "); the store needs a local file system"));
    }
    db->exec("PRAGMA synchronous = FULL");
    db->exec("PRAGMA foreign_keys = ON");
    if (absl::Status migrated = Migrate(*db, config); !migrated.ok()) {
      return migrated;
    }
    return db;
  } catch (const SQLite::Exception& e) {
    return SqliteErrorToStatus(e, absl::StrCat("open store ", config.path));
  }
}

absl::Status SqliteErrorToStatus(const SQLite::Exception& error,
                                 std::string_view context) {
  const std::string message = absl::StrCat(ToAbsl(context), ": ", error.what());
  const int extended = error.getExtendedErrorCode();
  switch (error.getErrorCode() & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_PROTOCOL:
      return absl::UnavailableError(message);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return absl::FailedPreconditionError(message);
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE ||
          extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(message);
      }
      return absl::InternalError(message);
    default:
      return absl::InternalError(message);
  }
}

ScopedStatementReset::~ScopedStatementReset() {
  statement_.tryReset();
  // clearBindings() only fails on a misuse SQLite reports as an exception;
  // there is nothing to do about it here and nothing may escape.
  try {
    statement_.clearBindings();
  } catch (const SQLite::Exception&) {
  }
}

namespace {

std::string MultiRowSql(std::string_view head, int columns, size_t rows,
                        std::string_view tail) {
  std::string sql(head);
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int c = 0; c < columns; ++c) {
      absl::StrAppend(&sql, c == 0 ? "?" : ", ?",
                      static_cast<int>(r) * columns + c + 1);
    }
    sql += ")";
  }
  absl::StrAppend(&sql, " ", ToAbsl(tail));
  return sql;
}

}  // namespace

SqliteMultiRowInsert::SqliteMultiRowInsert(SQLite::Database& db,
                                           std::string_view head, int columns,
                                           std::string_view tail)
    : columns_(columns),
      many_(db, MultiRowSql(head, columns, kRows, tail)),
      one_(db, MultiRowSql(head, columns, 1, tail)) {}

}  // namespace evtrade::store
