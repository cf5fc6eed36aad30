// The station view: one station's open and overdue incidents (and the calls of other stations its units reinforce), its
// directives to sign, start and report on (patrol minutes shown), its units, its repeat-call places and premises, and its beats.
import { api, optional } from "./api.js";
import { fmtDateTime, fmtNumber, name, onLangChange, pair, t } from "./i18n.js";
import { openIncident } from "./incident.js";
import { showBoard } from "./overdue.js";
import { can, incidentTitle, isOpen, myTier, on, store } from "./store.js";
import { actionButton, badge, button, el, errorText, incidentBadges, select, toast } from "./ui.js";
import { incidentTimers, timer } from "./timers.js";
import { directiveButton, fromPremises, fromRepeatPlace, inside } from "./directive-form.js";
import { showStationCaseBoard } from "./case-board.js";
import { openCase } from "./cases.js";

const OPEN_DIRECTIVES = ["issued", "signed_for", "in_progress", "reported"];
let stationId = null;
let scheduled = null;

function view() {
  return document.getElementById("view-station");
}

export function initStation() {
  const mine = store.stations.get(store.me.org_unit_id);
  const inDistrict = [...store.stations.values()].filter((s) => s.parent_id === store.me.org_unit_id);
  stationId = mine?.id ?? inDistrict[0]?.id ?? [...store.stations.keys()].sort((a, b) => a - b)[0] ?? null;
  for (const kind of ["incident", "unit", "directive"]) on(kind, () => !view().hidden && scheduleRender(kind));
  onLangChange(() => !view().hidden && showStation());
}

function scheduleRender(kind) {
  clearTimeout(scheduled);
  scheduled = setTimeout(() => (kind === "directive" ? renderDirectives() : renderLive()), 600);
}

export function showStation() {
  const root = view();
  const picker = select({ id: "station-pick" }, [...store.stations.values()].sort((a, b) => a.code.localeCompare(b.code)).map((s) => [s.id, name(s)]));
  picker.value = String(stationId);
  picker.addEventListener("change", () => {
    stationId = Number(picker.value);
    showStation();
  });
  const head = el("div", { class: "card row wrap station-head" });
  head.append(el("h2", { id: "station-name" }, name(store.stations.get(stationId))), el("label", { for: "station-pick" }, t("station_pick")), picker);
  const grid = el("div", { class: "station-grid" });
  for (const [id, key] of [["station-incidents", "station_open"], ["station-overdue", "overdue_title"], ["station-cases", "overdue_title"], ["station-directives", "station_directives"],
    ["station-units", "station_units"], ["station-places", "station_places"], ["station-beats", "station_beats"]]) {
    const box = el("section", { class: "card station-box", id });
    if (id !== "station-overdue" && id !== "station-cases") box.append(el("h3", {}, t(key))); // boards show their own title
    box.append(el("div", { class: "station-body" }, t("loading")));
    grid.append(box);
  }
  root.replaceChildren(head, grid);
  root.dataset.stationId = String(stationId);
  renderLive();
  if (can("see_deadlines")) showBoard(body("station-overdue"), { stationId });
  else document.getElementById("station-overdue").hidden = true;
  if (can("read_cases")) showStationCaseBoard(body("station-cases"), stationId, openCase);
  else document.getElementById("station-cases").hidden = true;
  renderDirectives();
  renderPlaces();
  renderBeats();
}

function body(id) {
  return document.querySelector(`#${id} .station-body`);
}

/** Whether the station's units reinforce `incident`, a call of another station (the server lists such stations). */
function reinforces(incident) {
  return (incident.reinforcing_station_ids || []).includes(stationId);
}

/** "增援江汉派出所" / "Reinforcing Jianghan Station": whose call the station's units help with. */
function reinforcingBadge(incident) {
  const owner = store.stations.get(incident.station_id) || store.districts.get(incident.district_id);
  return badge(owner ? t("station_reinforcing", { owner: name(owner) }) : t("station_reinforcing_any"), "reinforcing",
    { "data-reinforcing": "true" });
}

