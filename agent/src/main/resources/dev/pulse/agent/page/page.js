// The page at /: the last hour of the agent's own history (/api/v1/history), refreshed live.
// Everything it loads comes from this endpoint; nothing leaves the service.
"use strict";

const SECTIONS = [
  { title: "Operations (timed methods)", key: "operation", table: [
      ["calls/s", "pulse_processing_duration_seconds_count:rate", num],
      ["p95", "pulse_processing_duration_seconds:p95", secs],
      ["errors/s", "pulse_processing_errors_total:rate", num, "sum", v => v > 0 ? "bad" : ""],
      ["in flight", "pulse_processing_inflight", num],
      ["oldest running", "pulse_processing_oldest_inflight_seconds", secs, "max", (v, row) =>
          row.threshold != null && v > row.threshold ? "bad" : v > 60 ? "warn" : ""]],
    extra: { threshold: "pulse_processing_stall_threshold_seconds" },
    charts: [
      ["Calls per second", ["pulse_processing_duration_seconds_count:rate"], num],
      ["Latency p95 (seconds)", ["pulse_processing_duration_seconds:p95"], secs],
      ["Errors per second", ["pulse_processing_errors_total:rate"], num, "sum"],
      ["Calls in flight", ["pulse_processing_inflight"], num],
      ["Oldest running call (seconds)", ["pulse_processing_oldest_inflight_seconds"], secs]] },
  { title: "Queues", key: "queue_name", table: [
      ["depth", "pulse_queue_depth", num],
      ["capacity", "pulse_queue_capacity", num],
      ["full", null, pct, null, v => v > 0.9 ? "bad" : v > 0.7 ? "warn" : "", row => ratio(row[0], row[1])]],
    charts: [["Depth", ["pulse_queue_depth"], num], ["Depth against capacity", ["pulse_queue_depth", "pulse_queue_capacity"], num]] },
  { title: "Connection pools", key: "pool", table: [
      ["active", "pulse_db_pool_active", num],
      ["max", "pulse_db_pool_max", num],
      ["waiting threads", "pulse_db_pool_pending", num, null, v => v > 0 ? "warn" : ""],
      ["in use", null, pct, null, v => v > 0.9 ? "bad" : "", row => ratio(row[0], row[1])]],
    charts: [["Active against max", ["pulse_db_pool_active", "pulse_db_pool_max"], num],
      ["Threads waiting for a connection", ["pulse_db_pool_pending"], num]] },
  { title: "Executors (thread pools)", key: "executor", table: [
      ["active", "pulse_executor_active_threads", num],
      ["max", "pulse_executor_max_threads", num],
      ["queued", "pulse_executor_queued_tasks", num],
      ["rejected/s", "pulse_executor_rejected_tasks_total:rate", num, null, v => v > 0 ? "bad" : ""]],
    charts: [["Active threads", ["pulse_executor_active_threads"], num], ["Queued tasks", ["pulse_executor_queued_tasks"], num]] },
  { title: "JVM", key: null, table: [
      ["heap used", "jvm_memory_used_bytes", bytes, "sum", null, null, { area: "heap" }],
      ["GC time", "jvm_gc_collection_seconds_sum:rate", pct, "sum"],
      ["CPU (cores)", "process_cpu_seconds_total:rate", num],
      ["threads", "jvm_threads_current", num]],
    charts: [["Heap used (bytes)", ["jvm_memory_used_bytes"], bytes, "sum", { area: "heap" }],
      ["Time in GC (share of wall time)", ["jvm_gc_collection_seconds_sum:rate"], pct],
      ["CPU (cores)", ["process_cpu_seconds_total:rate"], num]] },
];

const WINDOW = "1h";
const charts = new Map();
let step = 5;
let known = new Set();

function num(v) { return v == null ? "–" : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2); }
function secs(v) { return v == null ? "–" : v >= 1 ? v.toFixed(2) + " s" : (v * 1000).toPrecision(3) + " ms"; }
function pct(v) { return v == null ? "–" : (v * 100).toFixed(1) + " %"; }
function bytes(v) { if (v == null) return "–"; const u = ["B", "KiB", "MiB", "GiB"]; let i = 0; while (v >= 1024 && i < 3) { v /= 1024; i++; } return v.toFixed(1) + " " + u[i]; }
function ratio(a, b) { return a == null || b == null || !(b > 0) ? null : a / b; }

