// Analyst view: incident table with filters and CSV export, charts, and analysis tables.
import { allPages, api, optional } from "./api.js";
import { fmtDateTime, fmtNumber, isoFromLocal, lang, localHourAndWeekday, name, t, weekdayNames, onLangChange } from "./i18n.js";
import { store, typeName } from "./store.js";
import { choices, dataTable, el, errorText, field, select, tableRow, toast } from "./ui.js";
import { directiveButton, fromRepeatPlace, fromSpike } from "./directive-form.js";

const PAGE_SIZE = 100;
const CHART_SAMPLE = 5000;
// Analysis endpoints owned by the analysis module; until they exist the console says so.
export const ANALYSIS_TABLES = [
  { key: "forecast_accuracy", path: "/analysis/forecast-accuracy" },
  { key: "spikes", path: "/analysis/spikes" },
  { key: "repeat_calls", path: "/analysis/repeat-places" },
];

let filters = {};
let page = 1;
let charts = [];
let built = false;

function view() {
  return document.getElementById("view-analyst");
}

export function initAnalyst() {
  onLangChange(() => {
    if (!built) return;
    built = false;
    showAnalyst();
  });
}

/** A filter: a select whose first option, "all", sets no filter. */
function filterSelect(labelKey, id, entries) {
  return field(labelKey, select({ id }, entries, { blank: t("all") }));
}

export async function showAnalyst() {
  if (built) return;
  built = true;
  const root = view();
  root.replaceChildren();
  const form = el("form", { id: "analyst-filters", class: "filters card" });
  form.append(el("h2", {}, t("filters")));
  const grid = el("div", { class: "filter-grid" });
  const meta = store.meta;
  grid.append(
    field("received_from", el("input", { id: "f-from", type: "datetime-local" })),
    field("received_to", el("input", { id: "f-to", type: "datetime-local" })),
    filterSelect("status", "f-status", choices(meta.incident.statuses, "status")),
    filterSelect("type", "f-type", [...store.types.values()].map((ty) => [ty.code, name(ty)])),
    filterSelect("district", "f-district", [...store.districts.values()].map((d) => [d.id, name(d)])),
    filterSelect("source", "f-source", choices(meta.incident_sources, "source")),
    filterSelect("simulated_filter", "f-simulated", [["false", t("only_real")], ["true", t("only_simulated")]]),
  );
  form.append(grid);
  const actions = el("div", { class: "row" });
  actions.append(el("button", { type: "submit", class: "primary", id: "f-apply" }, t("apply")), el("button", { type: "button", id: "export-csv" }, t("export_csv")));
  form.append(actions);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    readFilters();
    page = 1;
    loadTable();
    loadCharts();
  });
  actions.querySelector("#export-csv").addEventListener("click", () => {
    readFilters();
    exportCsv();
  });
  root.append(form);
  root.append(el("section", { id: "analyst-table", class: "card" }));
  const chartGrid = el("section", { class: "charts card", id: "analyst-charts" });
  chartGrid.append(el("p", { id: "charts-basis", class: "muted" }));
  for (const key of ["chart_hour", "chart_weekday", "chart_type", "chart_district"]) {
    const figure = el("figure", { class: "chart" });
    figure.append(el("figcaption", {}, t(key)), el("canvas", { id: key, role: "img", "aria-label": t(key) }));
    chartGrid.append(figure);
  }
  root.append(chartGrid);
  for (const table of ANALYSIS_TABLES) {
    const box = el("section", { class: "card analysis-table", id: `analysis-${table.key}` });
    box.append(el("h2", {}, t(table.key)), el("p", { class: "muted" }, t("loading")));
    root.append(box);
    loadAnalysisTable(table, box);
  }
  readFilters();
  loadTable();
  loadCharts();
}

function readFilters() {
  const value = (id) => document.getElementById(id).value;
  filters = {
    received_from: isoFromLocal(value("f-from")), received_to: isoFromLocal(value("f-to")), status: value("f-status"),
    type_code: value("f-type"), district_id: value("f-district"), source: value("f-source"), simulated: value("f-simulated"),
  };
}

function districtName(id) {
  return id ? name(store.districts.get(id)) || String(id) : "";
}

async function loadTable() {
  const box = document.getElementById("analyst-table");
  box.replaceChildren(el("p", {}, t("loading")));
  try {
    const data = await api("/incidents", { query: { ...filters, page, page_size: PAGE_SIZE } });
    const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
    box.replaceChildren(el("p", { id: "table-total" }, t("total_rows", { n: fmtNumber(data.total) })));
    const table = dataTable({ id: "incident-table" }, ["id", "received_at", "type", "priority", "status", "district", "address", "source"]);
    for (const i of data.items) {
      const type = typeName(i.type_code) + (i.simulated ? ` [${t("simulated")}]` : "");
      table.tBodies[0].append(tableRow({ "data-incident-id": String(i.id) }, [String(i.id), fmtDateTime(i.received_at), type,
        String(i.priority), t(`status.${i.status}`), districtName(i.district_id), i.address, t(`source.${i.source}`)]));
    }
    box.append(table);
    const nav = el("div", { class: "row" });
    const prev = el("button", { type: "button", id: "page-prev" }, t("prev"));
    const next = el("button", { type: "button", id: "page-next" }, t("next"));
    prev.disabled = page <= 1;
    next.disabled = page >= pages;
    prev.addEventListener("click", () => { page -= 1; loadTable(); });
    next.addEventListener("click", () => { page += 1; loadTable(); });
    nav.append(prev, el("span", {}, t("page_of", { p: fmtNumber(page), n: fmtNumber(pages) })), next);
    box.append(nav);
  } catch (error) {
    box.replaceChildren(el("p", { class: "error" }, errorText(error)));
  }
}

