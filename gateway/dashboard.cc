#include "gateway/dashboard.h"

namespace evtrade::gateway {
namespace {

// Every figure is put in the page with textContent, never as HTML.
constexpr char kHtml[] = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>evtrade market report</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto;
         max-width: 60rem; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.3rem; margin-bottom: .5rem; }
  form { display: flex; gap: .6rem; flex-wrap: wrap; align-items: end;
         margin-bottom: 1rem; }
  label { display: flex; flex-direction: column; font-size: .8rem; }
  input, select, button { font: inherit; padding: .25rem .4rem; }
  #headline { font-size: 1.25rem; font-weight: 600; margin: 1rem 0; }
  #error { color: #a01010; white-space: pre-wrap; }
  #warnings { color: #8a5a00; }
  section { margin: 1rem 0; }
  table { border-collapse: collapse; min-width: 24rem; }
  th, td { padding: .2rem .6rem; border-bottom: 1px solid #dde; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit,
          minmax(26rem, 1fr)); gap: 1rem; }
  .muted { color: #667; font-size: .85rem; }
</style>
</head>
<body>
<h1>evtrade market report</h1>
<form id="form">
  <label>Reporter <input id="reporter" value="CHN" size="5"></label>
  <label>Month <input id="month" type="month" value="2022-11"></label>
  <label>Segment
    <select id="powertrain">
      <option value="ELECTRIC">Electric (BEV + PHEV)</option>
      <option value="BEV">Battery electric</option>
      <option value="PHEV">Plug-in hybrid</option>
      <option value="HEV">Hybrid</option>
      <option value="ICE">Combustion engine</option>
      <option value="ALL">All vehicles</option>
    </select>
  </label>
  <button type="submit">Show</button>
</form>
<div id="error"></div>
<div id="headline"></div>
<div id="warnings"></div>
<div class="grid">
  <section><h2>Month</h2><table id="summary"></table></section>
  <section><h2>Exporter rank (all vehicles, year to date)</h2>
    <table id="rank"></table></section>
  <section><h2>Top partners</h2><table id="partners"></table></section>
  <section><h2>Manufacturers</h2><table id="makers"></table></section>
</div>
<p class="muted" id="meta"></p>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const num = (v) => (v === undefined || v === null) ? 0 : Number(v);
const usd = (v) => "$" + num(v).toLocaleString("en-US");
const count = (v) => num(v).toLocaleString("en-US");
const pct = (v) => (v === undefined || v === null) ? "n/a"
    : (v >= 0 ? "+" : "") + Number(v).toFixed(1) + "%";
const share = (v) => (v === undefined || v === null) ? "n/a"
    : Number(v).toFixed(1) + "%";

function fill(table, header, rows) {
  table.replaceChildren();
  const head = table.insertRow();
  for (const [text, cls] of header) {
    const th = document.createElement("th");
    th.textContent = text;
    if (cls) th.className = cls;
    head.appendChild(th);
  }
  for (const row of rows) {
    const tr = table.insertRow();
    row.forEach((text, i) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (header[i][1]) td.className = header[i][1];
    });
  }
}

function show(r) {
  $("headline").textContent = r.headline || "";
  $("warnings").textContent = (r.warnings || []).length
      ? "Missing parts: " + r.warnings.join("; ") : "";
  const seg = r.segment || {}, all = r.all_vehicles || {};
  const rec = (s) => s.record_high ? "record" : "";
  fill($("summary"), [["", ""], ["Segment", "num"], ["All vehicles", "num"]], [
    ["Value", usd(seg.value_usd), usd(all.value_usd)],
    ["Vehicles", count(seg.quantity), count(all.quantity)],
    ["Value YoY", pct(seg.value_yoy_pct), pct(all.value_yoy_pct)],
    ["Record high", rec(seg), rec(all)],
    ["Year to date", usd((r.ytd_segment || {}).value_usd),
     usd((r.ytd_all || {}).value_usd)],
    ["Vehicles YTD", count((r.ytd_segment || {}).quantity),
     count((r.ytd_all || {}).quantity)],
    ["Share of all", share(r.segment_share_of_all_pct), ""],
    ["Majority streak", (r.segment_majority_streak_months || 0) + " months",
     ""],
  ]);
  const er = r.exporter_rank || {};
  fill($("rank"), [["", ""], ["", "num"]], [
    ["Rank", er.rank ? er.rank + " of " + er.reporters_ranked : "n/a"],
    ["Value", usd(er.value_usd)],
    ["Behind", er.behind || "-"],
    ["Ahead of", er.ahead_of || "-"],
  ]);
  fill($("partners"), [["#", "num"], ["Partner", ""], ["Value", "num"],
                       ["Share", "num"], ["Cumulative", "num"]],
       (r.top_partners || []).map((p) => [p.rank, p.partner, usd(p.value_usd),
           share(p.value_share_pct), share(p.cumulative_share_pct)]));
  fill($("makers"), [["#", "num"], ["Manufacturer", ""], ["Vehicles", "num"],
                     ["Share", "num"]],
       (r.top_manufacturers || []).map((m) => [m.rank, m.manufacturer,
           count(m.quantity), share(m.quantity_share_pct)]));
  $("meta").textContent = "data_version " + num(r.data_version) +
      "; top partners together " + share(r.top_partners_share_pct);
}

async function load() {
  const reporter = encodeURIComponent($("reporter").value.trim());
  const month = encodeURIComponent($("month").value);
  const url = "/v1/reports/" + reporter + "/" + month +
      "?powertrain=" + $("powertrain").value;
  $("error").textContent = "";
  try {
    const response = await fetch(url);
    const body = await response.json();
    if (!response.ok) {
      $("error").textContent = "HTTP " + response.status + ": " + body.message;
      show({});
      return;
    }
    show(body);
  } catch (e) {
    $("error").textContent = String(e);
  }
}

$("form").addEventListener("submit", (e) => { e.preventDefault(); load(); });
load();
</script>
</body>
</html>
)html";

}  // namespace

absl::string_view DashboardHtml() { return kHtml; }

}  // namespace evtrade::gateway
