// Dispatcher workflow in the side panel: incident queue, new-call form, incident card (recommendations,
// one-click dispatch, status, response plan, hand-off, parties), units list and duty levels.
import { api, optional, ApiError } from "./api.js";
import { fmtDateTime, fmtDistance, fmtDuration, fmtNumber, name, pair, t, onLangChange } from "./i18n.js";
import { el, escapeHtml, ROMAN } from "./map.js";
import { can, isOpen, on, store, typeName, upsertIncident, upsertUnit } from "./store.js";

const SOURCES = ["phone_110", "online_report", "alarm_button", "transfer", "officer_initiated"];
const DISPOSITIONS = ["resolved", "arrested", "referred", "false_alarm", "duplicate", "cancelled"];
const NEXT = { received: ["closed", "transferred"], dispatched: ["en_route", "on_scene", "closed", "transferred"],
  en_route: ["on_scene", "closed", "transferred"], on_scene: ["closed", "transferred"] };
const UNIT_STATUSES = ["available", "dispatched", "en_route", "on_scene", "off_duty", "out_of_service"];
const PURPOSES = ["purpose_dispatch", "purpose_followup", "purpose_investigation"];

let consoleMap = null;
let activePanel = "queue";
let selectedId = null;
let pick = null; // {lon, lat} of the new call
let callDraft = { type_code: "", search: "" };
const toastEl = () => document.getElementById("toast");

export function toast(message, kind = "info") {
  const box = toastEl();
  box.textContent = message;
  box.dataset.kind = kind;
  box.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("show"), 5000);
}

export function errorText(error) {
  if (error instanceof ApiError) return `${error.title || t("error")}: ${error.message}`;
  return `${t("error")}: ${error.message || error}`;
}

function button(text, attrs = {}, onClick) {
  const node = el("button", { type: "button", ...attrs }, text);
  if (onClick) node.addEventListener("click", onClick);
  return node;
}

function badge(text, kind, extra = {}) {
  return el("span", { class: `badge badge-${kind}`, ...extra }, text);
}

function section(titleKey, id) {
  const box = el("section", { class: "card-section", id });
  box.append(el("h3", {}, t(titleKey)));
  return box;
}

// ---- panels -------------------------------------------------------------------------------------

export function showPanel(panel) {
  activePanel = panel;
  for (const p of ["queue", "call", "units", "duty"]) {
    document.getElementById(`panel-${p}`).hidden = p !== panel;
    const tab = document.getElementById(`stab-${p}`);
    tab.setAttribute("aria-selected", String(p === panel));
    tab.classList.toggle("active", p === panel);
  }
  document.getElementById("panel-incident").hidden = true;
  selectedId = null;
  consoleMap.highlight(null);
  if (panel === "call") renderCallForm();
  if (panel === "units") renderUnits();
  if (panel === "duty") renderDuty();
  if (panel === "queue") renderQueue();
  document.getElementById("map").classList.toggle("picking", panel === "call");
}

export function initDispatch(mapInstance) {
  consoleMap = mapInstance;
  consoleMap.onSelectIncident = (id) => openIncident(id);
  consoleMap.onPick = (latlng) => {
    if (activePanel === "call" && document.getElementById("panel-incident").hidden && can("intake")) setPick(latlng.lng, latlng.lat);
  };
  document.getElementById("stab-call").hidden = !can("intake");
  document.getElementById("stab-duty").hidden = false;
  for (const tab of document.querySelectorAll("#side-tabs [data-panel]")) tab.addEventListener("click", () => showPanel(tab.dataset.panel));
  on("incident", (incident) => {
    scheduleQueue();
    if (incident.id === selectedId) renderIncident();
  });
  on("unit", (unit) => {
    updateUnitRow(unit);
    if (selectedId) scheduleIncidentRefresh();
  });
  on("duty_level", () => activePanel === "duty" && renderDuty());
  onLangChange(() => {
    if (selectedId) renderIncident();
    else showPanel(activePanel);
  });
  showPanel("queue");
}

// ---- queue --------------------------------------------------------------------------------------

let queueFilter = "";
let showSimulated = true;
let queueScheduled = false;

function scheduleQueue() {
  if (queueScheduled) return;
  queueScheduled = true;
  requestAnimationFrame(() => {
    queueScheduled = false;
    if (activePanel === "queue") renderQueue();
  });
}