function renderLive() {
  const incidents = [...store.incidents.values()].filter((i) => (i.station_id === stationId || reinforces(i)) && isOpen(i))
    .sort((a, b) => a.priority - b.priority || a.received_at.localeCompare(b.received_at));
  const list = el("ul", { class: "incident-list", id: "station-incident-list" });
  for (const incident of incidents) {
    const row = button("", { class: "incident-row", "data-incident-id": String(incident.id) }, () => openOnMap(incident.id));
    row.append(...incidentBadges(incident), el("span", { class: "incident-type" }, incidentTitle(incident)),
      el("span", { class: "incident-address" }, incident.address), incidentTimers(incident));
    if (incident.station_id !== stationId) row.append(reinforcingBadge(incident));
    const item = el("li");
    item.append(row);
    list.append(item);
  }
  body("station-incidents").replaceChildren(el("p", { class: "muted" }, fmtNumber(incidents.length)), list);
  const units = [...store.units.values()].filter((u) => u.home_station_id === stationId).sort((a, b) => a.call_sign.localeCompare(b.call_sign));
  const unitList = el("ul", { class: "unit-list", id: "station-unit-list" });
  for (const unit of units) {
    const item = el("li", { "data-unit-id": String(unit.id), "data-status": unit.status });
    item.append(el("strong", {}, unit.call_sign), el("span", { class: "unit-status", "data-status": unit.status }, ` ${t(`unit.${unit.status}`)} `),
      timer({ since: unit.status_at, labelKey: "in_status" }));
    unitList.append(item);
  }
  body("station-units").replaceChildren(unitList);
}

async function openOnMap(incidentId) {
  document.getElementById("tab-map").click();
  await openIncident(incidentId);
}

async function renderDirectives() {
  const box = body("station-directives");
  if (!box) return;
  let page;
  try {
    page = await api("/directives", { query: { station_id: stationId, status: OPEN_DIRECTIVES, page_size: 100 } });
  } catch (error) {
    box.replaceChildren(el("p", { class: "error" }, errorText(error)));
    return;
  }
  const list = el("ul", { class: "directive-list", id: "station-directive-list" });
  if (!page.items.length) list.append(el("li", { class: "muted" }, t("no_data")));
  for (const d of page.items) list.append(directiveRow(d));
  const typed = typedTexts(box);
  box.replaceChildren(list);
  typed.restore(list);
}

/** The report and reason texts being typed in `box` (and the focus): a live update redraws the list, not them. */
function typedTexts(box) {
  const kept = [...box.querySelectorAll("li[data-directive-id] input")].filter((input) => input.value)
    .map((input) => [input.closest("li").dataset.directiveId, input.className, input.value]);
  const focused = document.activeElement?.closest?.("#station-directive-list li[data-directive-id]") ? document.activeElement : null;
  const focus = focused && [focused.closest("li").dataset.directiveId, focused.className];
  const find = (list, [id, cls]) => list.querySelector(`li[data-directive-id="${id}"] [class="${cls}"]`);
  return {
    restore(list) {
      for (const [id, cls, value] of kept) {
        const input = find(list, [id, cls]);
        if (input) input.value = value;
      }
      if (focus) find(list, focus)?.focus();
    },
  };
}

