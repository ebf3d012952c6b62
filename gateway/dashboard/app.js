// The evtrade dashboard: reads the gateway's HTTP/JSON API (/v1/store,
// /v1/series, /v1/partners, /v1/ranking, /v1/reports) and draws it with
// Chart.js (served by the gateway as /assets/chart.umd.js).
//
// The selection (reporter, period, segment, flow) lives in the URL's query
// string: every change is a history entry, and back/forward redraw it.
// Every figure goes into the page through textContent or Chart.js, never as
// HTML. Each chart keeps the rows it draws (chartRows) and its CSV button
// downloads exactly those rows.
'use strict';

(function() {
const SEGMENTS = ['ELECTRIC', 'BEV', 'PHEV', 'HEV', 'ICE', 'OTHER'];
const FLOWS = ['EXPORT', 'IMPORT', 'RE_EXPORT', 'RE_IMPORT'];
const MIX_CLASSES = ['BEV', 'PHEV', 'HEV', 'ICE', 'OTHER'];
const SEGMENT_WORDS = {
  ELECTRIC: 'Electric', BEV: 'Battery electric', PHEV: 'Plug-in hybrid',
  HEV: 'Hybrid', ICE: 'Engine-only', OTHER: 'Other',
};
const FLOW_WORDS = {
  EXPORT: 'exports', IMPORT: 'imports', RE_EXPORT: 're-exports',
  RE_IMPORT: 're-imports',
};
// Months of history the time charts show, ending at the chosen month.
const WINDOW_MONTHS = 36;
const TOP = 10;
const COLORS = {
  segment: '#0f766e', all: '#64748b', record: '#d97706',
  BEV: '#0f766e', PHEV: '#2dd4bf', HEV: '#a78bfa', ICE: '#475569',
  OTHER: '#cbd5e1', bar: '#0f766e', barMuted: '#94a3b8', grid: '#e2e8f0',
};

const $ = (id) => document.getElementById(id);
const charts = {};     // name -> Chart
const chartRows = {};  // name -> {header: [...], rows: [[...]]}
let store = null;      // the /v1/store answer
let drawSerial = 0;    // a newer selection wins over a slower older one

// ---- figures and words -------------------------------------------------

const usdCompact = new Intl.NumberFormat('en-US', {
  style: 'currency', currency: 'USD', notation: 'compact',
  maximumFractionDigits: 1,
});
const usdFull = new Intl.NumberFormat('en-US', {
  style: 'currency', currency: 'USD', maximumFractionDigits: 0,
});
const usd = (v) => usdCompact.format(v);
const pct = (v, digits = 1) =>
    v === undefined || v === null ? 'n/a' : `${v.toFixed(digits)}%`;
const signedPct = (v) =>
    v === undefined || v === null ? 'no base a year earlier' :
                                    `${v >= 0 ? '+' : ''}${v.toFixed(1)}% YoY`;
// int64 fields come as JSON strings (or are absent when 0).
const int64 = (v) => (v === undefined ? '0' : String(v));
const num = (v) => Number(int64(v));

function monthKey(p) {
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}
function parseMonth(text) {
  const m = /^(\d{4})-(\d{2})$/.exec(text || '');
  return m ? {year: Number(m[1]), month: Number(m[2])} : null;
}
function addMonths(p, n) {
  const i = p.year * 12 + (p.month - 1) + n;
  return {year: Math.floor(i / 12), month: (i % 12) + 1};
}
function monthIndex(p) {
  return p.year * 12 + p.month - 1;
}
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug',
  'Sep', 'Oct', 'Nov', 'Dec'];
function monthWords(p) {
  return `${MONTH_NAMES[p.month - 1]} ${p.year}`;
}
function reporterName(code) {
  return (store && store.reporter_names && store.reporter_names[code]) || code;
}

// ---- the API -----------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, params) {
  const query = new URLSearchParams(params || {}).toString();
  let response;
  try {
    response = await fetch(query ? `${path}?${query}` : path,
                           {headers: {Accept: 'application/json'}});
  } catch (e) {
    throw new ApiError(0, 'network');
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, (body && body.message) || '');
  }
  return body;
}