function renderQueue() {
  const panel = document.getElementById("panel-queue");
  const open = [...store.incidents.values()].filter(isOpen);
  const needle = queueFilter.trim().toLowerCase();
  const shown = open
    .filter((i) => showSimulated || !i.simulated)
    .filter((i) => !needle || `${i.id} ${i.address} ${i.description} ${typeName(i.type_code, name)}`.toLowerCase().includes(needle))
    .sort((a, b) => (a.status === "received" ? 0 : 1) - (b.status === "received" ? 0 : 1) || a.priority - b.priority || b.received_at.localeCompare(a.received_at));
  const hadFocus = document.activeElement && document.activeElement.id === "queue-filter";
  panel.replaceChildren();
  panel.append(el("h2", { id: "queue-count" }, t("open_incidents", { n: fmtNumber(open.length) })));
  const filterRow = el("div", { class: "row" });
  const filter = el("input", { type: "search", id: "queue-filter", "aria-label": t("filter_incidents"), placeholder: t("filter_incidents") });
  filter.value = queueFilter;
  filter.addEventListener("input", () => {
    queueFilter = filter.value;
    renderQueue();
  });
  const simBox = el("input", { type: "checkbox", id: "queue-simulated" });
  simBox.checked = showSimulated;
  simBox.addEventListener("change", () => {
    showSimulated = simBox.checked;
    renderQueue();
  });
  filterRow.append(filter, simBox, el("label", { for: "queue-simulated" }, t("show_simulated")));
  panel.append(filterRow);
  const list = el("ul", { class: "incident-list", id: "incident-list" });
  for (const incident of shown.slice(0, 200)) list.append(incidentRow(incident));
  panel.append(list);
  if (hadFocus) {
    filter.focus();
    filter.setSelectionRange(filter.value.length, filter.value.length);
  }
}

function incidentRow(incident) {
  const item = el("li");
  const row = button("", { class: "incident-row", "data-incident-id": String(incident.id), "data-status": incident.status }, () => openIncident(incident.id));
  row.append(
    badge(t("priority_n", { n: incident.priority }), `p${incident.priority}`),
    el("span", { class: "incident-type" }, `#${incident.id} ${typeName(incident.type_code, name)}`),
    badge(t(`status.${incident.status}`), "status", { "data-status": incident.status }),
  );
  if (incident.simulated) row.append(badge(t("simulated"), "sim"));
  row.append(el("span", { class: "incident-address" }, incident.address), el("time", { datetime: incident.received_at }, fmtDateTime(incident.received_at)));
  item.append(row);
  return item;
}

// ---- new call -----------------------------------------------------------------------------------

function setPick(lon, lat) {
  pick = { lon: Number(lon.toFixed(6)), lat: Number(lat.toFixed(6)) };
  consoleMap.setPick([pick.lat, pick.lon]);
  const lonInput = document.getElementById("call-lon");
  const latInput = document.getElementById("call-lat");
  if (lonInput) {
    lonInput.value = pick.lon;
    latInput.value = pick.lat;
  }
  const address = document.getElementById("call-address");
  if (address && !address.value) address.placeholder = `${pick.lon.toFixed(5)}, ${pick.lat.toFixed(5)}`;
  checkDuplicates();
}

function typeOptions(select, search) {
  const needle = search.trim().toLowerCase();
  select.replaceChildren();
  const types = [...store.types.values()].filter((ty) => ty.active)
    .filter((ty) => !needle || `${ty.code} ${ty.name_zh} ${ty.name_en} ${ty.category}`.toLowerCase().includes(needle))
    .sort((a, b) => a.default_priority - b.default_priority || a.code.localeCompare(b.code));
  for (const ty of types) {
    const option = el("option", { value: ty.code }, `${name(ty)} (${t("priority_n", { n: ty.default_priority })})`);
    if (ty.code === callDraft.type_code) option.selected = true;
    select.append(option);
  }
  if (!callDraft.type_code || !types.some((ty) => ty.code === callDraft.type_code)) {
    if (types.length === 1) {
      select.value = types[0].code;
      callDraft.type_code = types[0].code;
    }
  }
}

function field(labelKey, control, id) {
  const wrap = el("div", { class: "field" });
  wrap.append(el("label", { for: id }, t(labelKey)), control);
  return wrap;
}

