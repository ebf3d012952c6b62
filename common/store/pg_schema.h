// The store's PostgreSQL schema: the same tables, keys and meaning as the
// SQLite one (schema.cc), versioned in a schema_migrations table. The
// contract between pg_ingest_store.cc (writer) and pg_query_store.cc.
#ifndef EVTRADE_COMMON_STORE_PG_SCHEMA_H_
#define EVTRADE_COMMON_STORE_PG_SCHEMA_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "common/store/pg_connection.h"

namespace evtrade::store {

// pg migrations[i] takes a database from version i to i + 1. Append only.
std::span<const std::string_view> PgSchemaMigrations();

// Advisory lock keys (pg_advisory_xact_lock), constants of evtrade: one for
// schema migration, one that every BatchWriter holds for its transaction.
inline constexpr int64_t kPgMigrationLock = 0x65767472'61646501;  // "evtrade\1"
inline constexpr int64_t kPgWriterLock = 0x65767472'61646502;     // "evtrade\2"

// Brings the database to the newest version (migrate) or checks that it is
// there. Migration runs in one transaction under kPgMigrationLock and
// re-reads the version inside it, so processes starting together migrate
// exactly once; the others wait for the lock, then find nothing to do.
// FAILED_PRECONDITION when the schema is older and !migrate (readers wait
// for the ingest service to create it), or newer than this build.
absl::Status MigratePostgres(PgConnection& connection, bool migrate);

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_PG_SCHEMA_H_
