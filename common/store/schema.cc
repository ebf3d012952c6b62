#include "common/store/schema.h"

#include <array>

namespace evtrade::store {
namespace {

// Periods are stored as YYYYMM integers (202211). Flows as the v1::Flow
// number. Powertrain classes as evtrade::PowertrainClass numbers.
constexpr std::string_view kV1 = R"sql(
-- Single-row facts about the store, kept by the writer in each batch's
-- transaction: 'data_version' (grows with every committed batch),
-- 'last_ingest_ms' (commit time, Unix ms), 'record_count' (rows of records).
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value)
  VALUES ('data_version', 0), ('last_ingest_ms', 0), ('record_count', 0);

-- One row per committed ingest stream. `response` is the serialized
-- evtrade.v1.IngestResponse, returned again on a replayed request_id.
CREATE TABLE batches (
  batch_id       INTEGER PRIMARY KEY,
  request_id     TEXT UNIQUE,          -- NULL when the stream had none
  source         TEXT NOT NULL,
  writer         TEXT NOT NULL,
  ingest_time_ms INTEGER NOT NULL,
  received       INTEGER NOT NULL,
  inserted       INTEGER NOT NULL,
  updated        INTEGER NOT NULL,
  unchanged      INTEGER NOT NULL,
  rejected       INTEGER NOT NULL,
  data_version   INTEGER NOT NULL,
  response       BLOB NOT NULL
);

-- Current figures, one row per record key. record_id only grows, so it is
-- the keyset for stable pagination.
CREATE TABLE records (
  record_id     INTEGER PRIMARY KEY,
  reporter      TEXT NOT NULL,
  partner       TEXT NOT NULL,
  flow          INTEGER NOT NULL,
  hs_code       TEXT NOT NULL,
  period        INTEGER NOT NULL,
  manufacturer  TEXT NOT NULL,          -- '' = official figures
  value_usd     INTEGER NOT NULL,
  quantity      INTEGER NOT NULL,
  net_weight_kg INTEGER NOT NULL,
  source        TEXT NOT NULL,
  batch_id      INTEGER NOT NULL,       -- batch that wrote the current figures
  UNIQUE (reporter, partner, flow, hs_code, period, manufacturer)
);

-- Superseded figures: what a record held before batch `replaced_by_batch`
-- revised it, and the batch that had written them.
CREATE TABLE record_revisions (
  revision_id       INTEGER PRIMARY KEY,
  record_id         INTEGER NOT NULL,
  batch_id          INTEGER NOT NULL,
  replaced_by_batch INTEGER NOT NULL,
  value_usd         INTEGER NOT NULL,
  quantity          INTEGER NOT NULL,
  net_weight_kg     INTEGER NOT NULL,
  source            TEXT NOT NULL
);
CREATE INDEX record_revisions_by_record ON record_revisions (record_id);

-- Rollup: one row per (reporter, flow, manufacturer, period, hs_code), so
-- totals read months, not records. World (W00) rows go to world_*, every
-- other partner (countries and special areas) to partner_*. The total of a
-- row is world_* when has_world, else partner_*.
CREATE TABLE hs_month (
  reporter         TEXT NOT NULL,
  flow             INTEGER NOT NULL,
  manufacturer     TEXT NOT NULL,
  period           INTEGER NOT NULL,
  hs_code          TEXT NOT NULL,
  powertrain       INTEGER NOT NULL,
  has_world        INTEGER NOT NULL DEFAULT 0,
  world_value      INTEGER NOT NULL DEFAULT 0,
  world_quantity   INTEGER NOT NULL DEFAULT 0,
  partner_rows     INTEGER NOT NULL DEFAULT 0,
  partner_value    INTEGER NOT NULL DEFAULT 0,
  partner_quantity INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (reporter, flow, manufacturer, period, hs_code)
) WITHOUT ROWID;
-- For rankings across reporters over a range of months.
CREATE INDEX hs_month_by_period ON hs_month (flow, manufacturer, period);

-- Rollup of official (manufacturer = '') rows with a partner other than
-- W00, by powertrain class: partner breakdowns and partner series.
CREATE TABLE partner_month (
  reporter   TEXT NOT NULL,
  flow       INTEGER NOT NULL,
  powertrain INTEGER NOT NULL,
  period     INTEGER NOT NULL,
  partner    TEXT NOT NULL,
  rows       INTEGER NOT NULL DEFAULT 0,
  value_usd  INTEGER NOT NULL DEFAULT 0,
  quantity   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (reporter, flow, powertrain, period, partner)
) WITHOUT ROWID;
-- For exporter rankings to one partner.
CREATE INDEX partner_month_by_partner ON partner_month (partner, flow, period);
)sql";