function renderCallForm() {
  const panel = document.getElementById("panel-call");
  panel.replaceChildren();
  const form = el("form", { id: "call-form", novalidate: "" });
  form.append(el("h2", {}, t("panel_call")));

  const source = el("select", { id: "call-source", name: "source" });
  for (const s of SOURCES) source.append(el("option", { value: s }, t(`source.${s}`)));
  form.append(field("call_source", source, "call-source"));

  const search = el("input", { type: "search", id: "call-type-search", autocomplete: "off", "aria-controls": "call-type" });
  search.value = callDraft.search;
  const typeSelect = el("select", { id: "call-type", name: "type_code", size: "6", required: "" });
  typeOptions(typeSelect, callDraft.search);
  search.addEventListener("input", () => {
    callDraft.search = search.value;
    typeOptions(typeSelect, search.value);
    checkDuplicates();
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "Enter") {
      event.preventDefault();
      typeSelect.focus();
      if (typeSelect.selectedIndex < 0 && typeSelect.options.length) typeSelect.selectedIndex = 0;
      callDraft.type_code = typeSelect.value;
      checkDuplicates();
    }
  });
  typeSelect.addEventListener("change", () => {
    callDraft.type_code = typeSelect.value;
    checkDuplicates();
  });
  form.append(field("call_type_search", search, "call-type-search"), field("call_type", typeSelect, "call-type"));

  const priority = el("select", { id: "call-priority", name: "priority" });
  priority.append(el("option", { value: "" }, t("default_priority")));
  for (const p of [1, 2, 3, 4]) priority.append(el("option", { value: String(p) }, t("priority_n", { n: p })));
  form.append(field("priority", priority, "call-priority"));

  form.append(field("call_address", el("input", { id: "call-address", name: "address", maxlength: "256", autocomplete: "off" }), "call-address"));

  const location = el("fieldset", { class: "location" });
  location.append(el("legend", {}, t("call_location")), el("p", { class: "hint" }, t("call_pick_hint")));
  const lon = el("input", { id: "call-lon", type: "number", step: "0.00001", min: "-180", max: "180", inputmode: "decimal" });
  const lat = el("input", { id: "call-lat", type: "number", step: "0.00001", min: "-90", max: "90", inputmode: "decimal" });
  const typed = () => {
    if (lon.value && lat.value) setPick(Number(lon.value), Number(lat.value));
  };
  lon.addEventListener("change", typed);
  lat.addEventListener("change", typed);
  location.append(field("lon", lon, "call-lon"), field("lat", lat, "call-lat"));
  form.append(location);
  if (pick) {
    lon.value = pick.lon;
    lat.value = pick.lat;
  }

  form.append(field("call_description", el("textarea", { id: "call-description", name: "description", rows: "3", maxlength: "4000" }), "call-description"));
  form.append(field("caller_name", el("input", { id: "caller-name", maxlength: "128", autocomplete: "off" }), "caller-name"));
  form.append(field("caller_phone", el("input", { id: "caller-phone", type: "tel", maxlength: "32", pattern: "[0-9+\\-() ]*", autocomplete: "off" }), "caller-phone"));
  form.append(el("div", { id: "duplicates", class: "duplicates", "aria-live": "polite" }));
  form.append(el("p", { id: "call-error", class: "error", role: "alert" }));
  form.append(el("button", { type: "submit", class: "primary", id: "call-submit" }, t("call_submit")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitCall();
  });
  panel.append(form);
  if (pick) checkDuplicates();
}

let duplicateRequest = 0;
async function checkDuplicates() {
  const box = document.getElementById("duplicates");
  if (!box || !pick || !callDraft.type_code) return;
  const request = ++duplicateRequest;
  const result = await optional("/incidents/duplicates", { query: { lon: pick.lon, lat: pick.lat, type_code: callDraft.type_code } }).catch(() => null);
  if (request !== duplicateRequest || !result) return;
  box.replaceChildren(el("h3", {}, t("duplicates")));
  if (!result.available) {
    box.append(el("p", { class: "muted" }, t("not_available")));
    return;
  }
  if (!result.data.length) {
    box.append(el("p", { class: "muted" }, t("duplicates_none")));
    return;
  }
  const list = el("ul", { class: "duplicate-list" });
  for (const match of result.data) {
    const incident = match.incident;
    const item = el("li", { "data-incident-id": String(incident.id) });
    item.append(
      el("span", {}, `#${incident.id} ${typeName(incident.type_code, name)} · ${t(`status.${incident.status}`)} · ` +
        t("duplicate_row", { distance: fmtNumber(Math.round(match.distance_m)), minutes: fmtNumber(Math.round(match.minutes_ago)) })),
      button(t("open_existing"), { class: "link" }, () => {
        upsertIncident(incident);
        openIncident(incident.id);
      }),
    );
    list.append(item);
  }
  box.append(list);
}

