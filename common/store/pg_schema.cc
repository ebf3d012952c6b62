#include "common/store/pg_schema.h"

#include <array>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/store/pg_facts_tables.h"
#include "common/store/schema.h"
#include "common/util/status_macros.h"

namespace evtrade::store {
namespace {

// As schema.cc: periods YYYYMM integers, flows v1::Flow numbers, powertrain
// classes evtrade::PowertrainClass numbers. Text compares and sorts by
// bytes (COLLATE "C"), as in SQLite, whatever the database's locale. Ids are
// assigned by the writer that holds kPgWriterLock, so they grow in commit
// order.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE meta (
  key   TEXT COLLATE "C" PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO meta (key, value)
  VALUES ('data_version', 0), ('last_ingest_ms', 0), ('record_count', 0);

CREATE TABLE batches (
  batch_id       BIGINT PRIMARY KEY,
  request_id     TEXT COLLATE "C" UNIQUE,
  source         TEXT COLLATE "C" NOT NULL,
  writer         TEXT COLLATE "C" NOT NULL,
  ingest_time_ms BIGINT NOT NULL,
  received       BIGINT NOT NULL,
  inserted       BIGINT NOT NULL,
  updated        BIGINT NOT NULL,
  unchanged      BIGINT NOT NULL,
  rejected       BIGINT NOT NULL,
  data_version   BIGINT NOT NULL UNIQUE,
  response       BYTEA NOT NULL
);

CREATE TABLE records (
  record_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
  batch_id      BIGINT NOT NULL,
  UNIQUE (reporter, partner, flow, hs_code, period, manufacturer)
);

CREATE TABLE record_revisions (
  revision_id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  record_id         BIGINT NOT NULL,
  batch_id          BIGINT NOT NULL,
  replaced_by_batch BIGINT NOT NULL,
  value_usd         BIGINT NOT NULL,
  quantity          BIGINT NOT NULL,
  net_weight_kg     BIGINT NOT NULL,
  source            TEXT COLLATE "C" NOT NULL
);
CREATE INDEX record_revisions_by_record ON record_revisions (record_id);

CREATE TABLE hs_month (
  reporter         TEXT COLLATE "C" NOT NULL,
  flow             INTEGER NOT NULL,
  manufacturer     TEXT COLLATE "C" NOT NULL,
  period           INTEGER NOT NULL,
  hs_code          TEXT COLLATE "C" NOT NULL,
  powertrain       INTEGER NOT NULL,
  has_world        INTEGER NOT NULL DEFAULT 0,
  world_value      BIGINT NOT NULL DEFAULT 0,
  world_quantity   BIGINT NOT NULL DEFAULT 0,
  partner_rows     BIGINT NOT NULL DEFAULT 0,
  partner_value    BIGINT NOT NULL DEFAULT 0,
  partner_quantity BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (reporter, flow, manufacturer, period, hs_code)
);
CREATE INDEX hs_month_by_period ON hs_month (flow, manufacturer, period);

CREATE TABLE partner_month (
  reporter   TEXT COLLATE "C" NOT NULL,
  flow       INTEGER NOT NULL,
  powertrain INTEGER NOT NULL,
  period     INTEGER NOT NULL,
  partner    TEXT COLLATE "C" NOT NULL,
  rows       BIGINT NOT NULL DEFAULT 0,
  value_usd  BIGINT NOT NULL DEFAULT 0,
  quantity   BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (reporter, flow, powertrain, period, partner)
);
CREATE INDEX partner_month_by_partner ON partner_month (partner, flow, period);
)sql";

// Report facts (report_facts.h), as in the SQLite schema's v2; the step
// also fills them from the rollups (MigratePostgres).
constexpr std::string_view kV2 = R"sql(
CREATE TABLE series_facts (
  reporter      TEXT COLLATE "C" NOT NULL,
  flow          INTEGER NOT NULL,
  segment       INTEGER NOT NULL,
  period        INTEGER NOT NULL,
  value_usd     BIGINT NOT NULL,
  quantity      BIGINT NOT NULL,
  ytd_value     BIGINT NOT NULL,
  ytd_quantity  BIGINT NOT NULL,
  ye_value      BIGINT,
  ye_quantity   BIGINT,
  record_period INTEGER,
  record_value  BIGINT,
  all_value     BIGINT NOT NULL,
  streak        INTEGER NOT NULL,
  PRIMARY KEY (reporter, flow, segment, period)
);
CREATE TABLE partner_facts (
  reporter  TEXT COLLATE "C" NOT NULL,
  flow      INTEGER NOT NULL,
  segment   INTEGER NOT NULL,
  period    INTEGER NOT NULL,
  partner   TEXT COLLATE "C" NOT NULL,
  value_usd BIGINT NOT NULL,
  quantity  BIGINT NOT NULL,
  PRIMARY KEY (reporter, flow, segment, period, partner)
);
CREATE INDEX partner_facts_top
  ON partner_facts (reporter, flow, segment, period, value_usd DESC, partner);
CREATE TABLE maker_facts (
  reporter     TEXT COLLATE "C" NOT NULL,
  flow         INTEGER NOT NULL,
  segment      INTEGER NOT NULL,
  period       INTEGER NOT NULL,
  manufacturer TEXT COLLATE "C" NOT NULL,
  value_usd    BIGINT NOT NULL,
  quantity     BIGINT NOT NULL,
  PRIMARY KEY (reporter, flow, segment, period, manufacturer)
);
CREATE INDEX maker_facts_top
  ON maker_facts (reporter, flow, segment, period, quantity DESC,
                  manufacturer);
CREATE TABLE exporter_standing (
  reporter     TEXT COLLATE "C" NOT NULL,
  period       INTEGER NOT NULL,
  ytd_value    BIGINT NOT NULL,
  ytd_quantity BIGINT NOT NULL,
  rank         INTEGER NOT NULL,
  PRIMARY KEY (reporter, period)
);
CREATE INDEX exporter_standing_by_rank ON exporter_standing (period, rank);
)sql";