// Report facts (report_facts.h), kept by the writer in each batch's
// transaction. A store migrated from v1 gets them filled by the migration
// (RebuildReportFacts, sqlite_facts_tables.h).
constexpr std::string_view kV2 = R"sql(
-- Per (reporter, flow, segment = v1.Powertrain number, month with data).
-- ye_*: the same month a year earlier (NULL: no data then); record_*: the
-- highest earlier month, earliest on ties (NULL: none earlier); all_value:
-- all vehicles' value this month; streak: months in a row, ending here,
-- with a share of all vehicles above 50% by value.
CREATE TABLE series_facts (
  reporter      TEXT NOT NULL,
  flow          INTEGER NOT NULL,
  segment       INTEGER NOT NULL,
  period        INTEGER NOT NULL,
  value_usd     INTEGER NOT NULL,
  quantity      INTEGER NOT NULL,
  ytd_value     INTEGER NOT NULL,
  ytd_quantity  INTEGER NOT NULL,
  ye_value      INTEGER,
  ye_quantity   INTEGER,
  record_period INTEGER,
  record_value  INTEGER,
  all_value     INTEGER NOT NULL,
  streak        INTEGER NOT NULL,
  PRIMARY KEY (reporter, flow, segment, period)
) WITHOUT ROWID;

-- Official figures per partner (never W00), per segment and month.
CREATE TABLE partner_facts (
  reporter  TEXT NOT NULL,
  flow      INTEGER NOT NULL,
  segment   INTEGER NOT NULL,
  period    INTEGER NOT NULL,
  partner   TEXT NOT NULL,
  value_usd INTEGER NOT NULL,
  quantity  INTEGER NOT NULL,
  PRIMARY KEY (reporter, flow, segment, period, partner)
) WITHOUT ROWID;
-- The top partners of a month in rank order.
CREATE INDEX partner_facts_top
  ON partner_facts (reporter, flow, segment, period, value_usd DESC, partner);

-- Manufacturer breakdown figures (totals rule), per segment and month.
CREATE TABLE maker_facts (
  reporter     TEXT NOT NULL,
  flow         INTEGER NOT NULL,
  segment      INTEGER NOT NULL,
  period       INTEGER NOT NULL,
  manufacturer TEXT NOT NULL,
  value_usd    INTEGER NOT NULL,
  quantity     INTEGER NOT NULL,
  PRIMARY KEY (reporter, flow, segment, period, manufacturer)
) WITHOUT ROWID;
CREATE INDEX maker_facts_top
  ON maker_facts (reporter, flow, segment, period, quantity DESC,
                  manufacturer);

-- Exports of all vehicles year to date, per month and reporter (every month
-- from its first with data through December), ranked among all reporters
-- by value descending, code ascending.
CREATE TABLE exporter_standing (
  reporter     TEXT NOT NULL,
  period       INTEGER NOT NULL,
  ytd_value    INTEGER NOT NULL,
  ytd_quantity INTEGER NOT NULL,
  rank         INTEGER NOT NULL,
  PRIMARY KEY (reporter, period)
) WITHOUT ROWID;
CREATE INDEX exporter_standing_by_rank ON exporter_standing (period, rank);
)sql";

constexpr std::array<std::string_view, 2> kMigrations = {kV1, kV2};
static_assert(kMigrations.size() == kSchemaVersion);

}  // namespace

std::span<const std::string_view> SchemaMigrations() { return kMigrations; }

}  // namespace evtrade::store
