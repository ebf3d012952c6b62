#!/usr/bin/env node
// evtrade Node.js client example: ingest a native CSV, print a market report.
//
// Streams the records of a native CSV (header: the TradeRecord field names,
// period as YYYY-MM) to IngestService.Ingest with the bearer token read from
// a file, then asks GatewayService.GetMarketReport for one reporter's month
// and prints its headline and figures, in the same format as
// clients/python/example.py.
//
//   node clients/node/example.js --ingest_addr=127.0.0.1:50051 \
//       --gateway_addr=127.0.0.1:50050 --token_file=var/ingest.token
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {parseArgs} = require('node:util');
const {grpc, load, describeError} = require('./protos');

const REPO = path.resolve(__dirname, '..', '..');

// The contract allows at most 10,000 records per IngestRequest message.
const RECORDS_PER_MESSAGE = 10000;

// Comtrade flow codes and plain names, as the native CSV may spell them.
const FLOWS = {
  'X': 'FLOW_EXPORT',
  'EXPORT': 'FLOW_EXPORT',
  'M': 'FLOW_IMPORT',
  'IMPORT': 'FLOW_IMPORT',
  'RX': 'FLOW_RE_EXPORT',
  'RE-EXPORT': 'FLOW_RE_EXPORT',
  'RM': 'FLOW_RE_IMPORT',
  'RE-IMPORT': 'FLOW_RE_IMPORT',
};

// Splits CSV text into rows of fields (RFC 4180: quoted fields may hold
// commas, quotes doubled, and line breaks).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        ++i;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') ++i;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

// '2022-11' -> {year: 2022, month: 11}.
function parsePeriod(text) {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`period '${text}' is not YYYY-MM`);
  return {year: Number(match[1]), month: Number(match[2])};
}

// A number rounded to whole units (half away from zero), as a decimal
// string: int64 travels as a string so that no dollar is lost.
function parseWhole(text, field) {
  const trimmed = (text || '').trim();
  if (trimmed === '') return '0';
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(trimmed);
  if (!match || (match[2] === '' && !match[3])) {
    throw new Error(`${field} '${text}' is not a number`);
  }
  let whole = BigInt(match[2] || '0');
  if (match[3] && match[3][0] >= '5') whole += 1n;
  return (match[1] === '-' && whole !== 0n ? '-' : '') + whole.toString();
}

// Reads a native CSV into TradeRecord objects. Throws an Error naming the
// line of the first malformed field; domain checks are the server's.
function readRecords(file) {
  const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8'));
  for (const required
           of ['reporter', 'partner', 'flow', 'hs_code', 'period',
               'value_usd']) {
    if (!header.includes(required)) {
      throw new Error(`${file}: header has no '${required}' column`);
    }
  }
  return rows.map((fields, i) => {
    const row =
        Object.fromEntries(header.map((name, j) => [name, fields[j] || '']));
    try {
      const flow = FLOWS[row.flow.trim().toUpperCase()];
      if (!flow) throw new Error(`flow '${row.flow}' is unknown`);
      return {
        reporter: row.reporter,
        partner: row.partner,
        flow,
        hs_code: row.hs_code,
        period: parsePeriod(row.period),
        value_usd: parseWhole(row.value_usd, 'value_usd'),
        quantity: parseWhole(row.quantity, 'quantity'),
        net_weight_kg: parseWhole(row.net_weight_kg, 'net_weight_kg'),
        manufacturer: row.manufacturer || '',
        source: row.source || '',
      };
    } catch (error) {
      throw new Error(`${file}:${i + 2}: ${error.message}`);
    }
  });
}

function deadline(seconds) {
  return new Date(Date.now() + seconds * 1000);
}

// Streams `records` in one batch; resolves to the IngestResponse.
function ingest(client, token, records, source, requestId = '', timeoutS = 30) {
  return new Promise((resolve, reject) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const call = client.Ingest(
        metadata, {deadline: deadline(timeoutS)},
        (error, response) => (error ? reject(error) : resolve(response)));
    for (let start = 0; start === 0 || start < records.length;
         start += RECORDS_PER_MESSAGE) {
      const message = {
        records: records.slice(start, start + RECORDS_PER_MESSAGE),
      };
      if (start === 0) {
        message.source = source;
        message.request_id = requestId;
      }
      call.write(message);
    }
    call.end();
  });
}

// The ELECTRIC export MarketReport of `reporter` in `period`.
function getReport(client, reporter, period, timeoutS = 10) {
  return new Promise((resolve, reject) => {
    client.GetMarketReport(
        {reporter, period}, {deadline: deadline(timeoutS)},
        (error, report) => (error ? reject(error) : resolve(report)));
  });
}

// '3216400000' -> '$3,216,400,000'.
function usd(value) {
  return '$' + count(value);
}

function count(value) {
  const text = String(value);
  const sign = text.startsWith('-') ? '-' : '';
  return sign + text.slice(sign.length).replace(/\B(?=(\d{3})+$)/g, ',');
}

