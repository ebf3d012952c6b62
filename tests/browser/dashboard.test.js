// The gateway's dashboard in a real browser (node --test): playwright-core
// (pinned in tests/browser/package-lock.json) drives Debian's chromium
// against the real services on loopback.
//
//   sample data  build/bin/{ingest_service,query_service,gateway} on free
//                ports, data/sample/*.csv loaded with `evtrade import
//                --source=sample:<name>` as scripts/run.sh does: the page
//                marks the sample, fills its choosers from the store, and
//                every chart's figures (Chart.js's own data and each CSV
//                download) equal the HTTP API's answers exactly; a
//                selection change is in the URL and redraws, back restores
//                the earlier selection; then the query service is stopped
//                and the page says so without any internal address.
//   empty store  the services on a store nothing was loaded into: a hint
//                to run evtrade import, no chart.
//
// A screenshot of each state goes to $EVTRADE_ARTIFACT_DIR (ctest sets
// build/test-artifacts/dashboard/). Environment: EVTRADE_BIN_DIR,
// EVTRADE_SOURCE_DIR, EVTRADE_TOOLS_DIR (where `npm ci` installs
// playwright-core; default build/tools/browser), EVTRADE_CHROMIUM (default
// /usr/bin/chromium). Nothing is skipped: a missing binary or browser fails.
'use strict';

const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {after, before, describe, test} = require('node:test');

const SOURCE_DIR =
    process.env.EVTRADE_SOURCE_DIR || path.resolve(__dirname, '..', '..');
const BIN_DIR =
    process.env.EVTRADE_BIN_DIR || path.join(SOURCE_DIR, 'build', 'bin');
const TOOLS_DIR = process.env.EVTRADE_TOOLS_DIR ||
    path.join(SOURCE_DIR, 'build', 'tools', 'browser');
const ARTIFACT_DIR = process.env.EVTRADE_ARTIFACT_DIR ||
    path.join(SOURCE_DIR, 'build', 'test-artifacts', 'dashboard');
const CHROMIUM = process.env.EVTRADE_CHROMIUM || '/usr/bin/chromium';
const SAMPLE_DIR = path.join(SOURCE_DIR, 'data', 'sample');
const WAIT_MS = 30000;

// playwright-core from the committed lock file, installed into the build
// tree; reinstalled only when the pin changed.
function requirePlaywright() {
  const lock = path.join(__dirname, 'package-lock.json');
  const installedLock = path.join(TOOLS_DIR, 'package-lock.json');
  const module = path.join(TOOLS_DIR, 'node_modules', 'playwright-core');
  const same = fs.existsSync(installedLock) &&
      fs.readFileSync(installedLock).equals(fs.readFileSync(lock));
  if (!same || !fs.existsSync(module)) {
    fs.mkdirSync(TOOLS_DIR, {recursive: true});
    fs.copyFileSync(path.join(__dirname, 'package.json'),
                    path.join(TOOLS_DIR, 'package.json'));
    fs.copyFileSync(lock, installedLock);
    childProcess.execFileSync(
        'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'],
        {cwd: TOOLS_DIR, stdio: 'inherit'});
  }
  return require(module);
}
const {chromium} = requirePlaywright();
const {environment, freePorts} =
    require(path.join(SOURCE_DIR, 'tests', 'support', 'services_env.js'));


function run(binary, args) {
  const result = childProcess.spawnSync(path.join(BIN_DIR, binary), args,
                                        {env: environment(), encoding: 'utf8',
                                         timeout: 120000});
  if (result.status !== 0) {
    throw new Error(`${binary} ${args.join(' ')} exited ` +
                    `${result.status ?? result.signal}:\n${result.stderr}`);
  }
  return result.stdout;
}