async function submitCall() {
  const error = document.getElementById("call-error");
  error.textContent = "";
  const typeCode = document.getElementById("call-type").value;
  if (!pick) {
    error.textContent = t("call_need_location");
    document.getElementById("call-lon").focus();
    return;
  }
  const body = {
    source: document.getElementById("call-source").value,
    type_code: typeCode,
    description: document.getElementById("call-description").value,
    address: document.getElementById("call-address").value || `${pick.lon.toFixed(5)}, ${pick.lat.toFixed(5)}`,
    lon: pick.lon,
    lat: pick.lat,
  };
  const priority = document.getElementById("call-priority").value;
  if (priority) body.priority = Number(priority);
  const callerName = document.getElementById("caller-name").value.trim();
  const callerPhone = document.getElementById("caller-phone").value.trim();
  if (callerName || callerPhone) body.parties = [{ kind: "caller", name: callerName, phone: callerPhone, notes: "" }];
  const submit = document.getElementById("call-submit");
  submit.disabled = true;
  try {
    const incident = await api("/incidents", { method: "POST", body });
    upsertIncident(incident);
    toast(t("call_created", { id: incident.id }));
    pick = null;
    callDraft = { type_code: "", search: "" };
    consoleMap.setPick(null);
    activePanel = "queue"; // "back" from the new incident leads to the queue
    openIncident(incident.id);
  } catch (err) {
    error.textContent = errorText(err);
  } finally {
    submit.disabled = false;
  }
}

// ---- incident card ------------------------------------------------------------------------------

let refreshTimer = null;
function scheduleIncidentRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => selectedId && loadAssignments(), 400);
}

export async function openIncident(id) {
  selectedId = id;
  for (const p of ["queue", "call", "units", "duty"]) document.getElementById(`panel-${p}`).hidden = true;
  document.getElementById("map").classList.remove("picking");
  const panel = document.getElementById("panel-incident");
  panel.hidden = false;
  if (!store.incidents.has(id)) {
    panel.replaceChildren(el("p", {}, t("loading")));
    try {
      upsertIncident(await api(`/incidents/${id}`));
    } catch (error) {
      panel.replaceChildren(el("p", { class: "error" }, errorText(error)));
      return;
    }
  }
  renderIncident({ fresh: true });
}

function renderIncident({ fresh = false } = {}) {
  const incident = store.incidents.get(selectedId);
  if (!incident) return;
  const panel = document.getElementById("panel-incident");
  panel.dataset.incidentId = String(incident.id);
  panel.dataset.status = incident.status;
  consoleMap.highlight(incident);
  const keep = fresh ? null : captureSections(panel);
  panel.replaceChildren();
  panel.append(button(`← ${t("back")}`, { class: "link", id: "incident-back" }, () => showPanel(activePanel)));
  const head = el("h2", { id: "incident-title" }, `#${incident.id} ${typeName(incident.type_code, name)}`);
  panel.append(head);
  const badges = el("p", { class: "badges" });
  badges.append(badge(t("priority_n", { n: incident.priority }), `p${incident.priority}`),
    badge(t(`status.${incident.status}`), "status", { id: "incident-status", "data-status": incident.status }));
  if (incident.disposition) badges.append(badge(t(`disposition.${incident.disposition}`), "status"));
  if (incident.simulated) badges.append(badge(`[${t("simulated")}]`, "sim", { id: "incident-simulated" }));
  panel.append(badges);
  const facts = el("dl", { class: "facts" });
  const fact = (key, value) => facts.append(el("dt", {}, t(key)), el("dd", {}, value));
  fact("received_at", fmtDateTime(incident.received_at));
  fact("source", t(`source.${incident.source}`));
  fact("address", incident.address);
  fact("description", incident.description);
  panel.append(facts);

  if (isOpen(incident) && can("intakeDesk")) panel.append(keep?.recommendations || recommendationsSection(incident));
  if (isOpen(incident) && can("intakeDesk")) panel.append(keep?.duplicates || incidentDuplicatesSection(incident));
  panel.append(keep?.assignments || assignmentsSection());
  if (isOpen(incident) && can("fieldStatus")) panel.append(statusSection(incident));
  panel.append(keep?.plan || planSection(incident));
  if (can("intakeDesk")) panel.append(keep?.handoff || handoffSection(incident));
  panel.append(keep?.parties || partiesSection(incident));
  panel.append(eventsSection(incident));
  if (fresh) document.getElementById("incident-title").focus?.();
}

