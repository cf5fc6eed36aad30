// The overdue board (警情超期): incidents near their time limit (amber) and past it (red), latest first, with
// timers counting on the page; refreshed from the live stream. A side-panel tab, and a part of the station view.
import { api } from "./api.js";
import { fmtNumber, name, t } from "./i18n.js";
import { openIncident } from "./incident.js";
import { registerPanel, side } from "./side.js";
import { can, on, store, typeName } from "./store.js";
import { badge, button, el, errorText } from "./ui.js";
import { rememberBoard, serverNow, setServerNow, timer } from "./timers.js";

const REFRESH_MS = 30000;
const boards = new Set(); // {box, stationId} of every board on the page
let scheduled = null;

export function initOverdue() {
  registerPanel("overdue", () => showBoard(document.getElementById("panel-overdue"), {}));
  document.getElementById("stab-overdue").hidden = !can("see_deadlines");
  for (const kind of ["incident", "escalation"]) on(kind, scheduleRefresh);
  setInterval(refreshAll, REFRESH_MS);
  if (can("see_deadlines")) loadBoard({}).then((board) => board && updateBadge(board)).catch(() => {});
}

function scheduleRefresh() {
  clearTimeout(scheduled);
  scheduled = setTimeout(refreshAll, 800);
}

function refreshAll() {
  for (const entry of [...boards]) {
    if (!entry.box.isConnected) boards.delete(entry);
    else if (!entry.box.closest("[hidden]")) renderBoard(entry);
  }
  if (can("see_deadlines") && !boards.size) loadBoard({}).then((board) => board && updateBadge(board)).catch(() => {});
}

/** Show the board of the account's scope (or one station) in `box`, kept fresh from the stream. */
export function showBoard(box, { stationId = null } = {}) {
  for (const entry of boards) if (entry.box === box) boards.delete(entry);
  const entry = { box, stationId };
  boards.add(entry);
  return renderBoard(entry);
}

async function loadBoard({ stationId = null }) {
  const board = await api("/supervision/overdue", { query: { station_id: stationId, limit: 200 } });
  setServerNow(board.now);
  if (!stationId) rememberBoard(board);
  return board;
}

function updateBadge(board) {
  const tab = document.getElementById("stab-overdue");
  if (!tab) return;
  tab.dataset.red = String(board.red);
  tab.textContent = board.red ? `${t("panel_overdue")} ${fmtNumber(board.red)}` : t("panel_overdue");
}

async function renderBoard(entry) {
  const { box, stationId } = entry;
  let board;
  try {
    board = await loadBoard({ stationId });
  } catch (error) {
    box.replaceChildren(el("h2", {}, t("overdue_title")), el("p", { class: "error" }, errorText(error)));
    return;
  }
  if (!stationId) updateBadge(board);
  const items = [...board.items].sort(byLateness);
  const list = el("ol", { class: "overdue-list", id: stationId ? `overdue-list-${stationId}` : "overdue-list" });
  for (const item of items) list.append(boardRow(item));
  box.replaceChildren(el("h2", { class: "overdue-title" }, t("overdue_title")),
    el("p", { class: "overdue-counts", "data-red": String(board.red), "data-amber": String(board.amber) },
      t("overdue_counts", { red: fmtNumber(board.red), amber: fmtNumber(board.amber) })));
  if (!items.length) box.append(el("p", { class: "muted overdue-none" }, t("overdue_none")));
  box.append(list);
  if (board.truncated) box.append(el("p", { class: "muted" }, t("overdue_truncated", { n: fmtNumber(items.length) })));
  return board;
}

/** Latest first: the most seconds past (or the fewest to go) on the server's clock now. */
function byLateness(a, b) {
  return Date.parse(a.deadline_at) - Date.parse(b.deadline_at) || a.priority - b.priority;
}

function boardRow(item) {
  const red = Date.parse(item.deadline_at) <= serverNow();
  const row = el("li", { class: "overdue-row", "data-state": red ? "red" : "amber", "data-incident-id": String(item.incident_id),
    "data-stage": item.stage });
  const open = button("", { class: "incident-row overdue-open" }, () => openFromBoard(item.incident_id));
  open.append(badge(t("priority_n", { n: item.priority }), `p${item.priority}`),
    el("span", { class: "incident-type" }, `#${item.incident_id} ${typeName(item.type_code)}`),
    badge(t(`stage.${item.stage}`), "stage"),
    timer({ until: item.deadline_at, warnAt: item.warn_at, labelKey: "to_limit", attrs: { "data-kind": "limit" } }));
  if (item.simulated) open.append(badge(t("simulated"), "sim"));
  const station = store.stations.get(item.station_id);
  open.append(el("span", { class: "incident-address" }, [item.address, station ? name(station) : ""].filter(Boolean).join(" · ")));
  if (item.escalation_level) open.append(el("span", { class: "escalation", "data-level": String(item.escalation_level) }, t(`level.${item.escalation_level}`)));
  row.append(open);
  return row;
}

async function openFromBoard(incidentId) {
  if (document.body.dataset.view !== "map") document.getElementById("tab-map").click();
  side.panel = "overdue";
  await openIncident(incidentId);
}
