// The DuckDB baseline (the analyst's pick): the records the benchmark
// ingested, loaded into an in-memory DuckDB database, and each market
// report's figures computed with ONE SQL statement (a prepared statement,
// run once per report). Its figures are checked equal to the service's
// reports of the same (reporter, month), which evtrade_bench wrote with
// --reports_out, and its latency is appended to the results as
// "duckdb_report" (and "duckdb_check", "duckdb_load").
//
//   node bench/duckdb/report.mjs --csv=records.csv --reports=ours.jsonl \
//     --results=results.jsonl --store=sqlite --size=100k --store_records=N \
//     [--repeat=3]
//
// records.csv: reporter,partner,flow,hs_code,period,manufacturer,value_usd,
// quantity (the store's current records; flow as the contract's number,
// period as YYYYMM). Dependencies: bench/duckdb/package.json (npm ci).
import { readFileSync, appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = /^--([^=]+)=(.*)$/.exec(a);
  if (!m) throw new Error(`report.mjs: bad argument ${a}`);
  return [m[1], m[2]];
}));
for (const need of ['csv', 'reports', 'results', 'store', 'size', 'store_records']) {
  if (!(need in args)) throw new Error(`report.mjs: --${need} is required`);
}
const repeat = Number(args.repeat ?? 3);

// HS 8703 codes by powertrain (docs/methodology.md): ALL = every one of
// them, the electric segment = BEV + PHEV.
const ALL = ['870310', '870321', '870322', '870323', '870324', '870331',
  '870332', '870333', '870340', '870350', '870360', '870370', '870380',
  '870390'];
const ELECTRIC = ['870380', '870360', '870370'];
const list = (codes) => codes.map((c) => `'${c}'`).join(',');
const EXPORT = 1;  // evtrade.v1.FLOW_EXPORT

// One statement for one report: $1 reporter, $2 the month (YYYYMM), $3 its
// January. Totals per (month, hs_code) follow the World-row rule: the W00
// row where there is one, else the partner sum.
const REPORT_SQL = `
WITH cell AS (
  SELECT period, hs_code,
         CASE WHEN bool_or(partner = 'W00')
              THEN sum(value_usd) FILTER (WHERE partner = 'W00')
              ELSE sum(value_usd) FILTER (WHERE partner <> 'W00') END AS v,
         CASE WHEN bool_or(partner = 'W00')
              THEN sum(quantity) FILTER (WHERE partner = 'W00')
              ELSE sum(quantity) FILTER (WHERE partner <> 'W00') END AS q
  FROM records
  WHERE reporter = $1 AND flow = ${EXPORT} AND manufacturer = ''
    AND period <= $2 AND hs_code IN (${list(ALL)})
  GROUP BY period, hs_code),
monthly AS (
  SELECT period, (period // 100) * 12 + period % 100 AS idx,
         sum(v) AS all_v, sum(q) AS all_q,
         coalesce(sum(v) FILTER (WHERE hs_code IN (${list(ELECTRIC)})), 0) AS seg_v,
         coalesce(sum(q) FILTER (WHERE hs_code IN (${list(ELECTRIC)})), 0) AS seg_q
  FROM cell GROUP BY period),
this AS (SELECT * FROM monthly WHERE period = $2),
earlier AS (
  SELECT max(seg_v) AS best_seg, max(all_v) AS best_all
  FROM monthly WHERE period < $2),
ytd AS (
  SELECT sum(seg_v) AS ytd_seg, sum(all_v) AS ytd_all
  FROM monthly WHERE period BETWEEN $3 AND $2),
majority AS (
  SELECT idx, row_number() OVER (ORDER BY idx DESC) AS rn
  FROM monthly WHERE all_v > 0 AND seg_v * 2 > all_v),
streak AS (
  SELECT count(*) AS months FROM majority
  WHERE idx = ($2 // 100) * 12 + $2 % 100 - rn + 1),
partners AS (
  SELECT string_agg(partner, ' ' ORDER BY v DESC, partner) AS names FROM (
    SELECT partner, sum(value_usd) AS v FROM records
    WHERE reporter = $1 AND flow = ${EXPORT} AND manufacturer = ''
      AND period = $2 AND partner <> 'W00' AND hs_code IN (${list(ELECTRIC)})
    GROUP BY partner ORDER BY v DESC, partner LIMIT 5)),
makers AS (
  SELECT string_agg(manufacturer, ' ' ORDER BY q DESC, manufacturer) AS names
  FROM (
    SELECT manufacturer, sum(quantity) AS q FROM records
    WHERE reporter = $1 AND flow = ${EXPORT} AND manufacturer <> ''
      AND period = $2 AND hs_code IN (${list(ELECTRIC)})
    GROUP BY manufacturer ORDER BY q DESC, manufacturer LIMIT 5)),
exporters AS (
  SELECT reporter, sum(v) AS total FROM (
    SELECT reporter,
           CASE WHEN bool_or(partner = 'W00')
                THEN sum(value_usd) FILTER (WHERE partner = 'W00')
                ELSE sum(value_usd) FILTER (WHERE partner <> 'W00') END AS v
    FROM records
    WHERE flow = ${EXPORT} AND manufacturer = '' AND period BETWEEN $3 AND $2
      AND hs_code IN (${list(ALL)})
    GROUP BY reporter, period, hs_code)
  GROUP BY reporter),
rank AS (
  SELECT count(*) + 1 AS r FROM exporters o, exporters me
  WHERE me.reporter = $1
    AND (o.total > me.total OR (o.total = me.total AND o.reporter < me.reporter)))
SELECT coalesce(this.seg_v, 0) AS segment_value,
       coalesce(this.seg_q, 0) AS segment_quantity,
       coalesce(this.all_v, 0) AS all_value,
       coalesce(this.all_q, 0) AS all_quantity,
       coalesce(this.seg_v > earlier.best_seg, false) AS segment_record_high,
       coalesce(this.all_v > earlier.best_all, false) AS all_record_high,
       streak.months AS segment_majority_streak,
       coalesce(ytd.ytd_seg, 0) AS ytd_segment_value,
       coalesce(ytd.ytd_all, 0) AS ytd_all_value,
       coalesce(partners.names, '') AS top_partners,
       coalesce(makers.names, '') AS top_manufacturers,
       (SELECT r FROM rank) AS exporter_rank
FROM earlier, ytd, streak, partners, makers
LEFT JOIN this ON true`;