function captureSections(panel) {
  const take = (id) => panel.querySelector(`#${id}`);
  return { recommendations: take("sec-recommendations"), duplicates: take("sec-duplicates"), assignments: null, plan: take("sec-plan"), handoff: take("sec-handoff"), parties: take("sec-parties") };
}

function recommendationsSection(incident) {
  const box = section("recommendations", "sec-recommendations");
  const list = el("ol", { class: "recommendations", id: "recommendation-list" });
  list.append(el("li", { class: "muted" }, t("loading")));
  box.append(list);
  loadRecommendations(incident, box, list);
  return box;
}

async function loadRecommendations(incident, box, list) {
  let result;
  try {
    result = await optional(`/incidents/${incident.id}/recommendations`, { query: { k: 5 } });
  } catch (error) {
    list.replaceChildren(el("li", { class: "error" }, errorText(error)));
    return;
  }
  list.replaceChildren();
  if (!result.available) {
    list.append(el("li", { class: "muted", id: "recommendations-unavailable" }, t("not_available")));
    return;
  }
  const data = result.data;
  if (!data.items.length) list.append(el("li", { class: "muted" }, t("no_data")));
  for (const item of data.items) {
    const row = el("li", { class: "recommendation", "data-unit-id": String(item.unit_id) });
    const title = el("div", { class: "rec-head" });
    title.append(el("strong", {}, `${item.rank}. ${item.call_sign}`), el("span", {}, t(`unit_type.${item.unit_type}`)),
      el("span", { class: "rec-travel" }, t("rec_travel", { time: fmtDuration(item.travel_time_s), distance: fmtDistance(item.distance_m) })));
    if (can("dispatch")) {
      const dispatchButton = button(t("dispatch"), { class: "primary dispatch", "data-unit-id": String(item.unit_id), "aria-label": `${t("dispatch")} ${item.call_sign}` },
        () => dispatchUnit(incident.id, item, dispatchButton));
      title.append(dispatchButton);
    }
    row.append(title);
    if (item.reasons?.length) {
      const reasons = el("ul", { class: "reasons" });
      for (const reason of item.reasons) reasons.append(el("li", { "data-code": reason.code }, pair(reason)));
      row.append(reasons);
    }
    list.append(row);
  }
  if (data.warnings?.length) {
    const warnings = el("ul", { class: "warnings", role: "note" });
    for (const warning of data.warnings) warnings.append(el("li", { "data-code": warning.code }, pair(warning)));
    box.insertBefore(warnings, list);
  }
  if (data.excluded?.length) {
    const details = el("details", { class: "excluded" });
    details.append(el("summary", {}, `${t("excluded")} (${fmtNumber(data.excluded.length)})`));
    const ul = el("ul");
    for (const item of data.excluded) ul.append(el("li", {}, `${item.call_sign}: ${pair(item)}`));
    details.append(ul);
    box.append(details);
  }
  if (data.move_ups?.length) {
    const moves = el("div", { class: "move-ups" });
    moves.append(el("h4", {}, t("move_ups")));
    const ul = el("ul");
    for (const item of data.move_ups) ul.append(el("li", {}, `${item.call_sign} → ${name(store.stations.get(item.to_station_id)) || item.to_station_id}: ${pair(item)}`));
    moves.append(ul);
    box.append(moves);
  }
}

async function dispatchUnit(incidentId, item, node) {
  node.disabled = true;
  try {
    await api(`/incidents/${incidentId}/assignments`, { method: "POST", body: { unit_id: item.unit_id } });
    toast(t("dispatched_unit", { unit: item.call_sign }));
    const [incident, unit] = await Promise.all([api(`/incidents/${incidentId}`), api(`/units/${item.unit_id}`)]);
    upsertUnit(unit);
    // Fresh recommendations after a dispatch (the unit is no longer available).
    const panel = document.getElementById("panel-incident");
    panel.querySelector("#sec-recommendations")?.remove();
    upsertIncident(incident);
  } catch (error) {
    node.disabled = false;
    toast(errorText(error), "error");
  }
}

