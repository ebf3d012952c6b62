// The store's SQLite schema, versioned with PRAGMA user_version. This is the
// contract between the writer (sqlite_ingest_store.cc) and the readers
// (sqlite_query_store.cc); pg_schema.cc is the same schema for PostgreSQL
// and shares kSchemaVersion.
#ifndef EVTRADE_COMMON_STORE_SCHEMA_H_
#define EVTRADE_COMMON_STORE_SCHEMA_H_

#include <span>
#include <string_view>

namespace evtrade::store {

// migrations[i] takes a store from user_version i to i + 1. Append only.
std::span<const std::string_view> SchemaMigrations();

inline constexpr int kSchemaVersion = 2;

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_SCHEMA_H_
