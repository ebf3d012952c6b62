// End-to-end test of the Node.js client against the real suite on loopback
// (node --test): the same checks as clients/python/test_example.py.
//
// Starts build/bin/ingest_service, query_service and gateway on free
// loopback ports with a temporary store and token, loads data/sample with
// `build/bin/evtrade import`, runs example.js (ingesting
// clients/testdata/small.csv, rows equal to sample rows) and checks the CHN
// 2022-11 report against clients/testdata/report_CHN_2022-11.txt; checks
// grpc.health.v1 and reflection. Environment: EVTRADE_BIN_DIR (default
// <repo>/build/bin), EVTRADE_SOURCE_DIR (default <repo>). A missing binary
// or file fails the test; nothing is skipped.
'use strict';

const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {after, before, describe, test} = require('node:test');
const {promisify} = require('node:util');

const NODE_DIR = path.resolve(__dirname, '..');
const SOURCE_DIR =
    process.env.EVTRADE_SOURCE_DIR || path.resolve(NODE_DIR, '..', '..');
const BIN_DIR =
    process.env.EVTRADE_BIN_DIR || path.join(SOURCE_DIR, 'build', 'bin');
const SAMPLE_FILES = [
  'data/sample/comtrade_chn_8703_2021_2022.csv',
  'data/sample/comtrade_jpn_deu_8703_2021_2022.csv',
  'data/sample/manufacturers.csv',
];
const GOLDEN_REPORT =
    path.join(SOURCE_DIR, 'clients/testdata/report_CHN_2022-11.txt');
const SMALL_CSV = path.join(SOURCE_DIR, 'clients/testdata/small.csv');
const START_TIMEOUT_MS = 30000;

// The npm packages are installed by scripts/install_deps.sh (npm ci); a
// fresh checkout gets them here, from the committed lock file.
if (!fs.existsSync(path.join(NODE_DIR, 'node_modules', '@grpc', 'grpc-js'))) {
  childProcess.execFileSync(
      'npm', ['ci', '--no-audit', '--no-fund', '--prefix', NODE_DIR],
      {stdio: 'inherit'});
}
const {checkHealth, listServices} = require('../probe');
const {environment, freePorts} =
    require(path.join(SOURCE_DIR, 'tests', 'support', 'services_env.js'));

const execFile = promisify(childProcess.execFile);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Suite {
  constructor(workDir) {
    this.workDir = workDir;
    this.children = new Map();
  }

  async start() {
    const [ingest, query, gateway, http, ingestMetrics, queryMetrics] =
        await freePorts(6);
    this.ingestAddr = `127.0.0.1:${ingest}`;
    this.queryAddr = `127.0.0.1:${query}`;
    this.gatewayAddr = `127.0.0.1:${gateway}`;
    this.tokenFile = path.join(this.workDir, 'ingest.token');
    fs.writeFileSync(this.tokenFile, 'clients-test-token\n');
    const db = path.join(this.workDir, 'evtrade.db');
    const commands = {
      ingest_service: [
        `--listen=${this.ingestAddr}`, `--db=${db}`,
        `--token_file=${this.tokenFile}`,
        `--metrics_listen=127.0.0.1:${ingestMetrics}`
      ],
      query_service: [
        `--listen=${this.queryAddr}`, `--db=${db}`,
        `--metrics_listen=127.0.0.1:${queryMetrics}`
      ],
      gateway: [
        `--listen=${this.gatewayAddr}`, `--query_addr=${this.queryAddr}`,
        `--http_listen=127.0.0.1:${http}`
      ],
    };
    for (const [name, flags] of Object.entries(commands)) {
      const binary = path.join(BIN_DIR, name);
      try {
        fs.accessSync(binary, fs.constants.X_OK);
      } catch {
        throw new Error(
            `${binary} is missing: build the project first ` +
            '(cmake --build build)');
      }
      const log = fs.openSync(this.logPath(name), 'w');
      const child = childProcess.spawn(
          binary, flags, {stdio: ['ignore', log, log], env: environment()});
      fs.closeSync(log);
      child.exited = new Promise((resolve) => child.on('exit', resolve));
      this.children.set(name, child);
    }
    await this.waitServing('ingest_service', this.ingestAddr);
    await this.waitServing('query_service', this.queryAddr);
    await this.waitServing('gateway', this.gatewayAddr);
  }

  logPath(name) {
    return path.join(this.workDir, `${name}.log`);
  }

  log(name) {
    try {
      return fs.readFileSync(this.logPath(name), 'utf8').slice(-4000);
    } catch {
      return '';
    }
  }

  async waitServing(name, addr) {
    const child = this.children.get(name);
    const deadline = Date.now() + START_TIMEOUT_MS;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
            `${name} exited with ` +
            `${child.exitCode ?? child.signalCode}:\n${this.log(name)}`);
      }
      try {
        last = await checkHealth(addr, '', 1);
        if (last === 'SERVING') return;
      } catch (error) {
        last = error.details || error.message;
      }
      await sleep(100);
    }
    throw new Error(
        `${name} not SERVING on ${addr} after ` +
        `${START_TIMEOUT_MS} ms (${last}):\n${this.log(name)}`);
  }

  // SIGTERM (the services drain and exit 0), SIGKILL after 10 s; resolves
  // to {name: exit code}.
  async stop() {
    const codes = {};
    await Promise.all([...this.children].map(async ([name, child]) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await child.exited;
      clearTimeout(timer);
      codes[name] = child.exitCode ?? child.signalCode;
    }));
    this.children.clear();
    return codes;
  }

  // Synchronous last resort when the test process exits early.
  kill() {
    for (const child of this.children.values()) child.kill('SIGKILL');
  }
}