// What a user is told; server-side details (addresses, backend errors) are
// never shown.
function explain(error, selection) {
  if (!(error instanceof ApiError)) {
    return {title: 'Something went wrong in this page',
            text: 'Reload the page; if it happens again, tell whoever runs ' +
                  'this evtrade.'};
  }
  if (error.status === 0) {
    return {title: 'The gateway cannot be reached',
            text: 'Check your connection and reload the page.'};
  }
  if (error.status === 404 && selection.reporter) {
    return {title: 'No data for this choice',
            text: `The store has no ${SEGMENT_WORDS[selection.segment]
                      .toLowerCase()} ${FLOW_WORDS[selection.flow]} of ` +
                  `${reporterName(selection.reporter)} for ` +
                  `${monthWords(parseMonth(selection.period))}. ` +
                  'Choose another reporter, month or flow.'};
  }
  if (error.status === 400) {
    return {title: 'This choice cannot be shown',
            text: 'The address holds a selection the service does not ' +
                  'accept. Pick reporter, month, segment and flow again ' +
                  'from the lists above.'};
  }
  if (error.status === 503 || error.status === 504 || error.status === 502) {
    return {title: 'The data service is not answering',
            text: 'The figures cannot be loaded right now. Try again in a ' +
                  'minute; if it lasts, whoever runs this evtrade should ' +
                  'check that its query service is running.'};
  }
  return {title: 'The figures could not be loaded',
          text: 'The service had a problem answering. Try again in a ' +
                'minute.'};
}

// ---- page states -------------------------------------------------------

function setState(state) {
  document.body.dataset.state = state;
}

function showMessage(title, text, command) {
  $('content').hidden = true;
  $('retry').hidden = true;
  $('message').hidden = false;
  $('message-title').textContent = title;
  $('message-text').textContent = text;
  const pre = $('message-command');
  pre.hidden = !command;
  pre.textContent = command || '';
}

// ---- the selection and the URL -----------------------------------------

function defaultSelection() {
  const reporters = store.reporters || [];
  return {
    reporter: reporters.includes('CHN') ? 'CHN' : reporters[0],
    period: monthKey(store.last_period),
    segment: 'ELECTRIC',
    flow: 'EXPORT',
  };
}

// The URL's selection, each part checked against what the store holds;
// anything unknown falls back to its default.
function selectionFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const fallback = defaultSelection();
  const pick = (name, allowed) => {
    const value = (params.get(name) || '').toUpperCase();
    return allowed.includes(value) ? value : fallback[name];
  };
  const period = parseMonth(params.get('period'));
  const inRange = period &&
      monthIndex(period) >= monthIndex(store.first_period) &&
      monthIndex(period) <= monthIndex(store.last_period);
  return {
    reporter: pick('reporter', store.reporters || []),
    period: inRange ? monthKey(period) : fallback.period,
    segment: pick('segment', SEGMENTS),
    flow: pick('flow', FLOWS),
  };
}

function urlOf(selection) {
  const params = new URLSearchParams(selection);
  return `${window.location.pathname}?${params.toString()}`;
}

function selectionFromForm() {
  return {
    reporter: $('reporter').value,
    period: $('period').value,
    segment: $('segment').value,
    flow: $('flow').value,
  };
}

function showSelection(selection) {
  for (const name of ['reporter', 'period', 'segment', 'flow']) {
    $(name).value = selection[name];
  }
}

function fillChoosers() {
  const reporter = $('reporter');
  reporter.replaceChildren();
  for (const code of store.reporters || []) {
    const option = document.createElement('option');
    option.value = code;
    option.textContent = `${reporterName(code)} (${code})`;
    reporter.append(option);
  }
  const period = $('period');
  period.replaceChildren();
  const first = monthIndex(store.first_period);
  for (let i = monthIndex(store.last_period); i >= first; --i) {
    const p = {year: Math.floor(i / 12), month: (i % 12) + 1};
    const option = document.createElement('option');
    option.value = monthKey(p);
    option.textContent = monthWords(p);
    period.append(option);
  }
}

