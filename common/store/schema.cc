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

constexpr std::array<std::string_view, 1> kMigrations = {kV1};
static_assert(kMigrations.size() == kSchemaVersion);

}  // namespace

std::span<const std::string_view> SchemaMigrations() { return kMigrations; }

}  // namespace evtrade::store