async function api(path) {
  const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

function matches(labels, filter) {
  for (const k in (filter || {})) if (labels[k] !== filter[k]) return false;
  return true;
}

// Series of one name grouped by the section's key label (summed or maxed over the rest).
function grouped(history, name, key, how, filter) {
  const out = new Map();
  for (const s of (history[name] || [])) {
    if (!matches(s.labels, filter)) continue;
    const group = key ? (s.labels[key] || "") : "all";
    let points = out.get(group);
    if (!points) { points = new Map(); out.set(group, points); }
    for (const [t, v] of s.points) {
      const before = points.get(t);
      points.set(t, before == null ? v : how === "max" ? Math.max(before, v) : before + v);
    }
  }
  return out;
}

function last(points) {
  let t = -1, v = null;
  for (const [time, value] of points) if (time > t) { t = time; v = value; }
  return v;
}

function section(def, history) {
  const id = "s-" + def.title.replace(/\W+/g, "-");
  let el = document.getElementById(id);
  if (!el) {
    el = document.createElement("section");
    el.id = id;
    el.innerHTML = "<h2></h2><div class='card scroll table'></div><div class='grid charts'></div>";
    el.querySelector("h2").textContent = def.title;
    document.getElementById("sections").appendChild(el);
  }
  // The table: the latest value of each column per row.
  const rows = new Map();
  def.table.forEach(([, name, , how, , , filter], i) => {
    if (!name) return;
    for (const [group, points] of grouped(history, name, def.key, how, filter)) {
      if (!rows.has(group)) rows.set(group, []);
      rows.get(group)[i] = last(points);
    }
  });
  if (def.extra) {
    for (const [group, points] of grouped(history, def.extra.threshold, def.key, "max")) {
      if (rows.has(group)) rows.get(group).threshold = last(points);
    }
  }
  const table = el.querySelector(".table");
  if (rows.size === 0) {
    table.innerHTML = "<span class='empty'>none found in this service</span>";
  } else {
    const head = "<tr><th>" + (def.key || "") + "</th>" + def.table.map(c => "<th>" + c[0] + "</th>").join("") + "</tr>";
    const body = [...rows.keys()].sort().map(group => {
      const row = rows.get(group);
      const cells = def.table.map(([, name, format, , flag, derive], i) => {
        const v = derive ? derive(row) : row[i];
        const cls = flag && v != null ? flag(v, row) : "";
        return "<td class='" + cls + "'>" + format(v == null ? null : v) + "</td>";
      }).join("");
      return "<tr><td>" + escape(group) + "</td>" + cells + "</tr>";
    }).join("");
    table.innerHTML = "<table>" + head + body + "</table>";
  }
  // The charts: one line per group, for each name.
  const grid = el.querySelector(".charts");
  for (const [title, names, format, how, filter] of def.charts) {
    const lines = [];
    for (const name of names) {
      for (const [group, points] of grouped(history, name, def.key, how, filter)) {
        lines.push({ label: (names.length > 1 ? name.replace(/^pulse_\w+?_/, "") + " " : "") + group, points });
      }
    }
    chart(grid, id + title, title, lines, format);
  }
}

function chart(grid, id, title, lines, format) {
  const times = [...new Set(lines.flatMap(l => [...l.points.keys()]))].sort((a, b) => a - b);
  const data = [times, ...lines.map(l => times.map(t => l.points.has(t) ? l.points.get(t) : null))];
  let entry = charts.get(id);
  const shape = lines.map(l => l.label).join("|");
  if (entry && entry.shape !== shape) { entry.plot.destroy(); entry.card.remove(); entry = null; }
  if (!entry) {
    const card = document.createElement("div");
    card.className = "card chart";
    card.dataset.title = title;
    card.innerHTML = "<h3></h3><div class='plot'></div>";
    card.querySelector("h3").textContent = title;
    grid.appendChild(card);
    const width = Math.max(280, card.clientWidth - 16);
    const colors = ["#2f6fde", "#e8590c", "#2b8a3e", "#ae3ec9", "#d6336c", "#0c8599", "#5c940d", "#495057"];
    const plot = new uPlot({
      width, height: 180,
      series: [{}, ...lines.map((l, i) => ({ label: l.label, stroke: colors[i % colors.length], width: 1.5,
        value: (u, v) => format(v), spanGaps: false }))],
      axes: [{}, { values: (u, ticks) => ticks.map(format), size: 64 }],
      scales: { x: { time: true } },
      legend: { live: true },
    }, data, card.querySelector(".plot"));
    entry = { plot, card, shape };
    charts.set(id, entry);
  } else {
    entry.plot.setData(data);
  }
  entry.card.dataset.points = String(times.length);
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

async function refresh() {
  try {
    const list = await api("api/v1/series");
    known = new Set(list.series.map(s => s.name));
    const service = list.series.find(s => s.labels.service);
    if (service) document.getElementById("service").textContent = "service " + service.labels.service;
    const wanted = new Set();
    for (const def of SECTIONS) {
      def.table.forEach(c => c[1] && wanted.add(c[1]));
      def.charts.forEach(c => c[1].forEach(n => wanted.add(n)));
      if (def.extra) wanted.add(def.extra.threshold);
    }
    const history = {};
    await Promise.all([...wanted].filter(n => known.has(n)).map(async name => {
      const answer = await api("api/v1/history?window=" + WINDOW + "&name=" + encodeURIComponent(name));
      step = answer.step_seconds || step;
      history[name] = answer.series;
    }));
    SECTIONS.forEach(def => section(def, history));
    document.getElementById("status").textContent = "last hour, a point every " + step + " s; updated "
        + new Date().toLocaleTimeString();
    document.getElementById("error").textContent = "";
  } catch (e) {
    document.getElementById("error").textContent = String(e.message || e);
  }
  setTimeout(refresh, Math.max(1, step) * 1000);
}

window.addEventListener("resize", () => {
  for (const { plot, card } of charts.values()) plot.setSize({ width: Math.max(280, card.clientWidth - 16), height: 180 });
});
refresh();
