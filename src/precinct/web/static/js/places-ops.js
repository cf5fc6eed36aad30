// The places view (场所): its tab in the top bar, the premises list and page (premises.js), and beside them the
// places board (overdue inspections and hazards), the repeat-call places with their operations (拔钉), the
// disputes (矛盾纠纷) and the beat log counted per beat per week. Loaded on its own from index.html: it waits
// for the console to be ready and adds nothing to the other views.
import { optional } from "./api.js";
import { fmtDateTime, fmtNumber, onLangChange } from "./i18n.js";
import { can, on } from "./store.js";
import { el, errorText } from "./ui.js";
import { tp } from "./i18n-places.js";
import { renderPremisesList, renderPremisesPage } from "./premises.js";
import { renderBeats } from "./places-beats.js";
import { renderDisputes } from "./places-disputes.js";
import { renderRepeats } from "./places-operations.js";

let openPremisesId = null;

function view() {
  return document.getElementById("view-places");
}

function tab() {
  return document.getElementById("tab-places");
}

function whenReady(fn) {
  if (document.body.dataset.ready === "true") return fn();
  const watcher = new MutationObserver(() => {
    if (document.body.dataset.ready !== "true") return;
    watcher.disconnect();
    fn();
  });
  watcher.observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
}

function show() {
  for (const section of document.querySelectorAll("#app > main > .view, #app .view")) section.hidden = section !== view();
  for (const other of document.querySelectorAll("#view-tabs button")) {
    other.classList.toggle("active", other === tab());
    other.setAttribute("aria-pressed", String(other === tab()));
  }
  document.body.dataset.view = "places";
  render();
}

/** Show the places view on one premises' page (from an alert about its hazard). */
export function showPremises(premisesId) {
  openPremisesId = premisesId;
  show();
}

function hide() {
  view().hidden = true;
  tab().classList.remove("active");
  tab().setAttribute("aria-pressed", "false");
}

function render() {
  const premisesArea = el("div", { class: "places-premises", id: "places-premises" });
  const opsArea = el("div", { class: "places-ops", id: "places-ops" });
  const layout = el("div", { class: "places-layout", style: "display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:12px" });
  layout.append(premisesArea, opsArea);
  view().replaceChildren(layout);
  renderPremises(premisesArea);
  renderOps(opsArea);
}

function renderPremises(area) {
  const openPage = (id) => {
    openPremisesId = id;
    renderPremisesPage(area, id, { onBack: () => {
      openPremisesId = null;
      renderPremises(area);
    } });
  };
  if (openPremisesId === null) renderPremisesList(area, { onOpen: openPage });
  else openPage(openPremisesId);
}

function card(titleText, id) {
  const node = el("section", { class: "card places-box", id });
  node.append(el("h3", {}, titleText));
  return node;
}

async function renderOps(area) {
  const board = card(tp("board"), "places-board");
  const repeats = card(tp("repeat_places"), "places-repeats");
  const disputes = card(tp("disputes"), "places-disputes");
  const beats = card(tp("beat_log"), "places-beats");
  area.replaceChildren(board, repeats, disputes, beats);
  const guarded = (target, draw) => draw(target).catch((error) => target.append(el("p", { class: "error" }, errorText(error))));
  await Promise.all([guarded(board, renderBoard), guarded(repeats, renderRepeats), guarded(disputes, renderDisputes), guarded(beats, renderBeats)]);
}

async function renderBoard(target) {
  const data = (await optional("/places/board")).data;
  if (!data) return;
  const list = el("ul", { class: "plain-list" });
  list.append(el("li", { id: "board-inspections" }, tp("board_inspections", { n: fmtNumber(data.overdue_inspections.length) })),
    el("li", { id: "board-hazards" }, tp("board_hazards", { n: fmtNumber(data.overdue_hazards.length) })));
  for (const due of data.overdue_inspections.slice(0, 10)) list.append(el("li", { class: "muted" }, `${due.name} · ${fmtDateTime(due.due_at)}`));
  for (const hazard of data.overdue_hazards.slice(0, 10)) list.append(hazardItem(hazard));
  target.append(list);
}

/** An overdue hazard on a board: what, its deadline, and how far it has been raised (派出所, 分局, 市局) in words. */
export function hazardItem(hazard) {
  return el("li", { "data-hazard-id": String(hazard.id), "data-escalation-level": String(hazard.escalation_level) },
    `${hazard.description} · ${fmtDateTime(hazard.deadline)} · ${tp(`hlevel.${hazard.escalation_level}`)}`);
}

// The station view's grid gets one more box: the station's places board (overdue inspections and hazards).
function hookStationView() {
  const station = document.getElementById("view-station");
  if (!station) return;
  new MutationObserver(() => {
    const grid = station.querySelector(".station-grid");
    if (!grid || grid.querySelector("#station-places-board")) return;
    const target = card(tp("board"), "station-places-board");
    target.classList.add("station-box");
    grid.append(target);
    const stationId = Number(station.dataset.stationId);
    if (!stationId) return;
    optional("/places/board", { query: { station_id: stationId } }).then(({ data }) => {
      if (!data) return;
      const list = el("ul", { class: "plain-list" });
      for (const due of data.overdue_inspections) list.append(el("li", { "data-premises-id": String(due.premises_id) }, `${due.name} · ${fmtDateTime(due.due_at)}`));
      for (const hazard of data.overdue_hazards) list.append(hazardItem(hazard));
      target.append(el("p", { class: "muted" }, `${tp("board_inspections", { n: fmtNumber(data.overdue_inspections.length) })} · ${tp("board_hazards", { n: fmtNumber(data.overdue_hazards.length) })}`), list);
    }).catch((error) => target.append(el("p", { class: "error" }, errorText(error))));
  }).observe(station, { childList: true });
}

whenReady(() => {
  if (!tab() || !view() || !can("read_incidents")) return;
  hookStationView();
  on("escalation", (data) => {
    const board = document.getElementById("places-board");
    if (data.source !== "hazard" || !board || view().hidden) return;
    board.replaceChildren(board.querySelector("h3"));
    renderBoard(board).catch((error) => board.append(el("p", { class: "error" }, errorText(error))));
  });
  tab().textContent = tp("view_places");
  tab().hidden = false;
  tab().addEventListener("click", show);
  for (const other of document.querySelectorAll("#view-tabs button")) if (other !== tab()) other.addEventListener("click", hide);
  onLangChange(() => {
    tab().textContent = tp("view_places");
    if (!view().hidden) render();
  });
});