// ingest_service, query_service and gateway on one store in a temporary
// folder.
class Services {
  constructor(name) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `evtrade_${name}_`));
    this.children = new Map();
  }

  async start() {
    const [ingest, query, gateway, http, m1, m2] = await freePorts(6);
    this.ingestAddr = `127.0.0.1:${ingest}`;
    this.queryAddr = `127.0.0.1:${query}`;
    this.gatewayAddr = `127.0.0.1:${gateway}`;
    this.url = `http://127.0.0.1:${http}`;
    this.tokenFile = path.join(this.dir, 'ingest.token');
    fs.writeFileSync(this.tokenFile, 'browser-test-token\n');
    const db = path.join(this.dir, 'evtrade.db');
    // Ingest first: it creates the schema that query waits for.
    this.spawn('ingest_service', [`--listen=${this.ingestAddr}`, `--db=${db}`,
                                  `--token_file=${this.tokenFile}`,
                                  `--metrics_listen=127.0.0.1:${m1}`]);
    this.waitServing(this.ingestAddr);
    this.spawn('query_service', [`--listen=${this.queryAddr}`, `--db=${db}`,
                                 `--metrics_listen=127.0.0.1:${m2}`]);
    this.waitServing(this.queryAddr);
    this.spawn('gateway', [`--listen=${this.gatewayAddr}`,
                           `--query_addr=${this.queryAddr}`,
                           `--http_listen=127.0.0.1:${http}`]);
    this.waitServing(this.gatewayAddr);
  }

  spawn(name, flags) {
    const log = fs.openSync(path.join(this.dir, `${name}.log`), 'w');
    const child = childProcess.spawn(path.join(BIN_DIR, name), flags,
                                     {stdio: ['ignore', log, log],
                                      env: environment()});
    fs.closeSync(log);
    child.exited = new Promise((resolve) => child.on('exit', resolve));
    this.children.set(name, child);
  }

  waitServing(addr) {
    run('health_probe', [`--addr=${addr}`, `--wait_seconds=${WAIT_MS / 1000}`]);
  }

  // The bundled sample, as scripts/run.sh loads it.
  loadSample() {
    for (const file of fs.readdirSync(SAMPLE_DIR).filter((f) =>
                                                            f.endsWith('.csv'))
             .sort()) {
      run('evtrade', ['import', `--ingest_addr=${this.ingestAddr}`,
                      `--token_file=${this.tokenFile}`,
                      `--source=sample:${path.basename(file, '.csv')}`,
                      path.join(SAMPLE_DIR, file)]);
    }
  }

  async stop(name) {
    const child = this.children.get(name);
    if (!child) return;
    this.children.delete(name);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    await child.exited;
    clearTimeout(timer);
  }

  async stopAll() {
    await Promise.all([...this.children.keys()].map((n) => this.stop(n)));
    fs.rmSync(this.dir, {recursive: true, force: true});
  }

  kill() {
    for (const child of this.children.values()) child.kill('SIGKILL');
  }

  async get(route, params) {
    const query = new URLSearchParams(params || {}).toString();
    const response = await fetch(`${this.url}${route}?${query}`);
    assert.equal(response.status, 200, `${route}?${query}`);
    return response.json();
  }
}