// The service report's figures in the same shape (protobuf JSON: int64 as
// strings, default values left out).
function ours(report) {
  const n = (x) => Number(x ?? 0);
  return {
    segment_value: n(report.segment?.value_usd),
    segment_quantity: n(report.segment?.quantity),
    all_value: n(report.all_vehicles?.value_usd),
    all_quantity: n(report.all_vehicles?.quantity),
    segment_record_high: Boolean(report.segment?.record_high),
    all_record_high: Boolean(report.all_vehicles?.record_high),
    segment_majority_streak: n(report.segment_majority_streak_months),
    ytd_segment_value: n(report.ytd_segment?.value_usd),
    ytd_all_value: n(report.ytd_all?.value_usd),
    top_partners: (report.top_partners ?? []).map((p) => p.partner).join(' '),
    top_manufacturers: (report.top_manufacturers ?? [])
      .map((m) => m.manufacturer).join(' '),
    exporter_rank: n(report.exporter_rank?.rank),
  };
}

function normalize(row) {
  const out = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = typeof v === 'bigint' ? Number(v) : v;
  }
  return out;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

const common = {
  store: args.store, size: args.size, store_records: Number(args.store_records),
};
const emit = (row) => appendFileSync(args.results,
  `${JSON.stringify({ ...row, ...common })}\n`);

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const loadBegin = performance.now();
await db.run(`
CREATE TABLE records AS
SELECT reporter, partner, flow, hs_code, period,
       coalesce(manufacturer, '') AS manufacturer, value_usd, quantity
FROM read_csv('${args.csv.replaceAll("'", "''")}', header = true,
  columns = {'reporter': 'VARCHAR', 'partner': 'VARCHAR', 'flow': 'INTEGER',
             'hs_code': 'VARCHAR', 'period': 'INTEGER',
             'manufacturer': 'VARCHAR', 'value_usd': 'BIGINT',
             'quantity': 'BIGINT'})`);
const loaded = normalize(
  (await db.runAndReadAll('SELECT count(*) AS n FROM records'))
    .getRowObjects()[0]).n;
emit({ name: 'duckdb_load', records: loaded,
  seconds: (performance.now() - loadBegin) / 1000 });

const statement = await db.prepare(REPORT_SQL);
const reports = readFileSync(args.reports, 'utf8').split('\n')
  .filter((l) => l.trim()).map((l) => JSON.parse(l));
const latencies = [];
let compared = 0;
let mismatched = 0;
let firstDifference = '';
const began = performance.now();
for (const r of reports) {
  let figures;
  for (let i = 0; i < repeat; i++) {
    statement.bindVarchar(1, r.reporter);
    statement.bindInteger(2, r.month);
    statement.bindInteger(3, r.year_start);
    const t0 = performance.now();
    const reader = await statement.runAndReadAll();
    latencies.push(performance.now() - t0);
    figures = normalize(reader.getRowObjects()[0]);
  }
  const service = ours(r.report);
  compared++;
  const differences = Object.keys(service)
    .filter((k) => service[k] !== figures[k])
    .map((k) => `${k}: service ${service[k]}, duckdb ${figures[k]}`);
  if (differences.length > 0 && mismatched++ === 0) {
    firstDifference = `${r.reporter} ${r.month}: ${differences.join('; ')}`;
  }
}
const elapsed = (performance.now() - began) / 1000;
latencies.sort((a, b) => a - b);
emit({
  name: 'duckdb_report', calls: latencies.length, errors: 0,
  p50_ms: percentile(latencies, 50), p90_ms: percentile(latencies, 90),
  p99_ms: percentile(latencies, 99), max_ms: latencies[latencies.length - 1],
  per_second: latencies.length / elapsed,
});
emit({ name: 'duckdb_check', compared, mismatched,
  first_difference: firstDifference });
console.error(`report.mjs: ${loaded} records, ${compared} reports, ` +
  `${mismatched} differ, p50 ${percentile(latencies, 50).toFixed(2)} ms`);