function csvCell(value) {
  const text = value == null ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function incidentsToCsv(items) {
  const columns = ["id", "external_id", "received_at", "closed_at", "source", "type_code", "type_name", "priority", "status", "disposition",
    "district_id", "district", "station_id", "beat_id", "address", "lon", "lat", "simulated", "description"];
  const lines = [columns.join(",")];
  for (const i of items) {
    const row = { ...i, type_name: typeName(i.type_code), district: districtName(i.district_id) };
    lines.push(columns.map((c) => csvCell(row[c])).join(","));
  }
  return "\ufeff" + lines.join("\r\n") + "\r\n"; // BOM so spreadsheet programs read UTF-8 Chinese correctly
}

async function exportCsv() {
  try {
    const { items } = await allPages("/incidents", filters, { maxItems: 100000 });
    const blob = new Blob([incidentsToCsv(items)], { type: "text/csv;charset=utf-8" });
    const link = el("a", { href: URL.createObjectURL(blob), download: `incidents-${new Date().toISOString().slice(0, 10)}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (error) {
    toast(errorText(error), "error");
  }
}

async function loadCharts() {
  const basis = document.getElementById("charts-basis");
  basis.textContent = t("loading");
  let items;
  try {
    ({ items } = await allPages("/incidents", filters, { maxItems: CHART_SAMPLE }));
  } catch (error) {
    basis.textContent = errorText(error);
    return;
  }
  basis.textContent = t("charts_basis", { n: fmtNumber(items.length) });
  const hours = new Array(24).fill(0);
  const weekdays = new Array(7).fill(0);
  const types = new Map();
  const districts = new Map();
  for (const i of items) {
    const parts = localHourAndWeekday(i.received_at); // in the city's time zone
    hours[parts.hour] += 1;
    weekdays[parts.weekday] += 1;
    types.set(i.type_code, (types.get(i.type_code) || 0) + 1);
    const district = districtName(i.district_id) || "—";
    districts.set(district, (districts.get(district) || 0) + 1);
  }
  const topTypes = [...types.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const byDistrict = [...districts.entries()].sort((a, b) => b[1] - a[1]);
  for (const chart of charts) chart.destroy();
  charts = [
    bar("chart_hour", hours.map((_, h) => fmtNumber(h)), hours),
    bar("chart_weekday", weekdayNames(), weekdays),
    bar("chart_type", topTypes.map(([code]) => typeName(code)), topTypes.map(([, n]) => n), true),
    bar("chart_district", byDistrict.map(([d]) => d), byDistrict.map(([, n]) => n), true),
  ];
}

function bar(id, labels, values, horizontal = false) {
  const canvas = document.getElementById(id);
  canvas.dataset.total = String(values.reduce((a, b) => a + b, 0));
  return new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: t(id), data: values, backgroundColor: "#1557a0" }] },
    options: {
      indexAxis: horizontal ? "y" : "x", animation: false, responsive: true, maintainAspectRatio: false, locale: lang(),
      plugins: { legend: { display: false } }, scales: { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } },
    },
  });
}

// "Send as directive" on a spike and on a repeat-call place (the directive form, prefilled with its link).
const DIRECTIVE_SOURCES = { spikes: fromSpike, repeat_calls: fromRepeatPlace };

function renderGenericTable(rows, key) {
  const table = el("table", { class: "data", "data-table": key });
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => typeof rows[0][c] !== "object" || rows[0][c] === null);
  const head = el("tr");
  for (const c of columns) head.append(el("th", { scope: "col" }, c));
  table.append(head);
  for (const r of rows.slice(0, 200)) {
    const tr = el("tr");
    for (const c of columns) {
      const v = r[c];
      tr.append(el("td", {}, typeof v === "number" ? fmtNumber(v, { maximumFractionDigits: 3 }) : /_at$/.test(c) && v ? fmtDateTime(v) : String(v ?? "")));
    }
    const send = DIRECTIVE_SOURCES[key] && (key !== "spikes" || r.alarm) ? directiveButton(DIRECTIVE_SOURCES[key](r)) : null;
    if (send) {
      const cell = el("td");
      cell.append(send);
      tr.append(cell);
    }
    table.append(tr);
  }
  return table;
}

async function loadAnalysisTable(def, box) {
  const note = box.querySelector("p");
  try {
    const result = await optional(def.path);
    if (!result.available) {
      note.textContent = t("not_available");
      note.dataset.state = "not_available";
      return;
    }
    const rows = Array.isArray(result.data) ? result.data : result.data.items || result.data.rows || [];
    if (!rows.length) {
      note.textContent = t("no_data");
      note.dataset.state = "no_data";
      return;
    }
    note.remove();
    box.append(renderGenericTable(rows, def.key));
  } catch (error) {
    note.textContent = errorText(error);
    note.dataset.state = "error";
  }
}
