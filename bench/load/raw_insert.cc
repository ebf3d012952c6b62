#include "bench/load/raw_insert.h"

#include <array>
#include <memory>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Exception.h"
#include "SQLiteCpp/Statement.h"
#include "SQLiteCpp/Transaction.h"
#include "absl/strings/str_cat.h"
#include "common/domain/record_validation.h"
#include "common/store/open_store.h"
#include "common/store/pg_connection.h"
#include "common/util/status_macros.h"

namespace evtrade::bench {
namespace {

// The key is the records table's natural key (common/store/pg_schema.cc).
constexpr char kCreateSql[] = R"sql(
DROP TABLE IF EXISTS raw_records;
CREATE TABLE raw_records (
  reporter      TEXT COLLATE "C" NOT NULL,
  partner       TEXT COLLATE "C" NOT NULL,
  flow          INTEGER NOT NULL,
  hs_code       TEXT COLLATE "C" NOT NULL,
  period        INTEGER NOT NULL,
  manufacturer  TEXT COLLATE "C" NOT NULL,
  value_usd     BIGINT NOT NULL,
  quantity      BIGINT NOT NULL,
  net_weight_kg BIGINT NOT NULL,
  source        TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (reporter, partner, flow, hs_code, period, manufacturer)
))sql";

constexpr char kUpsertSql[] = R"sql(
INSERT INTO raw_records (reporter, partner, flow, hs_code, period,
                         manufacturer, value_usd, quantity, net_weight_kg,
                         source)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (reporter, partner, flow, hs_code, period, manufacturer)
DO UPDATE SET value_usd = EXCLUDED.value_usd,
              quantity = EXCLUDED.quantity,
              net_weight_kg = EXCLUDED.net_weight_kg,
              source = EXCLUDED.source)sql";

// SQLite's: the same table, the same statement (numbered parameters).
constexpr char kSqliteCreateSql[] = R"sql(
DROP TABLE IF EXISTS raw_records;
CREATE TABLE raw_records (
  reporter      TEXT NOT NULL,
  partner       TEXT NOT NULL,
  flow          INTEGER NOT NULL,
  hs_code       TEXT NOT NULL,
  period        INTEGER NOT NULL,
  manufacturer  TEXT NOT NULL,
  value_usd     INTEGER NOT NULL,
  quantity      INTEGER NOT NULL,
  net_weight_kg INTEGER NOT NULL,
  source        TEXT NOT NULL,
  PRIMARY KEY (reporter, partner, flow, hs_code, period, manufacturer)
))sql";

constexpr char kSqliteUpsertSql[] = R"sql(
INSERT INTO raw_records (reporter, partner, flow, hs_code, period,
                         manufacturer, value_usd, quantity, net_weight_kg,
                         source)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT (reporter, partner, flow, hs_code, period, manufacturer)
DO UPDATE SET value_usd = excluded.value_usd,
              quantity = excluded.quantity,
              net_weight_kg = excluded.net_weight_kg,
              source = excluded.source)sql";

absl::StatusOr<RawInsertRun> SqliteRawInsertAll(const std::string& path,
                                                SyntheticTrade& gen) {
  RawInsertRun run;
  try {
    {
      // The table is made before the clock starts.
      SQLite::Database setup(path,
                             SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      setup.exec(kSqliteCreateSql);
    }
    const absl::Time begin = absl::Now();
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    SQLite::Statement upsert(db, kSqliteUpsertSql);
    std::unique_ptr<SQLite::Transaction> transaction;
    int64_t in_transaction = 0;
    v1::TradeRecord record;
    while (gen.Next(record)) {
      if (NormalizeAndValidate(record).has_value()) {
        ++run.rejected;
        continue;
      }
      if (transaction == nullptr) {
        transaction = std::make_unique<SQLite::Transaction>(db);
      }
      upsert.reset();
      upsert.bind(1, record.reporter());
      upsert.bind(2, record.partner());
      upsert.bind(3, static_cast<int>(record.flow()));
      upsert.bind(4, record.hs_code());
      upsert.bind(5, record.period().year() * 100 + record.period().month());
      upsert.bind(6, record.manufacturer());
      upsert.bind(7, static_cast<int64_t>(record.value_usd()));
      upsert.bind(8, static_cast<int64_t>(record.quantity()));
      upsert.bind(9, static_cast<int64_t>(record.net_weight_kg()));
      upsert.bind(10, "synthetic");
      upsert.exec();
      ++run.records;
      if (++in_transaction == kRawRecordsPerTransaction) {
        transaction->commit();
        transaction.reset();
        ++run.transactions;
        in_transaction = 0;
      }
    }
    if (transaction != nullptr) {
      transaction->commit();
      ++run.transactions;
    }
    run.elapsed = absl::Now() - begin;
  } catch (const SQLite::Exception& e) {
    return absl::UnavailableError(
        absl::StrCat("raw SQLite upsert into ", path, ": ", e.what()));
  }
  return run;
}

}  // namespace

absl::StatusOr<RawInsertRun> RawInsertAll(const std::string& uri,
                                          SyntheticTrade& gen) {
  if (!store::IsPostgresDb(uri)) return SqliteRawInsertAll(uri, gen);
  store::PgConnectionConfig config;
  config.uri = uri;
  {
    // The table is made before the clock starts.
    ASSIGN_OR_RETURN(std::unique_ptr<store::PgConnection> setup,
                     store::PgConnection::Open(config));
    RETURN_IF_ERROR(setup->Command(kCreateSql));
  }
  RawInsertRun run;
  const absl::Time begin = absl::Now();
  ASSIGN_OR_RETURN(std::unique_ptr<store::PgConnection> db,
                   store::PgConnection::Open(config));
  int64_t in_transaction = 0;
  v1::TradeRecord record;
  while (gen.Next(record)) {
    if (NormalizeAndValidate(record).has_value()) {
      ++run.rejected;
      continue;
    }
    if (in_transaction == 0) RETURN_IF_ERROR(db->Command("BEGIN"));
    const std::array<store::PgParam, 10> params = {
        store::PgParam::Text(record.reporter()),
        store::PgParam::Text(record.partner()),
        store::PgParam::Int(record.flow()),
        store::PgParam::Text(record.hs_code()),
        store::PgParam::Int(record.period().year() * 100 +
                            record.period().month()),
        store::PgParam::Text(record.manufacturer()),
        store::PgParam::Int(record.value_usd()),
        store::PgParam::Int(record.quantity()),
        store::PgParam::Int(record.net_weight_kg()),
        store::PgParam::Text("synthetic")};
    RETURN_IF_ERROR(db->Exec(kUpsertSql, params).status());
    ++run.records;
    if (++in_transaction == kRawRecordsPerTransaction) {
      RETURN_IF_ERROR(db->Command("COMMIT"));
      ++run.transactions;
      in_transaction = 0;
    }
  }
  if (in_transaction > 0) {
    RETURN_IF_ERROR(db->Command("COMMIT"));
    ++run.transactions;
  }
  run.elapsed = absl::Now() - begin;
  return run;
}

}  // namespace evtrade::bench