function directiveRow(d) {
  const item = el("li", { "data-directive-id": String(d.id), "data-status": d.status });
  item.append(el("strong", {}, `#${d.id} ${d.title}`), badge(pair({ zh: d.kind_zh, en: d.kind_en }), "stage"),
    badge(pair({ zh: d.status_zh, en: d.status_en }), "status", { "data-status": d.status }),
    el("span", { class: "muted" }, ` ${t("directive_deadline", { at: fmtDateTime(d.deadline) })} `),
    timer({ until: d.deadline, labelKey: "to_limit" }));
  if (d.patrol_minutes != null) item.append(el("span", { class: "patrol-minutes" }, t("directive_patrol_minutes", { m: fmtNumber(d.patrol_minutes, { maximumFractionDigits: 1 }) })));
  if (d.escalation_level) item.append(el("span", { class: "escalation" }, ` ${pair({ zh: d.escalation_zh, en: d.escalation_en })}`));
  const actions = el("div", { class: "row wrap directive-actions" });
  const step = (path, bodyOf) => async () => {
    await api(`/directives/${d.id}/${path}`, { method: "POST", body: bodyOf() });
    toast(t("directive_done"));
    renderDirectives();
  };
  const moves = new Set(d.allowed_moves); // move names: sign, start, report (the target's), accept, return (the issuer's)
  if (worksOn(d)) {
    if (moves.has("sign")) actions.append(actionButton(t("directive_sign"), { class: "directive-sign" }, step("sign", () => ({}))));
    if (moves.has("start")) {
      const units = [...store.units.values()].filter((u) => u.home_station_id === stationId && u.status !== "off_duty").map((u) => u.id).slice(0, 3);
      actions.append(actionButton(t("directive_start"), { class: "directive-start" }, step("start", () => ({ unit_ids: units }))));
    }
    if (moves.has("report")) {
      const text = el("input", { class: "directive-report-text", maxlength: "4000", "aria-label": t("directive_report_text"), placeholder: t("directive_report_text") });
      actions.append(text, actionButton(t("directive_report"), { class: "directive-report" }, step("report", () => ({ text: text.value }))));
    }
  }
  if (checks(d) && moves.has("accept")) {
    if (d.report_text) item.append(el("p", { class: "directive-report-shown" }, `${t("directive_report_text")}: ${d.report_text}`));
    const reason = el("input", { class: "directive-return-reason", maxlength: "2000", "aria-label": t("directive_return_reason"), placeholder: t("directive_return_reason") });
    actions.append(actionButton(t("directive_accept"), { class: "directive-accept" }, step("check", () => ({ outcome: "accepted" }))),
      reason, actionButton(t("directive_return"), { class: "directive-return" }, step("check", () => ({ outcome: "returned", reason: reason.value }))));
  }
  if (actions.children.length) item.append(actions);
  return item;
}

/** Whether this account is of the side that signs for, starts and reports `d` (as the server rules it). */
function worksOn(d) {
  const me = store.me;
  if (!can("work_directives")) return false;
  if (me.role === "patrol_officer") return me.unit_id != null && d.target_unit_id === me.unit_id;
  if (me.org_unit_id == null) return false;
  return me.org_unit_id === (d.target_org_unit_id ?? d.station_id);
}

/** Whether this account is of the issuing side that checks `d`'s report: the issuer, or its unit or one above. */
function checks(d) {
  const me = store.me;
  if (!can("issue_directives")) return false;
  if (d.issued_by === me.username || myTier() === "city" || me.org_unit_id === d.issuer_org_unit_id) return true;
  return store.stations.get(d.issuer_org_unit_id)?.parent_id === me.org_unit_id;
}

async function renderPlaces() {
  const box = body("station-places");
  const station = store.stations.get(stationId);
  const list = el("ul", { class: "place-list", id: "station-place-list" });
  try {
    const [repeats, premises] = await Promise.all([optional("/analysis/repeat-places"), optional("/places/premises", { query: { station_id: stationId } })]);
    for (const place of (repeats.data || []).filter((p) => inside(station?.boundary, p.lon, p.lat))) {
      const item = el("li", { class: "repeat-place" });
      item.append(el("span", {}, `${place.place} · ${fmtNumber(place.n_calls)}`));
      const send = directiveButton({ ...fromRepeatPlace(place), stationId });
      if (send) item.append(send);
      list.append(item);
    }
    for (const feature of premises.data?.features || []) {
      const [lon, lat] = feature.geometry?.type === "Point" ? feature.geometry.coordinates : [];
      const p = { ...feature.properties, station_id: stationId, lon, lat };
      const item = el("li", { class: "premises" });
      item.append(el("span", {}, `${p.name} · ${p.category}`));
      const send = directiveButton(fromPremises(p));
      if (send) item.append(send);
      list.append(item);
    }
  } catch (error) {
    list.append(el("li", { class: "error" }, errorText(error)));
  }
  if (!list.children.length) list.append(el("li", { class: "muted" }, t("no_data")));
  box.replaceChildren(list);
}

async function renderBeats() {
  const box = body("station-beats");
  try {
    const beats = await api("/beats", { query: { station_id: stationId } });
    const list = el("ul", { id: "station-beat-list" });
    for (const beat of beats) list.append(el("li", {}, `${beat.code} ${name(beat)}`));
    if (!beats.length) list.append(el("li", { class: "muted" }, t("no_data")));
    box.replaceChildren(list);
  } catch (error) {
    box.replaceChildren(el("p", { class: "error" }, errorText(error)));
  }
}