// An optional percentage, or 'n/a' when absent (undefined).
function pct(value, signed = false) {
  if (value === undefined || value === null) return 'n/a';
  return `${signed && value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
}

function month(period) {
  period = period || {year: 0, month: 0};
  return `${String(period.year).padStart(4, '0')}-` +
      `${String(period.month).padStart(2, '0')}`;
}

function formatIngest(file, response) {
  const lines = [
    `Ingested ${path.basename(file)}: received ${response.received}, ` +
        `inserted ${response.inserted}, updated ${response.updated}, ` +
        `unchanged ${response.unchanged}, rejected ${response.rejected}` +
        (response.replayed ? ' (replayed)' : ''),
  ];
  for (const e of response.errors) {
    lines.push(`  record ${e.index}: ${e.field}: ${e.reason}`);
  }
  return lines;
}

// Submessages a report left out (a part that failed, see `warnings`) are
// null here; print them as zeros, as protobuf's other runtimes read them.
const EMPTY_SUMMARY = {
  value_usd: '0',
  quantity: '0',
  record_high: false
};
const EMPTY_YTD = {
  value_usd: '0',
  quantity: '0'
};
const EMPTY_RANK = {
  rank: 0,
  reporters_ranked: 0,
  value_usd: '0',
  behind: '',
  ahead_of: ''
};

function formatSummary(label, summary) {
  summary = summary || EMPTY_SUMMARY;
  let line = `${label}: ${usd(summary.value_usd)}, ` +
      `${count(summary.quantity)} vehicles, ` +
      `${pct(summary.value_yoy_pct, true)} year on year`;
  if (summary.record_high) {
    const previous = summary.previous_record || {value_usd: '0'};
    line += `, record high (previous ${month(previous.period)} ` +
        `${usd(previous.value_usd)})`;
  }
  return line;
}

// The report as lines of text, as clients/python/example.py prints it.
function formatReport(report) {
  const rank = report.exporter_rank || EMPTY_RANK;
  const ytdSegment = report.ytd_segment || EMPTY_YTD;
  const ytdAll = report.ytd_all || EMPTY_YTD;
  const lines = [
    `Market report ${report.reporter} ${month(report.period)}, ` +
        `${report.powertrain.replace(/^POWERTRAIN_/, '')} exports`,
    `Headline: ${report.headline}`,
    formatSummary('Segment', report.segment),
    formatSummary('All vehicles', report.all_vehicles),
    `Segment share of all vehicles: ` +
        `${pct(report.segment_share_of_all_pct)}, majority for ` +
        `${report.segment_majority_streak_months} months`,
    `Top partners: ${pct(report.top_partners_share_pct)} of the segment`,
  ];
  for (const p of report.top_partners) {
    lines.push(
        `  ${p.rank}. ${p.partner} ${usd(p.value_usd)} ` +
        `(${pct(p.value_share_pct)})`);
  }
  lines.push(
      `Year to date: segment ${usd(ytdSegment.value_usd)} ` +
          `(${count(ytdSegment.quantity)} vehicles), all vehicles ` +
          `${usd(ytdAll.value_usd)} (${count(ytdAll.quantity)} vehicles)`,
      'Top manufacturers:');
  for (const m of report.top_manufacturers) {
    lines.push(
        `  ${m.rank}. ${m.manufacturer} ${count(m.quantity)} ` +
        `vehicles ${usd(m.value_usd)} (${pct(m.quantity_share_pct)})`);
  }
  lines.push(
      `Exporter rank, all vehicles year to date: ${rank.rank} of ` +
          `${rank.reporters_ranked} (${usd(rank.value_usd)}), behind ` +
          `${rank.behind || '-'}, ahead of ${rank.ahead_of || '-'}`,
      `Warnings: ${report.warnings.join('; ') || 'none'}`);
  return lines;
}

function readToken(file) {
  const token = fs.readFileSync(file, 'utf8').trim();
  if (!token) throw new Error(`token file ${file} is empty`);
  return token;
}

async function main() {
  const {values: args} = parseArgs({
    options: {
      ingest_addr: {type: 'string', default: '127.0.0.1:50051'},
      gateway_addr: {type: 'string', default: '127.0.0.1:50050'},
      token_file: {type: 'string', default: 'var/ingest.token'},
      csv: {
        type: 'string',
        default: path.join(REPO, 'clients/testdata/small.csv')
      },
      source: {type: 'string', default: 'node-example'},
      request_id: {type: 'string', default: ''},
      reporter: {type: 'string', default: 'CHN'},
      period: {type: 'string', default: '2022-11'},
    },
  });
  let token;
  let records;
  let period;
  try {
    token = readToken(args.token_file);
    records = readRecords(args.csv);
    period = parsePeriod(args.period);
  } catch (error) {
    console.error(`example.js: ${error.message}`);
    process.exitCode = 2;
    return;
  }

  const {evtrade} = load();
  const credentials = grpc.credentials.createInsecure();
  // One client (channel) per backend, reused by every call.
  const ingestClient =
      new evtrade.v1.IngestService(args.ingest_addr, credentials);
  const gatewayClient =
      new evtrade.v1.GatewayService(args.gateway_addr, credentials);
  try {
    const response = await ingest(
        ingestClient, token, records, args.source, args.request_id);
    console.log(formatIngest(args.csv, response).join('\n'));
    const report =
        await getReport(gatewayClient, args.reporter.toUpperCase(), period);
    console.log(formatReport(report).join('\n'));
  } catch (error) {
    console.error(`example.js: ${describeError(error)}`);
    process.exitCode = 1;
  } finally {
    ingestClient.close();
    gatewayClient.close();
  }
}

module.exports = {
  readRecords,
  parseCsv,
  parseWhole,
  ingest,
  getReport,
  formatIngest,
  formatReport,
};

if (require.main === module) main();
