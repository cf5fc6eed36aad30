// Officer view for a phone-sized screen: my assignment, acknowledge, status buttons, route to the scene; my unit's
// directives (sent to it or naming it) with their deadline and status.
import { api, optional } from "./api.js";
import { fmtDateTime, fmtDistance, fmtDuration, pair, t, onLangChange } from "./i18n.js";
import { addRoads, createBaseMap, PRIORITY_COLOURS, UNIT_COLOURS } from "./map.js";
import { incidentTitle, manualMoves, on, store, upsertUnit } from "./store.js";
import { badge, el, errorText, escapeHtml, incidentBadges, toast } from "./ui.js";
import { explainRefusal, fieldSection, positionControls } from "./officer-field.js";

let map = null;
let overlay = null;
let current = null; // {assignment, incident, unit} or null
let available = true;
let refreshTimer = null;
let directives = null; // the unit's open directives (a page of GET /directives?for_me), or {error}
let directivesTimer = null;

const OPEN_DIRECTIVES = ["issued", "signed_for", "in_progress", "reported"];

function view() {
  return document.getElementById("view-officer");
}

export function initOfficer() {
  on("unit", (unit) => {
    if (unit.id === store.me.unit_id) scheduleRefresh();
  });
  on("incident", (incident) => {
    if (current?.incident?.id === incident.id) scheduleRefresh();
  });
  on("directive", () => { // a step of a directive of the station: the list asks the server which are the unit's
    clearTimeout(directivesTimer);
    directivesTimer = setTimeout(() => !view().hidden && refreshDirectives(), 600);
  });
  onLangChange(() => {
    if (view().hidden) return;
    render();
    renderDirectives();
  });
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => !view().hidden && refresh(), 300);
}

export async function showOfficer() {
  if (!view().dataset.built) build();
  await Promise.all([refresh(), refreshDirectives()]);
  map.invalidateSize();
}

function build() {
  view().dataset.built = "1";
  view().replaceChildren(el("div", { id: "officer-card", class: "officer-card", "aria-live": "polite" }),
    el("section", { id: "officer-directives", class: "officer-card" }),
    el("div", { id: "officer-map", class: "officer-map", role: "application", "aria-label": t("navigation") }));
  map = createBaseMap(document.getElementById("officer-map"), { zoom: 13 });
  addRoads(map);
  overlay = L.layerGroup().addTo(map);
}

async function refresh() {
  if (!store.me.unit_id) {
    current = null;
    render();
    return;
  }
  try {
    const [unit, result] = await Promise.all([api(`/units/${store.me.unit_id}`), optional("/officer/assignment")]);
    upsertUnitQuietly(unit);
    available = result.available;
    current = result.available && result.data ? { ...result.data, unit } : { unit };
  } catch (error) {
    current = { error };
  }
  render();
}

function upsertUnitQuietly(unit) {
  const known = store.units.get(unit.id);
  if (!known || known.status !== unit.status || known.lon !== unit.lon || known.lat !== unit.lat) upsertUnit(unit);
}

function statusButton(labelKey, status, unit) {
  const node = el("button", { type: "button", class: "big", "data-unit-status": status }, t(labelKey));
  node.disabled = !manualMoves("unit", unit.status).includes(status); // the server's unit status machine
  node.addEventListener("click", async () => {
    node.disabled = true;
    try {
      upsertUnit(await api(`/units/${unit.id}/status`, { method: "POST", body: { status } }));
      await refresh();
    } catch (error) {
      if (!explainRefusal(error)) toast(errorText(error), "error");
      node.disabled = false;
    }
  });
  return node;
}

// What the officer is typing survives the card being rebuilt (every update of their unit or call, their own
// position reports included): the field note, the disposition and its feedback, the focus and the caret.
const TYPED = ["officer-note", "officer-feedback", "officer-disposition"];

function typed() {
  const values = {};
  for (const id of TYPED) {
    const node = document.getElementById(id);
    if (node) values[id] = node.value;
  }
  const focus = document.activeElement;
  return { values, incidentId: current?.incident?.id, focus: TYPED.includes(focus?.id) ? focus.id : null,
    caret: focus?.selectionStart ?? null };
}

function retype(saved) {
  if (saved.incidentId === undefined || saved.incidentId !== current?.incident?.id) return;
  for (const [id, value] of Object.entries(saved.values)) {
    const node = document.getElementById(id);
    if (node && value) node.value = value;
  }
  const focus = saved.focus && document.getElementById(saved.focus);
  if (!focus) return;
  focus.focus();
  if (saved.caret !== null && typeof focus.setSelectionRange === "function") focus.setSelectionRange(saved.caret, saved.caret);
}

function render() {
  const saved = typed();
  fillCard();
  retype(saved);
}