constexpr std::array<std::string_view, 2> kMigrations = {kV1, kV2};
static_assert(kMigrations.size() == kSchemaVersion);

constexpr char kVersionSql[] =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

// The version, or 0 when schema_migrations does not exist yet.
absl::StatusOr<int64_t> ReadVersion(PgConnection& connection) {
  ASSIGN_OR_RETURN(
      PgRows exists,
      connection.Exec("SELECT to_regclass('schema_migrations') IS NOT NULL"));
  if (exists.Text(0, 0) != "t") return 0;
  ASSIGN_OR_RETURN(PgRows rows, connection.Exec(kVersionSql));
  return rows.Int(0, 0);
}

}  // namespace

std::span<const std::string_view> PgSchemaMigrations() { return kMigrations; }

absl::Status MigratePostgres(PgConnection& connection, bool migrate) {
  ASSIGN_OR_RETURN(int64_t version, ReadVersion(connection));
  if (version == kSchemaVersion) return absl::OkStatus();
  if (version < kSchemaVersion && migrate) {
    RETURN_IF_ERROR(connection.Command("BEGIN"));
    absl::Status status = [&]() -> absl::Status {
      const PgParam lock[] = {PgParam::Int(kPgMigrationLock)};
      RETURN_IF_ERROR(
          connection.Exec("SELECT pg_advisory_xact_lock($1)", lock).status());
      RETURN_IF_ERROR(connection.Command(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version BIGINT PRIMARY KEY,"
          " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"));
      // Another process may have migrated while we waited for the lock.
      ASSIGN_OR_RETURN(version, ReadVersion(connection));
      const auto migrations = PgSchemaMigrations();
      for (int64_t v = version; v < kSchemaVersion; ++v) {
        RETURN_IF_ERROR(connection.Command(std::string(migrations[v])));
        if (v + 1 == 2) {
          // v2 added the report facts: fill them from what v1 stored.
          RETURN_IF_ERROR(RebuildPgReportFacts(connection));
        }
        const PgParam next[] = {PgParam::Int(v + 1)};
        RETURN_IF_ERROR(
            connection
                .Exec("INSERT INTO schema_migrations (version) VALUES ($1)",
                      next)
                .status());
      }
      return connection.Command("COMMIT");
    }();
    if (!status.ok()) {
      connection.RollbackQuietly();
      return status;
    }
    return absl::OkStatus();
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "PostgreSQL store has schema version ", version,
        ", newer than the version ", kSchemaVersion,
        " this build knows: it was written by a newer evtrade; upgrade this "
        "binary"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "PostgreSQL store has schema version ", version, ", older than ",
      kSchemaVersion,
      ", and this connection does not migrate; the ingest service creates "
      "and migrates the schema when it starts"));
}

}  // namespace evtrade::store