function showDataLine() {
  $('dataline').hidden = false;
  $('coverage').textContent = store.first_period ?
      `${monthWords(store.first_period)} to ${monthWords(store.last_period)}` :
      'none';
  $('last-ingest').textContent = store.last_ingest_time ?
      new Date(store.last_ingest_time).toISOString().slice(0, 16)
              .replace('T', ' ') + ' UTC' :
      'never';
  $('data-version').textContent = int64(store.data_version);
  // scripts/run.sh loads the bundled sample with sources "sample:<file>".
  const sources = store.sources || [];
  const sample = sources.length > 0 &&
      sources.every((s) => s.startsWith('sample:'));
  $('sample-mark').hidden = !sample;
  document.body.dataset.sample = sample ? 'yes' : 'no';
}

// ---- CSV ---------------------------------------------------------------

function csvCell(value) {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvText(name) {
  const table = chartRows[name];
  return [table.header, ...table.rows]
      .map((row) => row.map(csvCell).join(','))
      .join('\n') + '\n';
}

function downloadCsv(name) {
  if (!chartRows[name]) return;
  const s = selectionFromForm();
  const blob = new Blob([csvText(name)], {type: 'text/csv;charset=utf-8'});
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download =
      `evtrade_${name}_${s.reporter}_${s.period}_${s.segment}_${s.flow}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// ---- charts ------------------------------------------------------------

function draw(name, canvas, config) {
  if (charts[name]) charts[name].destroy();
  config.options = Object.assign({
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
  }, config.options);
  charts[name] = new Chart(canvas, config);
}

const moneyAxis = {
  beginAtZero: true,
  grid: {color: COLORS.grid},
  ticks: {callback: (v) => usd(v)},
};

function seriesChart(selection, months, segment, all) {
  const labels = months.map(monthWords);
  const selected = months.length - 1;
  const segValues = segment.map((p) => num(p.value_usd));
  const allValues = all.map((p) => num(p.value_usd));
  const radius = (points) => points.map(
      (p, i) => (p.record_high ? 6 : i === selected ? 4 : 2));
  const style = (points) =>
      points.map((p) => (p.record_high ? 'rectRot' : 'circle'));
  const fill = (points, color) =>
      points.map((p) => (p.record_high ? COLORS.record : color));
  const segWord = SEGMENT_WORDS[selection.segment];
  const twoScales = Math.max(...segValues) < Math.max(...allValues) / 5;
  const canvas = $('chart-series').querySelector('.tall canvas');
  draw('series', canvas, {
    type: 'line',
    data: {
      labels,
      datasets: [
        {label: `${segWord} vehicles`, data: segValues,
         borderColor: COLORS.segment, backgroundColor: fill(segment,
                                                            COLORS.segment),
         pointRadius: radius(segment), pointStyle: style(segment),
         pointBorderColor: fill(segment, COLORS.segment), borderWidth: 2.5,
         tension: 0.25},
        {label: twoScales ? 'All vehicles (right scale)' : 'All vehicles',
         data: allValues, yAxisID: twoScales ? 'y1' : 'y',
         borderColor: COLORS.all,
         backgroundColor: fill(all, COLORS.all),
         pointRadius: radius(all), pointStyle: style(all),
         pointBorderColor: fill(all, COLORS.all), borderWidth: 2,
         borderDash: [6, 4], tension: 0.25},
      ],
    },
    options: {
      interaction: {mode: 'index', intersect: false},
      // A segment under a fifth of all vehicles gets a scale of its own
      // (left), so that it is not a flat line; each scale in its series'
      // colour.
      scales: {
        y: Object.assign({}, moneyAxis,
                         {ticks: {color: twoScales ? COLORS.segment :
                                                     '#475569',
                                  callback: (v) => usd(v)}}),
        y1: Object.assign({}, moneyAxis,
                          {display: twoScales, position: 'right',
                           grid: {display: false},
                           ticks: {color: COLORS.all,
                                   callback: (v) => usd(v)}}),
        x: {grid: {display: false}},
      },
      plugins: {
        legend: {position: 'top', align: 'end',
                 labels: {usePointStyle: true, boxHeight: 6}},
        tooltip: {callbacks: {
          label: (ctx) => {
            const p = (ctx.datasetIndex === 0 ? segment : all)[ctx.dataIndex];
            const name = ctx.dataset.label.replace(' (right scale)', '');
            return `${name}: ${usdFull.format(ctx.parsed.y)}` +
                (p.value_yoy_pct !== undefined ?
                     `, ${signedPct(p.value_yoy_pct)}` : '') +
                (p.record_high ? ' (record)' : '');
          },
        }},
      },
    },
  });
  const yoy = (points) => points.map(
      (p) => (p.value_yoy_pct === undefined ? null : p.value_yoy_pct));
  draw('yoy', $('yoy-canvas'), {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {label: `${segWord} YoY %`, data: yoy(segment),
         backgroundColor: COLORS.segment},
        {label: 'All vehicles YoY %', data: yoy(all),
         backgroundColor: COLORS.barMuted},
      ],
    },
    options: {
      scales: {
        y: {grid: {color: COLORS.grid},
            ticks: {callback: (v) => `${v}%`}},
        x: {grid: {display: false}, ticks: {display: false}},
      },
      plugins: {
        legend: {position: 'top', align: 'end',
                 labels: {boxWidth: 10, boxHeight: 10}},
        tooltip: {callbacks: {label: (ctx) =>
            `${ctx.dataset.label.replace(' YoY %', '')}: ` +
            signedPct(ctx.parsed.y)}},
      },
    },
  });
  chartRows.series = {
    header: ['month', 'segment_value_usd', 'segment_yoy_pct',
             'segment_record_high', 'all_value_usd', 'all_yoy_pct',
             'all_record_high'],
    rows: months.map((m, i) => [
      monthKey(m), int64(segment[i].value_usd), segment[i].value_yoy_pct,
      segment[i].record_high ? 'true' : 'false', int64(all[i].value_usd),
      all[i].value_yoy_pct, all[i].record_high ? 'true' : 'false']),
  };
  const records = months.filter((m, i) => segment[i].record_high).length;
  $('series-sub').textContent =
      `${segWord} and all vehicle ${FLOW_WORDS[selection.flow]} of ` +
      `${reporterName(selection.reporter)}, ${monthWords(months[0])} to ` +
      `${monthWords(months[selected])}; ◆ marks a record month ` +
      `(${records} for the segment). Below: change on a year earlier.`;
}

function hBarChart(name, labels, values, colors, datasetLabel, tooltip) {
  const figure = $(`chart-${name}`);
  figure.querySelector('.empty-note').hidden = values.length > 0;
  figure.querySelector('.canvas-box').hidden = values.length === 0;
  draw(name, figure.querySelector('canvas'), {
    type: 'bar',
    data: {labels, datasets: [{label: datasetLabel, data: values,
                               backgroundColor: colors, borderRadius: 3,
                               maxBarThickness: 26}]},
    options: {
      indexAxis: 'y',
      scales: {
        x: {beginAtZero: true, grid: {color: COLORS.grid},
            ticks: {callback: (v) => `${v}%`}},
        y: {grid: {display: false}},
      },
      plugins: {legend: {display: false},
                tooltip: {callbacks: {label: tooltip}}},
    },
  });
}

function partnersChart(selection, answer) {
  const partners = answer.partners || [];
  hBarChart('partners',
            partners.map((p) => `${p.partner_name} (${p.partner})`),
            partners.map((p) => p.value_share_pct ?? 0),
            partners.map(() => COLORS.bar), 'Share of value %',
            (ctx) => `${pct(ctx.parsed.x)} · ` +
                usdFull.format(num(partners[ctx.dataIndex].value_usd)));
  chartRows.partners = {
    header: ['rank', 'partner', 'partner_name', 'value_usd', 'quantity',
             'value_share_pct', 'cumulative_share_pct', 'value_yoy_pct'],
    rows: partners.map((p) => [p.rank, p.partner, p.partner_name,
                               int64(p.value_usd), int64(p.quantity),
                               p.value_share_pct, p.cumulative_share_pct,
                               p.value_yoy_pct]),
  };
  const last = partners[partners.length - 1];
  const shown = partners.length < (answer.partner_count || 0) ?
      `top ${partners.length} of ${answer.partner_count} partners` :
      `${partners.length} partners`;
  $('partners-sub').textContent =
      `Share of ${reporterName(selection.reporter)}'s ` +
      `${SEGMENT_WORDS[selection.segment].toLowerCase()} ` +
      `${FLOW_WORDS[selection.flow]} by value, ` +
      `${monthWords(parseMonth(selection.period))}: ${shown}` +
      (last && last.cumulative_share_pct !== undefined ?
           `, together ${pct(last.cumulative_share_pct)}.` : '.');
}

function rankingChart(selection, answer, start) {
  const ranks = answer.ranks || [];
  hBarChart('ranking',
            ranks.map((r) => `${r.rank}. ${r.reporter_name} (${r.reporter})`),
            ranks.map((r) => r.share_pct ?? 0),
            ranks.map((r) => (r.reporter === selection.reporter ?
                                  COLORS.record : COLORS.barMuted)),
            'Share of value %',
            (ctx) => `${pct(ctx.parsed.x)} · ` +
                usdFull.format(num(ranks[ctx.dataIndex].value_usd)));
  chartRows.ranking = {
    header: ['rank', 'reporter', 'reporter_name', 'value_usd', 'quantity',
             'share_pct'],
    rows: ranks.map((r) => [r.rank, r.reporter, r.reporter_name,
                            int64(r.value_usd), int64(r.quantity),
                            r.share_pct]),
  };
  $('ranking-sub').textContent =
      `${SEGMENT_WORDS[selection.segment]} vehicle exports by value, ` +
      `${monthWords(start)} to ${monthWords(parseMonth(selection.period))} ` +
      `(year to date), share of the reporters in the store.`;
}

function mixChart(selection, months, byClass) {
  const datasets = MIX_CLASSES.map((c) => ({
    label: c, data: byClass[c].map((p) => num(p.value_usd)),
    backgroundColor: COLORS[c], stack: 'mix',
  }));
  draw('mix', $('chart-mix').querySelector('canvas'), {
    type: 'bar',
    data: {labels: months.map(monthWords), datasets},
    options: {
      interaction: {mode: 'index', intersect: false},
      scales: {x: {stacked: true, grid: {display: false}},
               y: Object.assign({stacked: true}, moneyAxis)},
      plugins: {
        legend: {position: 'top', align: 'end',
                 labels: {boxWidth: 10, boxHeight: 10}},
        tooltip: {callbacks: {label: (ctx) => {
          const total = MIX_CLASSES.reduce(
              (sum, c, k) => sum + datasets[k].data[ctx.dataIndex], 0);
          const share = total > 0 ? ctx.parsed.y / total * 100 : undefined;
          return `${ctx.dataset.label}: ${usd(ctx.parsed.y)} (${pct(share)})`;
        }}},
      },
    },
  });
  chartRows.mix = {
    header: ['month', ...MIX_CLASSES.map((c) => `${c}_value_usd`)],
    rows: months.map((m, i) => [monthKey(m),
                                ...MIX_CLASSES.map(
                                    (c) => int64(byClass[c][i].value_usd))]),
  };
  $('mix-sub').textContent =
      `${reporterName(selection.reporter)}'s vehicle ` +
      `${FLOW_WORDS[selection.flow]} by powertrain, value per month.`;
}

function keyFigures(selection, segment, all, partners) {
  const s = segment[segment.length - 1];
  const a = all[all.length - 1];
  $('kpi-segment-label').textContent =
      `${SEGMENT_WORDS[selection.segment]} vehicles`;
  $('kpi-segment').textContent = usd(num(s.value_usd));
  $('kpi-segment-note').textContent = signedPct(s.value_yoy_pct) +
      (s.record_high ? ' · record' : '');
  $('kpi-all').textContent = usd(num(a.value_usd));
  $('kpi-all-note').textContent = signedPct(a.value_yoy_pct) +
      (a.record_high ? ' · record' : '');
  const share = num(a.value_usd) > 0 ?
      num(s.value_usd) / num(a.value_usd) * 100 : undefined;
  $('kpi-share').textContent = pct(share);
  $('kpi-share-note').textContent = `by value, ${monthWords(s.period)}`;
  const top = (partners.partners || [])[0];
  $('kpi-partner').textContent = top ? top.partner_name : 'none';
  $('kpi-partner-note').textContent =
      top ? `${pct(top.value_share_pct)} of the segment` : '';
}

// ---- one selection, drawn ----------------------------------------------

async function render(selection) {
  const serial = ++drawSerial;
  setState('loading');
  showSelection(selection);
  const period = parseMonth(selection.period);
  const first = store.first_period;
  const start = monthIndex(addMonths(period, 1 - WINDOW_MONTHS)) <
          monthIndex(first) ?
      first :
      addMonths(period, 1 - WINDOW_MONTHS);
  const range = {start: monthKey(start), end: selection.period};
  const base = {reporter: selection.reporter, flow: selection.flow};
  const yearStart = {year: period.year, month: 1};
  const rankStart = monthIndex(yearStart) < monthIndex(first) ? first :
                                                                 yearStart;
  let answers;
  try {
    answers = await Promise.all([
      api('/v1/series',
          {...base, ...range, powertrain: selection.segment}),
      api('/v1/series', {...base, ...range, powertrain: 'ALL'}),
      api('/v1/partners', {...base, powertrain: selection.segment,
                           start: selection.period, end: selection.period,
                           limit: TOP}),
      api('/v1/ranking', {powertrain: selection.segment,
                          start: monthKey(rankStart), end: selection.period,
                          limit: TOP}),
      ...MIX_CLASSES.map((c) => api('/v1/series',
                                    {...base, ...range, powertrain: c})),
      api(`/v1/reports/${encodeURIComponent(selection.reporter)}/` +
              selection.period,
          {powertrain: selection.segment, flow: selection.flow})
          .catch(() => null),  // the headline is optional
    ]);
  } catch (error) {
    if (serial !== drawSerial) return;
    const words = explain(error, selection);
    showMessage(words.title, words.text);
    $('retry').hidden = error.status === 404 || error.status === 400;
    setState('error');
    return;
  }
  if (serial !== drawSerial) return;
  const [segment, all, partners, ranking, ...rest] = answers;
  const report = rest.pop();
  const byClass = {};
  MIX_CLASSES.forEach((c, k) => {
    byClass[c] = rest[k].points || [];
  });
  const segPoints = segment.points || [];
  const allPoints = all.points || [];
  const months = segPoints.map((p) => p.period);
  if (!allPoints.some((p) => p.has_data)) {
    showMessage('No data for this choice',
                `The store has no vehicle ${FLOW_WORDS[selection.flow]} of ` +
                `${reporterName(selection.reporter)} from ` +
                `${monthWords(start)} to ${monthWords(period)}. ` +
                'Choose another reporter, month or flow.');
    setState('nodata');
    return;
  }
  $('message').hidden = true;
  $('content').hidden = false;
  $('headline').textContent = (report && report.headline) || '';
  keyFigures(selection, segPoints, allPoints, partners);
  seriesChart(selection, months, segPoints, allPoints);
  partnersChart(selection, partners);
  rankingChart(selection, ranking, rankStart);
  mixChart(selection, months, byClass);
  document.title = `${reporterName(selection.reporter)} ` +
      `${monthWords(period)} · evtrade`;
  setState('ready');
}

// ---- start -------------------------------------------------------------

async function start() {
  try {
    store = await api('/v1/store');
  } catch (error) {
    const words = explain(error, {});
    showMessage(words.title, words.text);
    $('choosers').hidden = true;
    $('retry').hidden = false;
    setState('error');
    return;
  }
  if (num(store.record_count) === 0 || !store.first_period) {
    showDataLine();
    showMessage(
        'No data yet',
        'The store behind this gateway holds no trade records. Load some ' +
            'with evtrade import, for example the bundled sample:',
        'build/bin/evtrade import data/sample/*.csv');
    $('choosers').hidden = true;
    setState('empty');
    return;
  }
  fillChoosers();
  showDataLine();
  const selection = selectionFromUrl();
  history.replaceState(selection, '', urlOf(selection));
  $('choosers').addEventListener('change', () => {
    const next = selectionFromForm();
    history.pushState(next, '', urlOf(next));
    render(next);
  });
  window.addEventListener('popstate', () => render(selectionFromUrl()));
  for (const button of document.querySelectorAll('button.csv')) {
    button.addEventListener('click', () => downloadCsv(button.dataset.csv));
  }
  await render(selection);
}

document.addEventListener('DOMContentLoaded', () => {
  $('retry').addEventListener('click', () => window.location.reload());
  start();
});
})();
