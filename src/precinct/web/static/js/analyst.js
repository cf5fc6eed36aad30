// Analyst view: filters, the incident table with CSV export, charts, trends, the heat map with its time slider and
// the analysis tables, all counted on the server with the same filters (no cap), and the planning card.
import { allPages, api } from "./api.js";
import { fmtDateTime, fmtNumber, isoFromLocal, name, t, onLangChange } from "./i18n.js";
import { store, typeName } from "./store.js";
import { choices, dataTable, el, errorText, field, select, tableRow, toast } from "./ui.js";
import { at } from "./analyst-texts.js";
import { chartSection, loadCharts } from "./analyst-charts.js";
import { heatSection, loadHeat } from "./analyst-heat.js";
import { analysisSections, loadAnalysisTables } from "./analyst-tables.js";
import { planningSection } from "./planning-view.js";

const PAGE_SIZE = 100;

let filters = {};
let page = 1;
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
  const wrap = el("div", { class: "field" });
  wrap.append(el("label", { for: id }, at(labelKey)), select({ id }, entries, { blank: t("all") }));
  return wrap;
}

function filterForm() {
  const form = el("form", { id: "analyst-filters", class: "filters card" });
  form.append(el("h2", {}, t("filters")));
  const grid = el("div", { class: "filter-grid" });
  const meta = store.meta;
  const officer = el("div", { class: "field checkbox" });
  officer.append(el("input", { id: "f-officer", type: "checkbox" }), el("label", { for: "f-officer" }, at("f_officer")));
  grid.append(
    field("received_from", el("input", { id: "f-from", type: "datetime-local" })),
    field("received_to", el("input", { id: "f-to", type: "datetime-local" })),
    filterSelect("type", "f-type", [...store.types.values()].map((ty) => [ty.code, name(ty)])),
    filterSelect("f_priority", "f-priority", [1, 2, 3, 4].map((p) => [p, at("priority_n", { p })])),
    filterSelect("district", "f-district", [...store.districts.values()].map((d) => [d.id, name(d)])),
    filterSelect("f_station", "f-station", [...store.stations.values()].map((s) => [s.id, name(s)])),
    filterSelect("source", "f-source", choices(meta.incident_sources, "source")),
    filterSelect("simulated_filter", "f-simulated", [["false", t("only_real")], ["true", t("only_simulated")]]),
    filterSelect("f_status_table", "f-status", choices(meta.incident.statuses, "status")),
    officer,
  );
  form.append(grid);
  const actions = el("div", { class: "row" });
  actions.append(el("button", { type: "submit", class: "primary", id: "f-apply" }, t("apply")), el("button", { type: "button", id: "export-csv" }, t("export_csv")));
  form.append(actions);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    readFilters();
    page = 1;
    loadAll();
  });
  actions.querySelector("#export-csv").addEventListener("click", () => {
    readFilters();
    exportCsv();
  });
  return form;
}

export async function showAnalyst() {
  if (built) return;
  built = true;
  const root = view();
  root.replaceChildren(filterForm(), el("section", { id: "analyst-table", class: "card" }), chartSection(), heatSection(),
    ...analysisSections(), planningSection());
  readFilters();
  loadAll();
}

function loadAll() {
  loadTable();
  const query = aggregateQuery();
  loadCharts(query);
  loadHeat(query);
  loadAnalysisTables(query);
}

function readFilters() {
  const value = (id) => document.getElementById(id).value;
  filters = {
    received_from: isoFromLocal(value("f-from")), received_to: isoFromLocal(value("f-to")), status: value("f-status"),
    type_code: value("f-type"), priority: value("f-priority"), district_id: value("f-district"), station_id: value("f-station"),
    source: value("f-source"), simulated: value("f-simulated"),
    include_officer_initiated: document.getElementById("f-officer").checked ? "true" : "",
  };
}

/** The filters the server's aggregates take (the status filters the table only). */
function aggregateQuery() {
  const rest = { ...filters };
  delete rest.status;
  return rest;
}

/** The filters the incident table takes (it lists every source unless one is chosen). */
function tableQuery() {
  const rest = { ...filters };
  delete rest.include_officer_initiated;
  return rest;
}

function districtName(id) {
  return id ? name(store.districts.get(id)) || String(id) : "";
}

async function loadTable() {
  const box = document.getElementById("analyst-table");
  box.replaceChildren(el("p", {}, t("loading")));
  try {
    const data = await api("/incidents", { query: { ...tableQuery(), page, page_size: PAGE_SIZE } });
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
    const { items } = await allPages("/incidents", tableQuery(), { maxItems: 100000 });
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
