// The unit board: units grouped by station and status, each with its current incident and time in status;
// click to locate on the map; filter by status and by call sign, type or incident.
import { api } from "./api.js";
import { fmtNumber, name, t } from "./i18n.js";
import { openIncident } from "./incident.js";
import { side } from "./side.js";
import { incidentTitle, on, store } from "./store.js";
import { badge, button, choices, el, field, select } from "./ui.js";
import { timer } from "./timers.js";

const filters = { status: "", text: "" };
const current = new Map(); // unit id -> incident id of its assignment not yet cleared
const shownStatus = new Map(); // unit id -> the status its row shows
let scheduled = null;

export function initUnitBoard() {
  on("unit", (unit) => {
    if (side.panel !== "units" || side.incidentId) return;
    if (shownStatus.get(unit.id) !== unit.status) scheduleBoard();
  });
}

function scheduleBoard() {
  clearTimeout(scheduled);
  scheduled = setTimeout(() => side.panel === "units" && !side.incidentId && renderUnitBoard(), 500);
}

/** Read which unit works which incident; true when that changed. */
async function loadAssignments() {
  try {
    const assignments = await api("/assignments/current");
    const before = JSON.stringify([...current]);
    current.clear();
    for (const a of assignments) current.set(a.unit_id, a.incident_id);
    return JSON.stringify([...current]) !== before;
  } catch {
    return false; // the board still shows units and statuses
  }
}

/** Render the units panel (the side panel's "units" tab) at once, and again once the assignments are read. */
export function renderUnitBoard() {
  drawBoard();
  loadAssignments().then((changed) => changed && side.panel === "units" && !side.incidentId && drawBoard());
}

function drawBoard() {
  const panel = document.getElementById("panel-units");
  const hadFocus = document.activeElement?.id === "unit-text-filter";
  const units = [...store.units.values()];
  const available = units.filter((u) => u.status === "available").length;
  const status = select({ id: "unit-filter" }, choices(store.meta.unit.statuses, "unit"), { blank: t("all") });
  status.value = filters.status;
  status.addEventListener("change", () => {
    filters.status = status.value;
    renderUnitBoard();
  });
  const text = el("input", { type: "search", id: "unit-text-filter", placeholder: t("unit_board_filter"), "aria-label": t("unit_board_filter") });
  text.value = filters.text;
  text.addEventListener("input", () => {
    filters.text = text.value;
    scheduleBoard();
  });
  const tools = el("div", { class: "row wrap unit-tools" });
  tools.append(field("unit_status_filter", status), text);
  const board = el("div", { id: "unit-list", class: "unit-board" });
  for (const [stationId, group] of groupByStation(units.filter(matches))) board.append(stationGroup(stationId, group));
  panel.replaceChildren(el("h2", { id: "units-count" }, t("units_count", { n: fmtNumber(units.length), a: fmtNumber(available) })), tools, board);
  if (hadFocus) {
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
  }
}

function matches(unit) {
  if (filters.status && unit.status !== filters.status) return false;
  const needle = filters.text.trim().toLowerCase();
  if (!needle) return true;
  const incident = store.incidents.get(current.get(unit.id));
  return `${unit.call_sign} ${t(`unit_type.${unit.unit_type}`)} ${incident ? incidentTitle(incident) : ""}`.toLowerCase().includes(needle);
}

function groupByStation(units) {
  const groups = new Map();
  for (const unit of units) {
    const key = unit.home_station_id ?? 0;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(unit);
  }
  const label = (id) => (id ? name(store.stations.get(id)) || `#${id}` : "\uffff");
  return [...groups.entries()].sort((a, b) => label(a[0]).localeCompare(label(b[0])));
}

function stationGroup(stationId, units) {
  const station = store.stations.get(stationId);
  const details = el("details", { class: "unit-group", "data-station-id": String(stationId || "") });
  details.open = true;
  const available = units.filter((u) => u.status === "available").length;
  details.append(el("summary", {}, `${station ? name(station) : t("unit_no_station")} · ${t("units_count", { n: fmtNumber(units.length), a: fmtNumber(available) })}`));
  const order = store.meta.unit.statuses;
  for (const status of order) {
    const inStatus = units.filter((u) => u.status === status).sort((a, b) => a.call_sign.localeCompare(b.call_sign));
    if (!inStatus.length) continue;
    const list = el("ul", { class: "unit-list", "data-status": status });
    for (const unit of inStatus) list.append(unitRow(unit));
    details.append(el("h4", { class: "unit-status-head", "data-status": status }, `${t(`unit.${status}`)} (${fmtNumber(inStatus.length)})`), list);
  }
  return details;
}

function unitRow(unit) {
  shownStatus.set(unit.id, unit.status);
  const row = el("li", { "data-unit-id": String(unit.id), "data-status": unit.status });
  const locate = button(unit.call_sign, { class: "link call-sign", "aria-label": t("unit_locate", { unit: unit.call_sign }) }, () => locateUnit(unit.id));
  locate.disabled = unit.lon == null;
  row.append(locate, el("span", { class: "unit-type" }, t(`unit_type.${unit.unit_type}`)),
    el("span", { class: "unit-status", "data-status": unit.status }, t(`unit.${unit.status}`)),
    timer({ since: unit.status_at, labelKey: "in_status", attrs: { "data-kind": "unit-status" } }));
  const incidentId = current.get(unit.id);
  if (incidentId) {
    const incident = store.incidents.get(incidentId);
    row.append(button(incident ? incidentTitle(incident) : t("unit_on_incident", { id: incidentId }),
      { class: "link unit-incident", "data-incident-id": String(incidentId) }, () => openIncident(incidentId)));
  }
  if (unit.simulated) row.append(badge(t("simulated"), "sim"));
  return row;
}

/** Centre the map on a unit and open its tooltip. */
export function locateUnit(unitId) {
  const unit = store.units.get(unitId);
  const marker = side.map.unitMarkers.get(unitId);
  if (!unit || unit.lon == null) return;
  side.map.map.setView([unit.lat, unit.lon], Math.max(side.map.map.getZoom(), 15), { animate: false });
  if (marker) {
    side.map.units.zoomToShowLayer?.(marker, () => marker.openTooltip());
    document.getElementById("map").dataset.located = String(unitId);
  }
}