function fillCard() {
  const card = document.getElementById("officer-card");
  if (!card) return;
  card.replaceChildren();
  overlay?.clearLayers();
  if (!store.me.unit_id) {
    card.append(el("p", { class: "muted", id: "officer-no-unit" }, t("no_unit")));
    return;
  }
  if (!current) { // the first load is still on its way (a language switch can come before it)
    card.append(el("p", { class: "muted" }, t("loading")));
    return;
  }
  if (current.error) {
    card.append(el("p", { class: "error" }, errorText(current.error)));
    return;
  }
  const unit = current.unit;
  const head = el("div", { class: "officer-unit" });
  head.append(el("span", {}, t("my_unit")), el("strong", { id: "officer-unit" }, unit.call_sign),
    el("span", { class: "unit-status", id: "officer-unit-status", "data-status": unit.status, style: `--c:${UNIT_COLOURS[unit.status]}` }, t(`unit.${unit.status}`)));
  card.append(head, positionControls());
  if (unit.lon != null) {
    L.circleMarker([unit.lat, unit.lon], { radius: 8, color: "#fff", weight: 2, fillColor: UNIT_COLOURS[unit.status], fillOpacity: 1 }).addTo(overlay).bindTooltip(escapeHtml(unit.call_sign));
  }
  if (!available) {
    card.append(el("p", { class: "muted", id: "officer-unavailable" }, t("not_available")));
    return;
  }
  const incident = current.incident;
  if (!incident) {
    card.append(el("p", { class: "muted", id: "officer-no-assignment" }, t("no_assignment")));
    if (unit.status !== "available" && unit.status !== "off_duty") card.append(statusButton("set_available", "available", unit));
    if (unit.lon != null) map.setView([unit.lat, unit.lon], 14);
    return;
  }
  const box = el("section", { class: "assignment", id: "officer-assignment", "data-incident-id": String(incident.id) });
  box.append(el("h2", {}, incidentTitle(incident)));
  const badges = el("p", { class: "badges" });
  badges.append(...incidentBadges(incident));
  if (incident.simulated) badges.append(badge(`[${t("simulated")}]`, "sim"));
  box.append(badges);
  box.append(el("p", { class: "address" }, incident.address), el("p", {}, incident.description), el("p", { class: "muted" }, fmtDateTime(incident.received_at)));
  const actions = el("div", { class: "officer-actions" });
  const assignment = current.assignment || {};
  if (assignment.acknowledged_at) {
    actions.append(el("p", { class: "ok", id: "officer-acknowledged" }, `${t("acknowledged")} ${fmtDateTime(assignment.acknowledged_at)}`));
  } else {
    const ack = el("button", { type: "button", class: "big primary", id: "officer-ack" }, t("acknowledge"));
    ack.addEventListener("click", async () => {
      ack.disabled = true;
      try {
        await api("/officer/assignment/ack", { method: "POST" });
        toast(t("acknowledged"));
        await refresh();
      } catch (error) {
        ack.disabled = false;
        toast(errorText(error), "error");
      }
    });
    actions.append(ack);
  }
  actions.append(statusButton("set_en_route", "en_route", unit), statusButton("set_on_scene", "on_scene", unit));
  // Clearing is offered on scene only: before that the server refuses to clear the last unit of the call.
  if (unit.status === "on_scene") actions.append(statusButton("set_available", "available", unit));
  box.append(actions, fieldSection(incident, unit, () => refresh()));
  const route = el("p", { id: "officer-route", class: "muted" }, t("loading"));
  box.append(el("h3", {}, t("navigation")), route);
  card.append(box);

  const scene = [incident.lat, incident.lon];
  L.circleMarker(scene, { radius: 10, color: "#111", weight: 2, fillColor: PRIORITY_COLOURS[incident.priority], fillOpacity: 0.9 }).addTo(overlay);
  if (unit.lon == null) {
    map.setView(scene, 15);
    route.textContent = "";
    return;
  }
  map.fitBounds(L.latLngBounds([scene, [unit.lat, unit.lon]]).pad(0.3));
  api("/map/route", { query: { from_lon: unit.lon, from_lat: unit.lat, to_lon: incident.lon, to_lat: incident.lat } })
    .then((found) => {
      const line = L.geoJSON(found.path, { style: { color: "#0d47a1", weight: 5, opacity: 0.85 } }).addTo(overlay);
      map.fitBounds(line.getBounds().pad(0.2));
      route.textContent = t("route_summary", { time: fmtDuration(found.travel_time_s), distance: fmtDistance(found.distance_m) });
      route.dataset.kind = "road";
    })
    .catch(() => {
      L.polyline([[unit.lat, unit.lon], scene], { color: "#0d47a1", weight: 3, dashArray: "6 6" }).addTo(overlay);
      route.textContent = t("route_straight");
      route.dataset.kind = "straight";
    });
}

async function refreshDirectives() {
  if (!store.me.unit_id) {
    directives = null;
  } else {
    try {
      directives = await api("/directives", { query: { for_me: true, status: OPEN_DIRECTIVES, page_size: 20 } });
    } catch (error) {
      directives = { error };
    }
  }
  renderDirectives();
}

/** My unit's directives not yet checked: title, kind, status, deadline (and how late), each in the chosen language. */
function renderDirectives() {
  const box = document.getElementById("officer-directives");
  if (!box) return;
  box.hidden = !directives;
  if (!directives) return;
  const heading = el("h2", {}, t("officer_directives"));
  if (directives.error) {
    box.replaceChildren(heading, el("p", { class: "error" }, errorText(directives.error)));
    return;
  }
  const list = el("ul", { class: "directive-list", id: "officer-directive-list" });
  if (!directives.items.length) list.append(el("li", { class: "muted", id: "officer-no-directives" }, t("officer_no_directives")));
  for (const d of directives.items) {
    const item = el("li", { "data-directive-id": String(d.id), "data-status": d.status, "data-overdue": String(d.overdue) });
    item.append(el("strong", {}, d.title), " ", badge(pair({ zh: d.kind_zh, en: d.kind_en }), "stage"),
      badge(pair({ zh: d.status_zh, en: d.status_en }), "status", { "data-status": d.status }),
      el("span", { class: "muted directive-deadline" }, ` ${t("directive_deadline", { at: fmtDateTime(d.deadline) })}`));
    if (d.overdue) item.append(el("span", { class: "error directive-late" }, ` ${t("officer_directive_late", { time: fmtDuration(d.late_s) })}`));
    list.append(item);
  }
  if (directives.total > directives.items.length) list.append(el("li", { class: "muted" }, t("officer_directives_more", { n: directives.total - directives.items.length })));
  box.replaceChildren(heading, list);
}
