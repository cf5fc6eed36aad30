// The overdue board (警情超期): incidents near their time limit (amber) and past it (red), latest first, with
// timers counting on the page; refreshed from the live stream. A side-panel tab, and a part of the station view.
// Under the side tab's board, the time-limit table (time-limits.js).
// The same board shows another source's rows (the cases' legal deadlines, case-board.js): showBoard(box, {source}).
import { api } from "./api.js";
import { fmtNumber, name, t } from "./i18n.js";
import { openIncident } from "./incident.js";
import { registerPanel, side } from "./side.js";
import { can, on, store, typeName } from "./store.js";
import { badge, button, el, errorText } from "./ui.js";
import { serverNow, setServerNow, timer } from "./timers.js";
import { showTimeLimits } from "./time-limits.js";

const REFRESH_MS = 30000;
const boards = new Set(); // {box, stationId, source} of every board on the page
const heard = new Set(); // the live event kinds the boards refresh on
let scheduled = null;

/** The incidents' board: GET /supervision/overdue, its rows opening the incident card on the map. */
const INCIDENTS = {
  load: (stationId) => api("/supervision/overdue", { query: { station_id: stationId, limit: 200 } }),
  events: ["incident", "escalation"], due: (item) => item.deadline_at, row: boardRow, listId: "overdue-list",
  texts: { title: () => t("overdue_title"), counts: (vars) => t("overdue_counts", vars), none: () => t("overdue_none"),
    truncated: (vars) => t("overdue_truncated", vars) },
};

export function initOverdue() {
  registerPanel("overdue", () => {
    const panel = document.getElementById("panel-overdue");
    let board = document.getElementById("overdue-board");
    let limits = document.getElementById("time-limits");
    if (!board || !limits) {
      board = el("div", { id: "overdue-board" });
      limits = el("section", { id: "time-limits", class: "time-limits" });
      panel.replaceChildren(board, limits);
    }
    showTimeLimits(limits).catch((error) => limits.replaceChildren(el("p", { class: "error" }, errorText(error))));
    return showBoard(board, {});
  });
  document.getElementById("stab-overdue").hidden = !can("see_deadlines");
  listen(INCIDENTS);
  setInterval(refreshAll, REFRESH_MS);
  if (can("see_deadlines")) loadBoard({}).then((board) => board && updateBadge(board)).catch(() => {});
}

function listen(source) {
  for (const kind of source.events) {
    if (heard.has(kind)) continue;
    heard.add(kind);
    on(kind, scheduleRefresh);
  }
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

/** Show the board of the account's scope (or one station) in `box`, kept fresh from the stream; `source` (default:
 * the incidents) says where its rows come from (load, events, due, row, listId, texts; `onLoad` hears each board). */
export function showBoard(box, { stationId = null, source = INCIDENTS } = {}) {
  for (const entry of boards) if (entry.box === box) boards.delete(entry);
  const entry = { box, stationId, source };
  boards.add(entry);
  listen(source);
  return renderBoard(entry);
}

async function loadBoard({ stationId = null, source = INCIDENTS }) {
  const board = await source.load(stationId);
  setServerNow(board.now);
  return board;
}

function updateBadge(board) {
  const tab = document.getElementById("stab-overdue");
  if (!tab) return;
  tab.dataset.red = String(board.red);
  tab.textContent = board.red ? `${t("panel_overdue")} ${fmtNumber(board.red)}` : t("panel_overdue");
}

async function renderBoard(entry) {
  const { box, stationId, source } = entry;
  const { texts } = source;
  let board;
  try {
    board = await loadBoard({ stationId, source });
  } catch (error) {
    box.replaceChildren(el("h2", {}, texts.title()), el("p", { class: "error" }, errorText(error)));
    return;
  }
  if (!stationId && source === INCIDENTS) updateBadge(board);
  const items = [...board.items].sort(byLateness(source.due));
  const list = el("ol", { class: "overdue-list", id: stationId ? `${source.listId}-${stationId}` : source.listId });
  for (const item of items) list.append(source.row(item));
  box.replaceChildren(el("h2", { class: "overdue-title" }, texts.title()),
    el("p", { class: "overdue-counts", "data-red": String(board.red), "data-amber": String(board.amber) },
      texts.counts({ red: fmtNumber(board.red), amber: fmtNumber(board.amber) })));
  if (!items.length) box.append(el("p", { class: "muted overdue-none" }, texts.none()));
  box.append(list);
  if (board.truncated) box.append(el("p", { class: "muted" }, texts.truncated({ n: fmtNumber(items.length) })));
  source.onLoad?.(board, stationId);
  return board;
}

/** Latest first: the most seconds past (or the fewest to go) on the server's clock now; then priority, if any. */
function byLateness(due) {
  return (a, b) => Date.parse(due(a)) - Date.parse(due(b)) || (a.priority ?? 0) - (b.priority ?? 0);
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