function incidentDuplicatesSection(incident) {
  const box = section("duplicates", "sec-duplicates");
  const list = el("ul", { class: "duplicate-list", id: "incident-duplicates" });
  box.append(list);
  optional("/incidents/duplicates", { query: { lon: incident.lon, lat: incident.lat, type_code: incident.type_code } }).then((result) => {
    if (!result.available) {
      list.append(el("li", { class: "muted" }, t("not_available")));
      return;
    }
    const others = result.data.filter((match) => match.incident.id !== incident.id);
    if (!others.length) list.append(el("li", { class: "muted" }, t("duplicates_none")));
    for (const match of others) {
      const original = match.incident;
      const item = el("li", { "data-incident-id": String(original.id) });
      item.append(el("span", {}, `#${original.id} ${typeName(original.type_code, name)} · ${t(`status.${original.status}`)} · ` +
        t("duplicate_row", { distance: fmtNumber(Math.round(match.distance_m)), minutes: fmtNumber(Math.round(match.minutes_ago)) })));
      item.append(button(t("attach_duplicate", { id: original.id }), { class: "attach" }, async () => {
        try {
          upsertIncident(await api(`/incidents/${incident.id}/duplicate-of`, { method: "POST", body: { original_id: original.id } }));
          toast(t("attached", { id: original.id }));
        } catch (error) {
          toast(errorText(error), "error");
        }
      }));
      list.append(item);
    }
  }).catch((error) => list.append(el("li", { class: "error" }, errorText(error))));
  return box;
}

function assignmentsSection() {
  const box = section("assignments", "sec-assignments");
  box.append(el("ul", { id: "assignment-list", class: "assignments" }));
  queueMicrotask(() => loadAssignments());
  return box;
}

async function loadAssignments() {
  const id = selectedId;
  const list = document.getElementById("assignment-list");
  if (!id || !list) return;
  try {
    const assignments = await api(`/incidents/${id}/assignments`);
    if (id !== selectedId) return;
    list.replaceChildren();
    if (!assignments.length) list.append(el("li", { class: "muted" }, t("no_data")));
    for (const a of assignments) {
      const unit = store.units.get(a.unit_id);
      const item = el("li", { "data-unit-id": String(a.unit_id) });
      item.append(el("strong", {}, unit ? unit.call_sign : `#${a.unit_id}`), el("span", { class: "unit-status", "data-status": unit?.status || "" }, unit ? ` ${t(`unit.${unit.status}`)}` : ""),
        el("span", { class: "muted" }, ` ${fmtDateTime(a.dispatched_at)}${a.cleared_at ? " – " + fmtDateTime(a.cleared_at) : ""}`));
      list.append(item);
    }
  } catch (error) {
    list.replaceChildren(el("li", { class: "error" }, errorText(error)));
  }
}

function statusSection(incident) {
  const box = section("change_status", "sec-status");
  const row = el("div", { class: "row wrap" });
  for (const target of NEXT[incident.status] || []) {
    if (target === "closed") continue;
    row.append(button(t("to_status", { s: t(`status.${target}`) }), { "data-target": target, class: "status-button" }, () => transition(incident, { status: target })));
  }
  box.append(row);
  const close = el("div", { class: "row wrap close-row" });
  const disposition = el("select", { id: "close-disposition" });
  for (const d of DISPOSITIONS) disposition.append(el("option", { value: d }, t(`disposition.${d}`)));
  const note = el("input", { id: "close-note", maxlength: "2000", placeholder: t("note") });
  close.append(el("label", { for: "close-disposition" }, t("disposition")), disposition, el("label", { for: "close-note", class: "sr-only" }, t("note")), note,
    button(t("close_incident"), { id: "close-incident", class: "danger" }, () => transition(incident, { status: "closed", disposition: disposition.value, note: note.value })));
  box.append(close);
  return box;
}

async function transition(incident, body) {
  try {
    const updated = await api(`/incidents/${incident.id}/transitions`, { method: "POST", body: { note: "", ...body } });
    upsertIncident(updated);
    toast(t("status_done"));
    const units = await api("/units");
    for (const unit of units) upsertUnit(unit);
  } catch (error) {
    toast(errorText(error), "error");
  }
}

