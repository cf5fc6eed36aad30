// The places view (场所): its tab in the top bar, the premises list and page (premises.js), and beside them the
// places board (overdue inspections and hazards), the repeat-call places with their operations (拔钉), the
// disputes (矛盾纠纷) and the beat log counted per beat per week. Loaded on its own from index.html: it waits
// for the console to be ready and adds nothing to the other views.
import { api, optional } from "./api.js";
import { fmtDateTime, fmtNumber, name, onLangChange } from "./i18n.js";
import { can, store } from "./store.js";
import { actionButton, badge, button, el, errorText, select, tableRow, toast } from "./ui.js";
import { tp } from "./i18n-places.js";
import { renderPremisesList, renderPremisesPage } from "./premises.js";

const DISPUTE_KINDS = ["neighbour", "family", "labour", "property", "commercial", "other"];
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
  target.append(list);
}

async function renderRepeats(target) {
  const rows = (await optional("/operations/repeat-places")).data || [];
  if (!rows.length) {
    target.append(el("p", { class: "muted" }, tp("repeat_none")));
    return;
  }
  const list = el("table", { class: "data", id: "repeat-places-table" });
  list.append(el("thead"), el("tbody"));
  list.tHead.append(tableRow({}, [tp("place"), tp("calls"), tp("trend"), tp("operation")]));
  for (const place of rows.slice(0, 30)) {
    const state = place.operation_id ? badge(tp(`ostatus.${place.operation_status}`), "status", { "data-operation-id": String(place.operation_id) })
      : can("command") && place.station_id ? button(tp("operation_open"), { class: "link operation-open" }, () => operationForm(target, place))
        : tp("operation_none");
    list.tBodies[0].append(tableRow({ "data-place": place.place }, [place.place, fmtNumber(place.n_calls), place.trend, state]));
  }
  target.append(list);
}

function operationForm(target, place) {
  const form = el("form", { class: "operation-form", id: "operation-form" });
  const cause = el("input", { id: "op-cause", maxlength: "4000", placeholder: tp("cause") });
  const actions = el("input", { id: "op-actions", maxlength: "4000", placeholder: tp("actions") });
  const review = el("input", { id: "op-review", type: "date" });
  review.valueAsDate = new Date(Date.now() + 30 * 86400e3);
  const error = el("p", { class: "error", role: "alert" });
  form.append(el("h4", {}, `${tp("operation_open")} · ${place.place}`), cause, actions, el("label", { for: review.id }, tp("review_date")), review,
    error, el("button", { type: "submit", class: "primary" }, tp("save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("/operations", { method: "POST", body: { place_key: place.place, place: place.place, lon: place.lon, lat: place.lat,
        cause: cause.value, actions: actions.value, owner_org_unit_id: place.station_id, review_date: review.value } });
      toast(tp("saved"));
      renderOps(document.getElementById("places-ops"));
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  });
  target.append(form);
  cause.focus();
}

async function renderDisputes(target) {
  if (can("mediate")) target.append(disputeForm());
  const rows = (await optional("/disputes")).data || [];
  const list = el("ul", { class: "plain-list", id: "disputes-list" });
  for (const dispute of rows.slice(0, 30)) {
    list.append(el("li", { "data-dispute-id": String(dispute.id) }, `${tp(`dkind.${dispute.kind}`)} · ${dispute.place} · ${name(dispute, "status")}`));
  }
  target.append(rows.length ? list : el("p", { class: "muted" }, tp("disputes_none")));
}

function disputeForm() {
  const form = el("form", { class: "dispute-form", id: "dispute-form" });
  const kind = select({ id: "dispute-kind", "aria-label": tp("f_category") }, DISPUTE_KINDS.map((k) => [k, tp(`dkind.${k}`)]));
  const summary = el("input", { id: "dispute-summary", maxlength: "4000", placeholder: tp("summary") });
  const place = el("input", { id: "dispute-place", maxlength: "256", placeholder: tp("place") });
  const lon = el("input", { id: "dispute-lon", inputmode: "decimal", placeholder: tp("f_lon") });
  const lat = el("input", { id: "dispute-lat", inputmode: "decimal", placeholder: tp("f_lat") });
  const error = el("p", { class: "error", role: "alert" });
  form.append(el("h4", {}, tp("dispute_new")), kind, summary, place, lon, lat, error,
    actionButton(tp("save"), { class: "primary", id: "dispute-save" }, async () => {
      error.textContent = "";
      try {
        await api("/disputes", { method: "POST", body: { kind: kind.value, summary: summary.value, place: place.value || null,
          lon: lon.value ? Number(lon.value) : null, lat: lat.value ? Number(lat.value) : null } });
        toast(tp("saved"));
        renderOps(document.getElementById("places-ops"));
      } catch (failure) {
        error.textContent = errorText(failure);
      }
    }));
  return form;
}

async function renderBeats(target) {
  const stationId = store.stations.has(store.me.org_unit_id) ? store.me.org_unit_id : [...store.stations.keys()].sort((a, b) => a - b)[0];
  if (stationId === undefined) return;
  const rows = (await optional("/places/beat-weeks", { query: { station_id: stationId, weeks: 4 } })).data || [];
  if (!rows.length) {
    target.append(el("p", { class: "muted" }, tp("beat_none")));
    return;
  }
  const list = el("table", { class: "data", id: "beat-weeks-table" });
  list.append(el("thead"), el("tbody"));
  list.tHead.append(tableRow({}, ["", ...rows[0].weeks.map((w) => tp("week_of", { week: w.week_start.slice(5) }))]));
  for (const beat of rows) list.tBodies[0].append(tableRow({ "data-beat-id": String(beat.beat_id) }, [name(beat), ...beat.weeks.map((w) => fmtNumber(w.visits))]));
  target.append(list);
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
      for (const hazard of data.overdue_hazards) list.append(el("li", { "data-hazard-id": String(hazard.id) }, `${hazard.description} · ${fmtDateTime(hazard.deadline)}`));
      target.append(el("p", { class: "muted" }, `${tp("board_inspections", { n: fmtNumber(data.overdue_inspections.length) })} · ${tp("board_hazards", { n: fmtNumber(data.overdue_hazards.length) })}`), list);
    }).catch((error) => target.append(el("p", { class: "error" }, errorText(error))));
  }).observe(station, { childList: true });
}

whenReady(() => {
  if (!tab() || !view() || !can("read_incidents")) return;
  hookStationView();
  tab().textContent = tp("view_places");
  tab().hidden = false;
  tab().addEventListener("click", show);
  for (const other of document.querySelectorAll("#view-tabs button")) if (other !== tab()) other.addEventListener("click", hide);
  onLangChange(() => {
    tab().textContent = tp("view_places");
    if (!view().hidden) render();
  });
});
