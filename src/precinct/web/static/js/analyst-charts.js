// The analyst view's charts, counted on the server (GET /analysis/aggregates and /analysis/trends): no cap.
import { api } from "./api.js";
import { fmtDateTime, fmtNumber, lang, name, t, weekdayNames } from "./i18n.js";
import { store, typeName } from "./store.js";
import { el, errorText } from "./ui.js";
import { at } from "./analyst-texts.js";

const BLUE = "#1557a0";
const GREY = "#9aa5b1";
let charts = [];
let trendBin = "day";
let lastQuery = {};

/** The chart cards (figures with canvases) and the hour-of-week grid. */
export function chartSection() {
  const grid = el("section", { class: "charts card", id: "analyst-charts" });
  grid.append(el("p", { id: "charts-basis", class: "muted" }));
  const trend = el("figure", { class: "chart chart-wide", id: "trend-figure" });
  const bins = el("div", { class: "row bin-choice", role: "group", "aria-label": at("chart_trend") });
  for (const bin of ["day", "week", "month"]) {
    const b = el("button", { type: "button", id: `trend-${bin}`, "aria-pressed": String(bin === trendBin) }, at(`bin_${bin}`));
    b.addEventListener("click", () => { trendBin = bin; loadTrend(lastQuery); });
    bins.append(b);
  }
  const box = el("div", { class: "chart-box" });
  box.append(el("canvas", { id: "chart_trend", role: "img", "aria-label": at("chart_trend") }));
  trend.append(el("figcaption", {}, at("chart_trend")), bins, el("p", { id: "trend-totals", class: "muted" }), box);
  grid.append(trend);
  for (const key of ["chart_hour", "chart_weekday", "chart_type", "chart_district", "chart_station", "chart_source"]) {
    const figure = el("figure", { class: "chart" });
    figure.append(el("figcaption", {}, at(key)), el("canvas", { id: key, role: "img", "aria-label": at(key) }));
    grid.append(figure);
  }
  const how = el("figure", { class: "chart chart-wide", id: "how-figure" });
  how.append(el("figcaption", {}, at("chart_how")), el("div", { id: "hour-of-week", class: "how-grid" }));
  grid.append(how);
  return grid;
}

function areaName(map, id) {
  return id == null ? "—" : name(map.get(id)) || String(id);
}

/** Fetch the aggregates for `query` (the filters) and draw every chart. */
export async function loadCharts(query) {
  lastQuery = query;
  const basis = document.getElementById("charts-basis");
  basis.textContent = t("loading");
  let data;
  try {
    data = await api("/analysis/aggregates", { query });
  } catch (error) {
    basis.textContent = errorText(error);
    return;
  }
  basis.textContent = t("charts_basis", { n: fmtNumber(data.total) });
  basis.dataset.total = String(data.total);
  for (const chart of charts) chart.destroy();
  const top = (rows, n) => rows.slice(0, n);
  charts = [
    bar("chart_hour", data.by_hour.map((_, h) => fmtNumber(h)), data.by_hour),
    bar("chart_weekday", weekdayNames(), data.by_weekday),
    bar("chart_type", top(data.by_type, 10).map((r) => typeName(r.key)), top(data.by_type, 10).map((r) => r.count), true),
    bar("chart_district", data.by_district.map((r) => areaName(store.districts, r.key)), data.by_district.map((r) => r.count), true),
    bar("chart_station", top(data.by_station, 15).map((r) => areaName(store.stations, r.key)), top(data.by_station, 15).map((r) => r.count), true),
    bar("chart_source", data.by_source.map((r) => t(`source.${r.key}`)), data.by_source.map((r) => r.count), true),
  ];
  drawHourOfWeek(data.hour_of_week);
  await loadTrend(query);
}

async function loadTrend(query) {
  for (const bin of ["day", "week", "month"]) document.getElementById(`trend-${bin}`)?.setAttribute("aria-pressed", String(bin === trendBin));
  const totals = document.getElementById("trend-totals");
  let data;
  try {
    data = await api("/analysis/trends", { query: { ...query, bin: trendBin } });
  } catch (error) {
    totals.textContent = errorText(error);
    return;
  }
  const change = data.last_year_total ? `${data.total >= data.last_year_total ? "+" : ""}${fmtNumber((data.total / data.last_year_total - 1) * 100, { maximumFractionDigits: 1 })}%` : at("no_last_year");
  totals.textContent = at("trend_totals", { n: fmtNumber(data.total), m: fmtNumber(data.last_year_total), change });
  totals.dataset.total = String(data.total);
  totals.dataset.lastYear = String(data.last_year_total);
  const labels = data.bins.map((b) => new Date(`${b.start}T00:00:00`).toLocaleDateString(lang(), trendBin === "month" ? { year: "numeric", month: "short" } : { month: "short", day: "numeric" }));
  const canvas = document.getElementById("chart_trend");
  canvas.dataset.bins = String(data.bins.length);
  canvas.dataset.bin = trendBin;
  charts = charts.filter((c) => c.canvas !== canvas || (c.destroy(), false));
  charts.push(new Chart(canvas, {
    type: "line",
    data: { labels, datasets: [
      { label: at("this_period"), data: data.bins.map((b) => b.count), borderColor: BLUE, backgroundColor: BLUE, pointRadius: 2 },
      { label: at("last_year"), data: data.bins.map((b) => b.last_year), borderColor: GREY, backgroundColor: GREY, borderDash: [4, 3], pointRadius: 0 },
    ] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, locale: lang(),
      plugins: { tooltip: { callbacks: { title: (items) => `${items[0].label}` } } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  }));
  totals.title = `${fmtDateTime(data.since)} – ${fmtDateTime(data.until)}`;
}

function drawHourOfWeek(values) {
  const box = document.getElementById("hour-of-week");
  const max = Math.max(1, ...values);
  const table = el("table", { class: "how", "data-total": String(values.reduce((a, b) => a + b, 0)) });
  const head = el("tr");
  head.append(el("th", { scope: "col" }, ""));
  for (let h = 0; h < 24; h += 1) head.append(el("th", { scope: "col" }, String(h)));
  table.append(head);
  weekdayNames().forEach((day, d) => {
    const row = el("tr");
    row.append(el("th", { scope: "row" }, day));
    for (let h = 0; h < 24; h += 1) {
      const n = values[d * 24 + h];
      const cell = el("td", { title: `${day} ${h}:00 — ${fmtNumber(n)}` }, n ? fmtNumber(n) : "");
      cell.style.background = `rgba(21, 87, 160, ${(n / max).toFixed(3)})`;
      if (n / max > 0.55) cell.style.color = "#fff";
      row.append(cell);
    }
    table.append(row);
  });
  box.replaceChildren(table);
}

function bar(id, labels, values, horizontal = false) {
  const canvas = document.getElementById(id);
  canvas.dataset.total = String(values.reduce((a, b) => a + b, 0));
  return new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: at(id), data: values, backgroundColor: BLUE }] },
    options: {
      indexAxis: horizontal ? "y" : "x", animation: false, responsive: true, maintainAspectRatio: false, locale: lang(),
      plugins: { legend: { display: false } }, scales: { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } },
    },
  });
}
