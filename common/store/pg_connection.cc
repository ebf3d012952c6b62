#include "common/store/pg_connection.h"

#include <libpq-fe.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/strings.h"

namespace evtrade::store {
namespace {

// Error text of a result or, lacking one, of the connection.
std::string ErrorText(PGconn* conn, const PGresult* result) {
  const char* text = result != nullptr ? PQresultErrorMessage(result) : "";
  if (text == nullptr || *text == '\0') text = PQerrorMessage(conn);
  return std::string(
      absl::StripTrailingAsciiWhitespace(text == nullptr ? "" : text));
}

}  // namespace

PgRows::PgRows(pg_result* result) : result_(result) {}
PgRows::~PgRows() {
  if (result_ != nullptr) PQclear(result_);
}
PgRows::PgRows(PgRows&& other) noexcept : result_(other.result_) {
  other.result_ = nullptr;
}
PgRows& PgRows::operator=(PgRows&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}
int PgRows::size() const { return PQntuples(result_); }
int PgRows::columns() const { return PQnfields(result_); }
bool PgRows::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}
std::string_view PgRows::Text(int row, int column) const {
  return std::string_view(
      PQgetvalue(result_, row, column),
      static_cast<size_t>(PQgetlength(result_, row, column)));
}
int64_t PgRows::Int(int row, int column) const {
  int64_t value = 0;
  // Only our own integer and numeric (SUM) columns come here; a value that
  // does not parse would be a schema bug, and reads as 0.
  if (!absl::SimpleAtoi(ToAbsl(Text(row, column)), &value)) return 0;
  return value;
}
int64_t PgRows::Affected() const {
  int64_t value = 0;
  if (!absl::SimpleAtoi(PQcmdTuples(result_), &value)) return 0;
  return value;
}

absl::Status PgErrorToStatus(std::string_view sqlstate,
                             std::string_view message,
                             std::string_view context) {
  const std::string text = absl::StrCat(ToAbsl(context), ": ", ToAbsl(message));
  const absl::string_view state = ToAbsl(sqlstate);
  if (state.empty() || absl::StartsWith(state, "08") || state == "57P01" ||
      state == "57P02" || state == "57P03" || state == "55P03" ||
      state == "57014") {
    return absl::UnavailableError(text);
  }
  if (state == "40001" || state == "40P01") return absl::AbortedError(text);
  if (state == "23505") return absl::AlreadyExistsError(text);
  if (state == "22003") return absl::OutOfRangeError(text);
  if (absl::StartsWith(state, "53")) return absl::ResourceExhaustedError(text);
  if (state == "25006" || state == "42P01" || absl::StartsWith(state, "28")) {
    return absl::FailedPreconditionError(text);
  }
  return absl::InternalError(text);
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Open(
    const PgConnectionConfig& config) {
  const std::string timeout =
      absl::StrCat(absl::ToInt64Seconds(config.connect_timeout));
  // Earlier keywords are defaults: what the URI (expanded from "dbname")
  // says wins, and an explicit password file wins over both.
  std::vector<const char*> keys = {"connect_timeout", "application_name",
                                   "dbname"};
  std::vector<const char*> values = {timeout.c_str(), "evtrade",
                                     config.uri.c_str()};
  if (!config.password.empty()) {
    keys.push_back("password");
    values.push_back(config.password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(),
                                   /*expand_dbname=*/1);
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("libpq: out of memory");
  }
  std::unique_ptr<PgConnection> connection(new PgConnection(conn));
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = ErrorText(conn, nullptr);
    // Authentication failures are not worth retrying.
    const bool auth = absl::StrContains(message, "authentication failed") ||
                      absl::StrContains(message, "password");
    return PgErrorToStatus(auth ? "28000" : "08000", message,
                           "connect to PostgreSQL");
  }
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::InTransaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR ||
         status == PQTRANS_ACTIVE;
}

bool PgConnection::Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

absl::Status PgConnection::EnsureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
  // The server-side statements died with the old session.
  prepared_.clear();
  PQreset(conn_);
  ++reconnects_;
  if (PQstatus(conn_) != CONNECTION_OK) {
    return PgErrorToStatus("08000", ErrorText(conn_, nullptr),
                           "reconnect to PostgreSQL");
  }
  return absl::OkStatus();
}

absl::Status PgConnection::ResultStatus(pg_result* result,
                                        std::string_view context) {
  const ExecStatusType status =
      result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return absl::OkStatus();
  }
  const char* state = result == nullptr
                          ? nullptr
                          : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  // No SQLSTATE: the connection itself failed.
  return PgErrorToStatus(state == nullptr ? "" : state,
                         ErrorText(conn_, result), context);
}

absl::Status PgConnection::Command(const std::string& sql) {
  if (!InTransaction()) {
    if (absl::Status s = EnsureConnected(); !s.ok()) return s;
  }
  pg_result* result = PQexec(conn_, sql.c_str());
  PgRows rows(result);
  // The command's first line names it (a migration is many lines long).
  const absl::string_view text = absl::StripLeadingAsciiWhitespace(sql);
  const absl::string_view first_line = text.substr(0, text.find('\n'));
  return ResultStatus(result, FromAbsl(first_line.substr(0, 80)));
}

void PgConnection::RollbackQuietly() {
  if (PQstatus(conn_) != CONNECTION_OK || !InTransaction()) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

absl::StatusOr<PgRows> PgConnection::Exec(const std::string& sql,
                                          std::span<const PgParam> params,
                                          bool binary_result) {
  if (!InTransaction()) {
    if (absl::Status s = EnsureConnected(); !s.ok()) return s;
  }
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = absl::StrCat("s", prepared_.size());
    pg_result* result = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    PgRows prepared(result);
    if (absl::Status s = ResultStatus(result, "prepare"); !s.ok()) return s;
    it = prepared_.emplace(sql, name).first;
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  values.reserve(params.size());
  for (const PgParam& param : params) {
    values.push_back(param.value ? param.value->data() : nullptr);
    lengths.push_back(param.value ? static_cast<int>(param.value->size()) : 0);
    formats.push_back(param.binary ? 1 : 0);
  }
  pg_result* result = PQexecPrepared(
      conn_, it->second.c_str(), static_cast<int>(params.size()), values.data(),
      lengths.data(), formats.data(), binary_result ? 1 : 0);
  PgRows rows(result);
  if (absl::Status s = ResultStatus(result, "statement"); !s.ok()) return s;
  return rows;
}

absl::Status CheckPgUri(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    std::string message =
        error == nullptr
            ? "out of memory"
            : std::string(absl::StripTrailingAsciiWhitespace(error));
    PQfreemem(error);
    return absl::InvalidArgumentError(
        absl::StrCat("PostgreSQL URI: ", message));
  }
  PQconninfoFree(options);
  return absl::OkStatus();
}

bool IsPostgresUri(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

void PgArray::AddText(std::string_view value) {
  if (text_.size() > 1) text_ += ',';
  text_ += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') text_ += '\\';
    text_ += c;
  }
  text_ += '"';
}

void PgArray::AddInt(int64_t value) {
  if (text_.size() > 1) text_ += ',';
  absl::StrAppend(&text_, value);
}

PgParam PgArray::Param() && {
  text_ += '}';
  return PgParam::Text(std::move(text_));
}

std::vector<PgParam> ArrayParams(std::span<PgArray> columns) {
  std::vector<PgParam> params;
  params.reserve(columns.size());
  for (PgArray& column : columns) params.push_back(std::move(column).Param());
  return params;
}

}  // namespace evtrade::store
