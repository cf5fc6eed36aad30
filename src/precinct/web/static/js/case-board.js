// The cases' overdue board (案件超期预警): the legal deadlines of the account's scope past their reminder time
// (amber) or due (red), most late first, with timers counting on the page. It is the supervision board of
// overdue.js fed by GET /cases/overdue, refreshed on the live `case` and `case_deadline` events; above it the
// counts per station and branch (GET /cases/overdue/summary) narrow it to one station. A reminder or a breach
// told on the stream shows in the toast box.
import { api } from "./api.js";
import { fmtDateTime, fmtNumber, lang, name } from "./i18n.js";
import { showBoard } from "./overdue.js";
import { on, store } from "./store.js";
import { badge, button, el, errorText, toast } from "./ui.js";
import { timer } from "./timers.js";
import { fmtLate, tc } from "./i18n-cases.js";

let ruleNames = null; // rule code -> {zh, en}, from GET /cases/rules
let opener = () => {};
let onRed = () => {};

function ruleName(code) {
  const names = ruleNames?.get(code);
  return names ? (lang() === "en" ? names.en : names.zh) : tc("deadlines");
}

async function loadRules() {
  if (ruleNames) return;
  const table = await api("/cases/rules");
  ruleNames = new Map(table.rules.map((r) => [r.code, { zh: r.name_zh, en: r.name_en }]));
}

function placeName(stationId, districtId) {
  const station = store.stations.get(stationId);
  if (station) return name(station);
  const district = store.districts.get(districtId);
  return district ? `${name(district)} · ${tc("board_branch")}` : "";
}

function caseRow(item) {
  const row = el("li", { class: "overdue-row case-overdue-row", "data-state": item.state, "data-case-id": String(item.case_id),
    "data-deadline-id": String(item.deadline_id), "data-rule": item.rule_code, "data-due": item.due_at });
  const open = button("", { class: "incident-row overdue-open" }, () => opener(item.case_id));
  open.append(badge(tc(`dstate.${item.state}`), item.state === "red" ? "p1" : "p2"),
    el("span", { class: "incident-type" }, `${item.number} · ${ruleName(item.rule_code)}`),
    timer({ until: item.due_at, warnAt: item.warn_at, labelKey: "to_limit", attrs: { "data-kind": "case-limit" } }),
    el("span", { class: "incident-address" }, [placeName(item.station_id, item.district_id), item.lead_officer].filter(Boolean).join(" · ")));
  row.append(open);
  return row;
}

const CASES = {
  load: async (stationId) => {
    await loadRules();
    return api("/cases/overdue", { query: { station_id: stationId, limit: 200 } });
  },
  events: ["case", "case_deadline"], due: (item) => item.due_at, row: caseRow, listId: "case-overdue-list",
  texts: { title: () => tc("board"), counts: (vars) => tc("board_counts", vars), none: () => tc("board_none"),
    truncated: (vars) => tc("board_truncated", vars) },
  onLoad: (board, stationId) => {
    if (!stationId) onRed(board.red);
  },
};

/** The board with the counts per station above it; `openCase` opens a row's case. */
export function caseBoardSection(openCase) {
  opener = openCase;
  const node = el("section", { class: "card-section", id: "case-overdue" });
  const stations = el("div", { class: "row wrap", id: "case-overdue-stations" });
  const board = el("div", { id: "case-overdue-board" });
  node.append(stations, board);
  const narrow = (stationId) => {
    for (const b of stations.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.stationId === String(stationId ?? "")));
    showBoard(board, { stationId, source: CASES });
  };
  api("/cases/overdue/summary").then((counts) => {
    if (counts.length < 2) return; // one station: the board is that station's
    stations.append(button(tc("board_all"), { class: "small", "data-station-id": "" }, () => narrow(null)));
    for (const c of counts.filter((count) => count.station_id !== null)) {
      stations.append(button(tc("board_station", { name: placeName(c.station_id, c.district_id), red: fmtNumber(c.red), amber: fmtNumber(c.amber) }),
        { class: "small", "data-station-id": String(c.station_id), "data-red": String(c.red) }, () => narrow(c.station_id)));
    }
  }).catch((error) => stations.append(el("p", { class: "error" }, errorText(error))));
  narrow(null);
  node.append(breachesBlock());
  return node;
}

/** One station's case deadlines on their own (the station view's box); `openCase` opens a row's case. */
export function showStationCaseBoard(box, stationId, openCase) {
  opener = openCase;
  return showBoard(box, { stationId, source: CASES });
}

/** The latest breaches recorded in the scope (GET /cases/breaches): kept after the cases close. */
function breachesBlock() {
  const node = el("div", { id: "case-breaches" });
  node.append(el("h3", {}, tc("breaches")));
  Promise.all([loadRules(), api("/cases/breaches", { query: { page_size: 20 } })]).then(([, page]) => {
    const list = el("ol", { class: "plain-list" });
    for (const b of page.items) {
      const item = el("li", { "data-case-id": String(b.case_id), "data-rule": b.rule_code });
      item.append(button(`#${b.case_id}`, { class: "link" }, () => opener(b.case_id)),
        ` ${tc("breach_line", { rule: ruleName(b.rule_code), due: fmtDateTime(b.due_at), late: fmtLate(b.late_s) })}`);
      list.append(item);
    }
    node.append(page.items.length ? list : el("p", { class: "muted" }, tc("no_breaches")));
    if (page.total > page.items.length) node.append(el("p", { class: "muted" }, tc("breaches_more", { n: fmtNumber(page.total) })));
  }).catch((error) => node.append(el("p", { class: "error" }, errorText(error))));
  return node;
}

/** Hear the cases' reminders and breaches (toast) and tell `redCount` how many of the scope's deadlines are past due. */
export function initCaseAlerts(redCount) {
  onRed = redCount;
  on("case_deadline", (data) => {
    const message = lang() === "en" ? data.en : data.zh;
    if (message) toast(message, data.step === "breached" ? "error" : "info");
  });
  let scheduled = null;
  const count = () => api("/cases/overdue", { query: { limit: 1 } }).then((board) => onRed(board.red)).catch(() => {});
  for (const kind of CASES.events) {
    on(kind, () => {
      clearTimeout(scheduled);
      scheduled = setTimeout(count, 800);
    });
  }
  count();
}
