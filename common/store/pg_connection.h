// A small RAII layer over libpq for the PostgreSQL store (pg_*_store.cc,
// rollup_check.cc): one connection, its prepared statements, results as
// text, and libpq errors turned into absl::Status by SQLSTATE. Store-internal:
// services see only IngestStore / QueryStore, never libpq types.
#ifndef EVTRADE_COMMON_STORE_PG_CONNECTION_H_
#define EVTRADE_COMMON_STORE_PG_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

struct pg_conn;
struct pg_result;

namespace evtrade::store {

struct PgConnectionConfig {
  // A libpq URI, "postgresql://user@host:port/dbname?sslmode=...".
  std::string uri;
  // Empty: libpq finds the password itself (PGPASSWORD, ~/.pgpass).
  std::string password;
  // Used when the URI names no connect_timeout.
  absl::Duration connect_timeout = absl::Seconds(10);
};

// One statement parameter, sent as text (or as raw bytes for bytea).
struct PgParam {
  static PgParam Text(std::string value) { return {std::move(value), false}; }
  static PgParam Int(int64_t value) { return {std::to_string(value), false}; }
  static PgParam Bytes(std::string value) { return {std::move(value), true}; }
  static PgParam Null() { return {std::nullopt, false}; }

  std::optional<std::string> value;
  bool binary = false;
};

// One column of a multi-row statement, sent as one array parameter (the
// statement reads the columns with unnest($1::text[], $2::bigint[], ...)).
class PgArray {
 public:
  void AddText(std::string_view value);
  void AddInt(int64_t value);
  // The array literal; the PgArray is spent.
  PgParam Param() &&;

 private:
  std::string text_ = "{";
};

// The parameters $1, $2, ... of a multi-row statement; the columns are spent.
std::vector<PgParam> ArrayParams(std::span<PgArray> columns);

// Rows per multi-row statement (PgArray columns): large enough that the
// round trip is negligible, small enough to bound the statement's memory.
inline constexpr size_t kPgRowsPerStatement = 10'000;

// The rows of one statement. Owns the libpq result.
class PgRows {
 public:
  explicit PgRows(pg_result* result);
  ~PgRows();
  PgRows(PgRows&& other) noexcept;
  PgRows& operator=(PgRows&& other) noexcept;
  PgRows(const PgRows&) = delete;

  int size() const;
  int columns() const;
  bool IsNull(int row, int column) const;
  // The value's text (or bytes, for a binary result); "" for NULL.
  std::string_view Text(int row, int column) const;
  // The value as a whole number (integer and numeric columns); 0 for NULL.
  int64_t Int(int row, int column) const;
  // The number of rows an INSERT/UPDATE/DELETE touched.
  int64_t Affected() const;

 private:
  pg_result* result_;
};

// The absl::Status for a failed statement or connection, "<context>:
// <server message>", by SQLSTATE class: connection failures (08, 57P01-03,
// no result at all), lock_timeout (55P03) and query_canceled (57014) ->
// UNAVAILABLE (retry the call); serialization failures and deadlocks (40001,
// 40P01) -> ABORTED (retry the transaction); unique violations (23505) ->
// ALREADY_EXISTS; a BIGINT sum out of range (22003) -> OUT_OF_RANGE;
// insufficient resources (53) -> RESOURCE_EXHAUSTED; a write
// on a read-only standby (25006), a missing table (42P01) and
// authentication (28) -> FAILED_PRECONDITION; anything else -> INTERNAL.
absl::Status PgErrorToStatus(std::string_view sqlstate,
                             std::string_view message,
                             std::string_view context);

// One libpq connection. Each distinct SQL text is prepared once per
// connection (PQprepare) and then run with PQexecPrepared: values always
// travel as parameters, never inside the SQL.
//
// A broken connection is reset on the next call made outside a transaction
// (a transaction cannot survive it: calls inside one fail UNAVAILABLE and
// the caller starts over). Not thread-safe: one thread at a time.
class PgConnection {
 public:
  static absl::StatusOr<std::unique_ptr<PgConnection>> Open(
      const PgConnectionConfig& config);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql` with `params` ($1, $2, ...). binary_result asks for raw
  // column bytes (for bytea); else every column comes back as text.
  absl::StatusOr<PgRows> Exec(const std::string& sql,
                              std::span<const PgParam> params = {},
                              bool binary_result = false);

  // Runs a fixed command without parameters (BEGIN, COMMIT, DDL); never
  // prepared, so it may hold several statements.
  absl::Status Command(const std::string& sql);

  // Ends an open transaction, if any, with ROLLBACK; errors are dropped (a
  // broken connection has no transaction left anyway).
  void RollbackQuietly();

  // Reconnects when the connection broke; a no-op otherwise.
  absl::Status EnsureConnected();

  // Whether a transaction is open (or failed and not yet ended).
  bool InTransaction() const;

  // Whether the connection is known to be lost (the next call outside a
  // transaction reconnects).
  bool Broken() const;

  // How many times the connection was re-established (for tests).
  int reconnects() const { return reconnects_; }

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  absl::Status ResultStatus(pg_result* result, std::string_view context);

  pg_conn* conn_;
  // SQL text -> statement name on this connection.
  absl::flat_hash_map<std::string, std::string> prepared_;
  int reconnects_ = 0;
};

// INVALID_ARGUMENT when libpq cannot parse `uri` (no connection made).
absl::Status CheckPgUri(const std::string& uri);

// Whether `db` names a PostgreSQL database (a libpq URI) rather than a
// SQLite file.
bool IsPostgresUri(std::string_view db);

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_PG_CONNECTION_H_