// Opens the page and follows what it logs: any script error or failed
// request fails the test.
async function openPage(browser, url) {
  const context = await browser.newContext({
    viewport: {width: 1360, height: 900}, deviceScaleFactor: 1,
    acceptDownloads: true, locale: 'en-US', timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A failed load is reported with its address below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      page.problems.push(`console: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400) page.problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => page.problems.push(`failed ${r.url()}`));
  await page.goto(url);
  return page;
}

async function waitState(page, state, search) {
  await page.waitForFunction(
      ([want, query]) => document.body.dataset.state === want &&
          (!query || window.location.search === query),
      [state, search], {timeout: WAIT_MS});
}

async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACT_DIR, {recursive: true});
  await page.screenshot({path: path.join(ARTIFACT_DIR, `${name}.png`),
                         fullPage: true});
}

// Chart.js's own data of the chart drawn on `selector`'s canvas.
async function chartData(page, selector) {
  return page.$eval(selector, (canvas) => {
    const chart = Chart.getChart(canvas);
    return {labels: chart.data.labels,
            datasets: chart.data.datasets.map((d) => d.data)};
  });
}

async function downloadCsv(page, chart) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`#chart-${chart} button.csv`),
  ]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  const [header, ...rows] = text.trimEnd().split('\n').map((l) => l.split(','));
  return {name: download.suggestedFilename(), header, rows};
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug',
  'Sep', 'Oct', 'Nov', 'Dec'];
const key = (p) => `${p.year}-${String(p.month).padStart(2, '0')}`;
const words = (p) => `${MONTHS[p.month - 1]} ${p.year}`;
const int64 = (v) => (v === undefined ? '0' : v);
const optional = (v) => (v === undefined ? '' : String(v));

// The figures every chart of (reporter, period, segment, flow) must show,
// straight from the API: the series over the 36 months ending at period,
// partners of that month, ranking of that year to date.
async function expectedFigures(services, s) {
  const start = (() => {
    const i = s.period.year * 12 + s.period.month - 1 - 35;
    return {year: Math.floor(i / 12), month: (i % 12) + 1};
  })();
  const first = {year: 2021, month: 1};  // the sample's first month
  const from = start.year * 12 + start.month < first.year * 12 + first.month ?
      first : start;
  const range = {reporter: s.reporter, flow: s.flow, start: key(from),
                 end: key(s.period)};
  const get = (route, params) => services.get(route, params);
  const [segment, all, partners, ranking, ...mix] = await Promise.all([
    get('/v1/series', {...range, powertrain: s.segment}),
    get('/v1/series', {...range, powertrain: 'ALL'}),
    get('/v1/partners', {reporter: s.reporter, flow: s.flow,
                         powertrain: s.segment, start: key(s.period),
                         end: key(s.period), limit: 10}),
    get('/v1/ranking', {powertrain: s.segment,
                        start: key({year: s.period.year, month: 1}),
                        end: key(s.period), limit: 10}),
    ...['BEV', 'PHEV', 'HEV', 'ICE', 'OTHER'].map(
        (c) => get('/v1/series', {...range, powertrain: c})),
  ]);
  return {segment: segment.points, all: all.points,
          partners: partners.partners, ranks: ranking.ranks,
          mix: mix.map((m) => m.points)};
}

async function checkCharts(page, want) {
  const series = await chartData(page, '#chart-series .tall canvas');
  assert.deepEqual(series.labels, want.segment.map((p) => words(p.period)));
  assert.deepEqual(series.datasets, [
    want.segment.map((p) => Number(int64(p.value_usd))),
    want.all.map((p) => Number(int64(p.value_usd))),
  ]);
  const yoy = await chartData(page, '#yoy-canvas');
  assert.deepEqual(yoy.datasets, [
    want.segment.map((p) => p.value_yoy_pct ?? null),
    want.all.map((p) => p.value_yoy_pct ?? null),
  ]);
  const partners = await chartData(page, '#chart-partners canvas');
  assert.deepEqual(partners.labels,
                   want.partners.map((p) => `${p.partner_name} (${p.partner})`));
  assert.deepEqual(partners.datasets, [want.partners.map((p) =>
                                                           p.value_share_pct)]);
  const ranking = await chartData(page, '#chart-ranking canvas');
  assert.deepEqual(ranking.labels, want.ranks.map(
                                       (r) => `${r.rank}. ${r.reporter_name} (${r.reporter})`));
  assert.deepEqual(ranking.datasets, [want.ranks.map((r) => r.share_pct)]);
  const mix = await chartData(page, '#chart-mix canvas');
  assert.deepEqual(mix.datasets,
                   want.mix.map((points) => points.map(
                                    (p) => Number(int64(p.value_usd)))));

  // The CSV downloads carry the API's exact text (int64 as given).
  const seriesCsv = await downloadCsv(page, 'series');
  assert.deepEqual(seriesCsv.rows, want.segment.map((p, i) => [
    key(p.period), int64(p.value_usd), optional(p.value_yoy_pct),
    String(Boolean(p.record_high)), int64(want.all[i].value_usd),
    optional(want.all[i].value_yoy_pct), String(Boolean(want.all[i].record_high)),
  ]));
  const partnersCsv = await downloadCsv(page, 'partners');
  assert.deepEqual(partnersCsv.header,
                   ['rank', 'partner', 'partner_name', 'value_usd', 'quantity',
                    'value_share_pct', 'cumulative_share_pct', 'value_yoy_pct']);
  // partner_name may hold a comma ("Other Asia, nes"): compare the rest.
  assert.deepEqual(partnersCsv.rows.map((r) => [r[0], r[1], ...r.slice(-5)]),
                   want.partners.map((p) => [
                     String(p.rank), p.partner, int64(p.value_usd),
                     int64(p.quantity), optional(p.value_share_pct),
                     optional(p.cumulative_share_pct),
                     optional(p.value_yoy_pct)]));
  const rankingCsv = await downloadCsv(page, 'ranking');
  assert.deepEqual(rankingCsv.rows, want.ranks.map((r) => [
    String(r.rank), r.reporter, r.reporter_name, int64(r.value_usd),
    int64(r.quantity), optional(r.share_pct)]));
  const mixCsv = await downloadCsv(page, 'mix');
  assert.deepEqual(mixCsv.header, ['month', 'BEV_value_usd', 'PHEV_value_usd',
                                   'HEV_value_usd', 'ICE_value_usd',
                                   'OTHER_value_usd']);
  assert.deepEqual(mixCsv.rows, want.segment.map((p, i) => [
    key(p.period), ...want.mix.map((points) => int64(points[i].value_usd))]));
  return seriesCsv;
}

describe('dashboard in chromium', () => {
  let browser;
  before(async () => {
    browser = await chromium.launch({executablePath: CHROMIUM});
  });
  after(async () => {
    if (browser) await browser.close();
  });

  describe('with the sample data', () => {
    const services = new Services('dashboard_sample');
    process.on('exit', () => services.kill());
    before(async () => {
      await services.start();
      services.loadSample();
    });
    after(() => services.stopAll());

    test('shows the sample, its charts equal the API, the URL holds the ' +
             'selection, and a stopped query service is told in words',
         async () => {
           const page = await openPage(browser, `${services.url}/`);
           const first = '?reporter=CHN&period=2022-12&segment=ELECTRIC&flow=EXPORT';
           await waitState(page, 'ready', first);

           // Choosers from the store: reporters with names, its months.
           assert.deepEqual(
               await page.$$eval('#reporter option',
                                 (o) => o.map((x) => [x.value, x.textContent])),
               [['CHN', 'China (CHN)'], ['DEU', 'Germany (DEU)'],
                ['JPN', 'Japan (JPN)']]);
           const months = await page.$$eval('#period option',
                                             (o) => o.map((x) => x.value));
           assert.equal(months.length, 24);
           assert.equal(months[0], '2022-12');
           assert.equal(months[23], '2021-01');
           // The data line and the sample mark.
           const store = await services.get('/v1/store');
           assert.equal(await page.textContent('#coverage'),
                        'Jan 2021 to Dec 2022');
           assert.equal(await page.textContent('#data-version'),
                        store.data_version);
           assert.ok(await page.isVisible('#sample-mark'));
           assert.match(await page.textContent('#sample-mark'), /sample/i);
           assert.match(await page.textContent('#last-ingest'),
                        /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

           const dec = {reporter: 'CHN', period: {year: 2022, month: 12},
                        segment: 'ELECTRIC', flow: 'EXPORT'};
           await checkCharts(page, await expectedFigures(services, dec));
           await screenshot(page, 'sample');

           // November 2022 from the URL, the headline month.
           const nov = '?reporter=CHN&period=2022-11&segment=ELECTRIC&flow=EXPORT';
           await page.goto(`${services.url}/${nov}`);
           await waitState(page, 'ready', nov);
           const novFigures = await expectedFigures(
               services, {...dec, period: {year: 2022, month: 11}});
           const csv = await checkCharts(page, novFigures);
           assert.equal(csv.name,
                        'evtrade_series_CHN_2022-11_ELECTRIC_EXPORT.csv');
           // The record months are in the chart (Nov 2022 is one).
           assert.equal(csv.rows.at(-1)[3], 'true');
           assert.equal(await page.textContent('#kpi-partner'), 'Belgium');
           await screenshot(page, 'sample_2022-11');

           // A new selection: in the URL, and every chart redrawn.
           await page.selectOption('#reporter', 'JPN');
           const jpn = '?reporter=JPN&period=2022-11&segment=ELECTRIC&flow=EXPORT';
           await waitState(page, 'ready', jpn);
           await checkCharts(page, await expectedFigures(
                                       services, {...dec, reporter: 'JPN',
                                                  period: {year: 2022,
                                                           month: 11}}));
           await page.selectOption('#segment', 'BEV');
           const jpnBev = '?reporter=JPN&period=2022-11&segment=BEV&flow=EXPORT';
           await waitState(page, 'ready', jpnBev);
           await screenshot(page, 'selection_jpn_bev');

           // A flow the sample does not hold: said so, choosers kept.
           await page.selectOption('#flow', 'IMPORT');
           await waitState(page, 'nodata',
                           '?reporter=JPN&period=2022-11&segment=BEV&flow=IMPORT');
           assert.equal(await page.textContent('#message-title'),
                        'No data for this choice');
           assert.match(await page.textContent('#message-text'),
                        /no vehicle imports of Japan from Jan 2021 to Nov 2022/);
           assert.ok(await page.isVisible('#choosers'));
           assert.ok(await page.isHidden('#content'));
           await screenshot(page, 'no_data');
           // Only the headline's report was missing (the page goes on
           // without it); nothing else failed.
           assert.deepEqual(page.problems, [
             `404 ${services.url}/v1/reports/JPN/2022-11?powertrain=BEV&flow=IMPORT`,
           ]);
           page.problems.length = 0;

           // Back three times: JPN BEV exports, JPN electric, then CHN
           // again, choosers included.
           await page.goBack();
           await waitState(page, 'ready', jpnBev);
           await page.goBack();
           await waitState(page, 'ready', jpn);
           assert.equal(await page.inputValue('#segment'), 'ELECTRIC');
           await page.goBack();
           await waitState(page, 'ready', nov);
           assert.equal(await page.inputValue('#reporter'), 'CHN');
           await checkCharts(page, novFigures);
           assert.deepEqual(page.problems, []);

           // The query service goes away: words, no address, no chart.
           await services.stop('query_service');
           await page.reload();
           await waitState(page, 'error');
           const text = await page.textContent('body');
           assert.match(await page.textContent('#message-title'),
                        /data service is not answering/);
           assert.ok(!text.includes('127.0.0.1'), text);
           assert.ok(!text.includes(services.queryAddr.split(':')[1]), text);
           assert.ok(await page.isHidden('#content'));
           assert.ok(await page.isVisible('#retry'));
           await screenshot(page, 'query_down');
           await page.context().close();
         });
  });

  describe('with an empty store', () => {
    const services = new Services('dashboard_empty');
    process.on('exit', () => services.kill());
    before(() => services.start());
    after(() => services.stopAll());

    test('asks for evtrade import and draws no chart', async () => {
      const page = await openPage(browser, `${services.url}/`);
      await waitState(page, 'empty');
      assert.match(await page.textContent('#message-title'), /No data yet/);
      assert.match(await page.textContent('#message-command'),
                   /evtrade import/);
      assert.ok(await page.isHidden('#content'));
      assert.ok(await page.isHidden('#choosers'));
      assert.equal(await page.$$eval('canvas', (c) => c.filter(
                                                       (x) => Chart.getChart(x))
                                                       .length),
                   0);
      assert.equal(await page.textContent('#coverage'), 'none');
      assert.ok(await page.isHidden('#sample-mark'));
      assert.deepEqual(page.problems, []);
      await screenshot(page, 'empty_store');
      await page.context().close();
    });
  });
});