describe('Node.js client against the suite', () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evtrade_nodeclient_'));
  const suite = new Suite(workDir);
  process.on('exit', () => suite.kill());

  before(async () => {
    await suite.start();
    const cli = path.join(BIN_DIR, 'evtrade');
    try {
      await execFile(
          cli,
          [
            'import', `--ingest_addr=${suite.ingestAddr}`,
            `--token_file=${suite.tokenFile}`,
            ...SAMPLE_FILES.map((f) => path.join(SOURCE_DIR, f))
          ],
          {env: environment(), timeout: 120000});
    } catch (error) {
      throw new Error(
          `${cli} import failed: ${error.message}\n` +
          `${error.stdout || ''}${error.stderr || ''}`);
    }
  });

  after(async () => {
    const codes = await suite.stop();
    fs.rmSync(workDir, {recursive: true, force: true});
    // A clean SIGTERM drain is part of the services' contract.
    for (const [name, code] of Object.entries(codes)) {
      assert.equal(code, 0, `${name} exit code`);
    }
  });

  test('example.js prints the CHN 2022-11 report', async () => {
    const {stdout} = await execFile(
        process.execPath,
        [
          path.join(NODE_DIR, 'example.js'),
          `--ingest_addr=${suite.ingestAddr}`,
          `--gateway_addr=${suite.gatewayAddr}`,
          `--token_file=${suite.tokenFile}`,
          `--csv=${SMALL_CSV}`,
        ],
        {env: environment(), timeout: 60000});
    const lines = stdout.trimEnd().split('\n');
    // small.csv repeats sample rows with the same figures.
    assert.equal(
        lines[0],
        'Ingested small.csv: received 8, inserted 0, ' +
            'updated 0, unchanged 8, rejected 0');
    const report = lines.slice(1);
    assert.match(report[1], /^Headline: .{20,}/);
    report.splice(1, 1);
    const golden = fs.readFileSync(GOLDEN_REPORT, 'utf8').trimEnd().split('\n');
    assert.deepEqual(report, golden);
  });

  test('every service is SERVING on grpc.health.v1', async () => {
    for (const addr of [suite.gatewayAddr, suite.ingestAddr, suite.queryAddr]) {
      assert.equal(await checkHealth(addr), 'SERVING', addr);
    }
  });

  test('reflection lists the evtrade services', async () => {
    const gateway = await listServices(suite.gatewayAddr);
    assert.ok(gateway.includes('evtrade.v1.GatewayService'), gateway);
    assert.ok(gateway.includes('evtrade.v1.QueryService'), gateway);
    const ingest = await listServices(suite.ingestAddr);
    assert.ok(ingest.includes('evtrade.v1.IngestService'), ingest);
  });
});