function planSection(incident) {
  const box = section("response_plan", "sec-plan");
  const body = el("div", {}, t("loading"));
  box.append(body);
  optional("/response-plans", { query: { type_code: incident.type_code, district_id: incident.district_id } }).then((result) => {
    body.replaceChildren();
    if (!result.available) {
      body.append(el("p", { class: "muted" }, t("not_available")));
      return;
    }
    const plan = result.data;
    if (plan.unit_types?.length) body.append(el("p", {}, `${t("plan_units")}: ${plan.unit_types.map((u) => `${t(`unit_type.${u.unit_type}`)} × ${fmtNumber(u.count)}`).join("、")}`));
    const list = el("ul", { class: "checklist" });
    plan.checklist?.forEach((item, index) => {
      const id = `plan-${incident.id}-${index}`;
      const li = el("li");
      li.append(el("input", { type: "checkbox", id }), el("label", { for: id }, pair(item)));
      list.append(li);
    });
    body.append(list);
    if (plan.notify?.length) body.append(el("p", {}, `${t("plan_notify")}: ${plan.notify.map((a) => t(`agency.${a}`)).join("、")}`));
  }).catch((error) => body.replaceChildren(el("p", { class: "error" }, errorText(error))));
  return box;
}

function handoffSection(incident) {
  const box = section("handoff", "sec-handoff");
  const form = el("form", { class: "row wrap", id: "handoff-form" });
  const agency = el("select", { id: "handoff-agency" });
  for (const a of ["fire", "ambulance", "hotline_12345"]) agency.append(el("option", { value: a }, t(`agency.${a}`)));
  const mode = el("select", { id: "handoff-mode" });
  for (const m of ["joint", "transfer"]) mode.append(el("option", { value: m }, t(`mode.${m}`)));
  const reason = el("input", { id: "handoff-reason", maxlength: "1000", minlength: "2", required: "" });
  form.append(el("label", { for: "handoff-agency" }, t("agency")), agency, el("label", { for: "handoff-mode" }, t("mode")), mode,
    el("label", { for: "handoff-reason" }, t("reason")), reason, el("button", { type: "submit" }, t("handoff_submit")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`/incidents/${incident.id}/handoffs`, { method: "POST", body: { agency: agency.value, mode: mode.value, reason: reason.value } });
      toast(t("handoff_done"));
      upsertIncident(await api(`/incidents/${incident.id}`));
    } catch (error) {
      toast(error instanceof ApiError && error.missingEndpoint ? t("not_available") : errorText(error), "error");
    }
  });
  box.append(form);
  return box;
}

function partiesSection(incident) {
  const box = section("parties", "sec-parties");
  if (!can("personalData")) {
    box.append(el("p", { class: "muted", id: "parties-hidden" }, t("parties_hidden")));
    return box;
  }
  const form = el("form", { class: "row wrap", id: "parties-form" });
  const purpose = el("select", { id: "parties-purpose", required: "" });
  for (const p of PURPOSES) purpose.append(el("option", { value: p }, t(p)));
  form.append(el("label", { for: "parties-purpose" }, t("parties_purpose")), purpose, el("button", { type: "submit", id: "parties-show" }, t("parties_show")));
  const out = el("div", { id: "parties-list" });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const text = `${t(purpose.value)} (${purpose.value})`;
      const parties = await api(`/incidents/${incident.id}/parties`, { query: { purpose: text } });
      out.replaceChildren();
      if (!parties.length) out.append(el("p", { class: "muted" }, t("no_data")));
      const table = el("table", { class: "parties" });
      for (const p of parties) {
        const tr = el("tr");
        tr.append(el("th", { scope: "row" }, t(`party.${p.kind}`)), el("td", {}, p.name), el("td", {}, p.phone), el("td", {}, p.notes));
        table.append(tr);
      }
      if (parties.length) out.append(table);
    } catch (error) {
      out.replaceChildren(el("p", { class: "error" }, errorText(error)));
    }
  });
  box.append(form, out);
  return box;
}

function eventsSection(incident) {
  const box = section("events", "sec-events");
  const list = el("ol", { class: "events" });
  box.append(list);
  api(`/incidents/${incident.id}/events`).then((events) => {
    for (const e of events) {
      const text = `${fmtDateTime(e.at)} · ${e.actor} · ${e.kind}` +
        (e.to_status ? ` → ${t(`status.${e.to_status}`)}` : "") + (e.data?.call_sign ? ` (${e.data.call_sign})` : "");
      list.append(el("li", {}, text));
    }
  }).catch(() => {});
  return box;
}

// ---- units --------------------------------------------------------------------------------------

let unitFilter = "";

function unitRowContent(row, unit) {
  row.replaceChildren(
    el("span", { class: "call-sign" }, unit.call_sign),
    el("span", { class: "unit-type" }, t(`unit_type.${unit.unit_type}`)),
    el("span", { class: "unit-status", "data-status": unit.status }, t(`unit.${unit.status}`)),
  );
  if (unit.simulated) row.append(badge(t("simulated"), "sim"));
  row.dataset.status = unit.status;
}

