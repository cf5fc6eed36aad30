// The new-call panel: the intake form, the scene picked on the map or typed, duplicates nearby, submit.
import { attachAddressSearch, reverseGeocode } from "./address-search.js";
import { api } from "./api.js";
import { name, t } from "./i18n.js";
import { listDuplicates } from "./duplicates.js";
import { openIncident } from "./incident.js";
import { registerPanel, side } from "./side.js";
import { can, store, upsertIncident } from "./store.js";
import { button, choices, el, errorText, field, select, toast } from "./ui.js";

let pick = null; // {lon, lat} of the new call
// What the call taker has chosen and typed so far: kept across a re-render (a language switch, another tab and back).
const TYPED_IDS = ["call-source", "call-priority", "call-address", "call-description", "caller-name", "caller-phone"];
const emptyDraft = () => ({ type_code: "", search: "", typed: {} });
let callDraft = emptyDraft();
let duplicateRequest = 0;

export function initIntake() {
  registerPanel("call", renderCallForm);
  side.map.onPick = (latlng) => {
    if (side.panel === "call" && !side.incidentId && can("intake")) {
      setPick(latlng.lng, latlng.lat);
      reverseGeocode(latlng.lng, latlng.lat); // the address, station and beat of the click (address-search.js)
    }
  };
}

function setPick(lon, lat) {
  pick = { lon: Number(lon.toFixed(6)), lat: Number(lat.toFixed(6)) };
  side.map.setPick([pick.lat, pick.lon]);
  const error = document.getElementById("call-error");
  if (error) error.textContent = ""; // "set the location first" is answered
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

function typeOptions(typeSelect, search) {
  const needle = search.trim().toLowerCase();
  const types = [...store.types.values()].filter((ty) => ty.active)
    .filter((ty) => !needle || `${ty.code} ${ty.name_zh} ${ty.name_en} ${ty.category}`.toLowerCase().includes(needle))
    .sort((a, b) => a.default_priority - b.default_priority || a.code.localeCompare(b.code));
  typeSelect.replaceChildren();
  for (const ty of types) typeSelect.append(el("option", { value: ty.code }, `${name(ty)} (${t("priority_n", { n: ty.default_priority })})`));
  if (types.some((ty) => ty.code === callDraft.type_code)) {
    typeSelect.value = callDraft.type_code;
  } else if (types.length === 1) {
    typeSelect.value = types[0].code;
    callDraft.type_code = types[0].code;
  }
}

function typeControls() {
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
  return [field("call_type_search", search), field("call_type", typeSelect)];
}

function locationControls() {
  const location = el("fieldset", { class: "location" });
  location.append(el("legend", {}, t("call_location")), el("p", { class: "hint" }, t("call_pick_hint")));
  const lon = el("input", { id: "call-lon", type: "number", step: "0.00001", min: "-180", max: "180", inputmode: "decimal" });
  const lat = el("input", { id: "call-lat", type: "number", step: "0.00001", min: "-90", max: "90", inputmode: "decimal" });
  const typed = () => {
    if (lon.value && lat.value) setPick(Number(lon.value), Number(lat.value));
  };
  lon.addEventListener("change", typed);
  lat.addEventListener("change", typed);
  location.append(field("lon", lon), field("lat", lat));
  if (pick) {
    lon.value = pick.lon;
    lat.value = pick.lat;
  }
  return location;
}

function renderCallForm() {
  const panel = document.getElementById("panel-call");
  const meta = store.meta;
  const form = el("form", { id: "call-form", novalidate: "" });
  form.append(el("h2", {}, t("panel_call")));
  form.append(field("call_source", select({ id: "call-source", name: "source" }, choices(meta.incident_sources, "source"))));
  form.append(...typeControls());
  const priorities = meta.priorities.map((p) => [p, t("priority_n", { n: p })]);
  form.append(field("priority", select({ id: "call-priority", name: "priority" }, priorities, { blank: t("default_priority") })));
  const addressInput = el("input", { id: "call-address", name: "address", maxlength: "256", autocomplete: "off" });
  form.append(field("call_address", addressInput));
  attachAddressSearch(addressInput, { centre: () => {
    const c = side.map.map.getCenter();
    return { lon: c.lng, lat: c.lat };
  }, choose: (lon, lat) => setPick(lon, lat) });
  form.append(locationControls());
  form.append(field("call_description", el("textarea", { id: "call-description", name: "description", rows: "3", maxlength: "4000" })));
  form.append(field("caller_name", el("input", { id: "caller-name", maxlength: "128", autocomplete: "off" })));
  form.append(field("caller_phone", el("input", { id: "caller-phone", type: "tel", maxlength: "32", pattern: "[0-9+\\-() ]*", autocomplete: "off" })));
  form.append(el("div", { id: "duplicates", class: "duplicates", "aria-live": "polite" }));
  // The error and the submit button stay in sight at the foot of the panel, however long the form.
  const actions = el("div", { class: "call-actions" });
  actions.append(el("p", { id: "call-error", class: "error", role: "alert" }), el("button", { type: "submit", class: "primary", id: "call-submit" }, t("call_submit")));
  form.append(actions);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitCall();
  });
  for (const id of TYPED_IDS) {
    const input = form.querySelector(`#${id}`);
    if (id in callDraft.typed) input.value = callDraft.typed[id];
    const keep = () => (callDraft.typed[id] = input.value);
    input.addEventListener("input", keep);
    input.addEventListener("change", keep);
  }
  panel.replaceChildren(form);
  if (pick) checkDuplicates();
}

async function checkDuplicates() {
  const box = document.getElementById("duplicates");
  if (!box || !pick || !callDraft.type_code) return;
  const request = ++duplicateRequest;
  const list = el("ul", { class: "duplicate-list" });
  await listDuplicates(list, { ...pick, type_code: callDraft.type_code }, {
    action: (match) => button(t("open_existing"), { class: "link" }, () => {
      upsertIncident(match.incident);
      openIncident(match.incident.id);
    }),
  });
  if (request === duplicateRequest) box.replaceChildren(el("h3", {}, t("duplicates")), list);
}

function callBody() {
  const value = (id) => document.getElementById(id).value;
  const body = {
    source: value("call-source"),
    type_code: value("call-type"),
    description: value("call-description"),
    address: value("call-address") || `${pick.lon.toFixed(5)}, ${pick.lat.toFixed(5)}`,
    lon: pick.lon,
    lat: pick.lat,
  };
  if (value("call-priority")) body.priority = Number(value("call-priority"));
  const callerName = value("caller-name").trim();
  const callerPhone = value("caller-phone").trim();
  if (callerName || callerPhone) body.parties = [{ kind: "caller", name: callerName, phone: callerPhone, notes: "" }];
  return body;
}

async function submitCall() {
  const error = document.getElementById("call-error");
  error.textContent = "";
  if (!pick) {
    error.textContent = t("call_need_location");
    document.getElementById("call-lon").focus();
    return;
  }
  const submit = document.getElementById("call-submit");
  submit.disabled = true;
  try {
    const incident = await api("/incidents", { method: "POST", body: callBody() });
    upsertIncident(incident);
    toast(t("call_created", { id: incident.id }));
    pick = null;
    callDraft = emptyDraft();
    side.map.setPick(null);
    side.panel = "queue"; // "back" from the new incident leads to the queue
    openIncident(incident.id);
  } catch (err) {
    error.textContent = errorText(err);
  } finally {
    submit.disabled = false;
  }
}