function renderUnits() {
  const panel = document.getElementById("panel-units");
  const units = [...store.units.values()].sort((a, b) => a.call_sign.localeCompare(b.call_sign));
  panel.replaceChildren();
  const available = units.filter((u) => u.status === "available").length;
  panel.append(el("h2", { id: "units-count" }, t("units_count", { n: fmtNumber(units.length), a: fmtNumber(available) })));
  const select = el("select", { id: "unit-filter" });
  select.append(el("option", { value: "" }, t("all")));
  for (const s of UNIT_STATUSES) select.append(el("option", { value: s }, t(`unit.${s}`)));
  select.value = unitFilter;
  select.addEventListener("change", () => {
    unitFilter = select.value;
    renderUnits();
  });
  panel.append(field("unit_status_filter", select, "unit-filter"));
  const list = el("ul", { class: "unit-list", id: "unit-list" });
  for (const unit of units) {
    if (unitFilter && unit.status !== unitFilter) continue;
    const row = el("li", { "data-unit-id": String(unit.id) });
    unitRowContent(row, unit);
    list.append(row);
  }
  panel.append(list);
}

function updateUnitRow(unit) {
  const row = document.querySelector(`#unit-list li[data-unit-id="${unit.id}"]`);
  if (row) unitRowContent(row, unit);
  const assigned = document.querySelector(`#assignment-list li[data-unit-id="${unit.id}"] .unit-status`);
  if (assigned) {
    assigned.dataset.status = unit.status;
    assigned.textContent = ` ${t(`unit.${unit.status}`)}`;
  }
}

// ---- duty levels --------------------------------------------------------------------------------

async function renderDuty() {
  const panel = document.getElementById("panel-duty");
  panel.replaceChildren(el("h2", {}, t("panel_duty")), el("p", {}, t("loading")));
  let result;
  try {
    result = await optional("/duty-levels");
  } catch (error) {
    panel.replaceChildren(el("h2", {}, t("panel_duty")), el("p", { class: "error" }, errorText(error)));
    return;
  }
  panel.replaceChildren(el("h2", {}, t("panel_duty")));
  if (!result.available) {
    panel.append(el("p", { class: "muted", id: "duty-unavailable" }, t("not_available")));
    return;
  }
  const levels = new Map(result.data.map((l) => [l.district_id, l]));
  if (!can("dutyLevels")) panel.append(el("p", { class: "muted" }, t("duty_readonly")));
  const table = el("table", { class: "duty", id: "duty-table" });
  for (const district of [...store.districts.values()].sort((a, b) => a.code.localeCompare(b.code))) {
    const level = levels.get(district.id);
    const tr = el("tr", { "data-district-id": String(district.id) });
    tr.append(el("th", { scope: "row" }, name(district)),
      el("td", { class: `duty-level level-${level?.level || 0}`, "data-level": String(level?.level || "") }, level ? `${ROMAN[level.level]} ${pair(level)}` : "—"),
      el("td", { class: "muted" }, level ? [
        t("duty_units", { a: fmtNumber(level.available_units ?? 0), m: fmtNumber(level.min_available_units ?? 0) }),
        level.patrol_zh ? pair({ zh: level.patrol_zh, en: level.patrol_en }) : "",
        level.reason || "", level.set_at ? `${level.set_by || ""} ${fmtDateTime(level.set_at)}` : "",
      ].filter(Boolean).join(" · ") : ""));
    if (can("dutyLevels")) {
      const td = el("td");
      const select = el("select", { "aria-label": `${name(district)} ${t("duty_level")}` });
      for (const n of [1, 2, 3, 4]) select.append(el("option", { value: String(n) }, ROMAN[n]));
      select.value = String(level?.level || 4);
      const reason = el("input", { "aria-label": `${name(district)} ${t("duty_reason")}`, placeholder: t("duty_reason"), maxlength: "500", minlength: "2", class: "duty-reason" });
      td.append(select, reason, button(t("duty_set"), {}, async () => {
        try {
          await api("/duty-levels", { method: "POST", body: { district_id: district.id, level: Number(select.value), reason: reason.value } });
          toast(t("duty_saved"));
          renderDuty();
        } catch (error) {
          toast(errorText(error), "error");
        }
      }));
      tr.append(td);
    }
    table.append(tr);
  }
  panel.append(table);
}

export { el, escapeHtml };
