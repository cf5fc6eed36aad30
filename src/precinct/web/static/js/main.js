// Boot: log in, read /auth/me and /meta, load reference data, build the views the account may use, go live.
import { api, allPages, logIn, setToken, token, whenUnauthorised } from "./api.js";
import { applyStatic, fmtTime, lang, onLangChange, setLang, setTimeZone, t } from "./i18n.js";
import { ConsoleMap, registerStandardLayers } from "./map.js";
import { can, on, openStatuses, store, upsertIncident, upsertUnit } from "./store.js";
import { el, errorText } from "./ui.js";
import { initSide, showPanel } from "./side.js";
import { initQueue } from "./queue.js";
import { initIntake } from "./intake.js";
import { initIncidentCard } from "./incident.js";
import { initUnitPanels } from "./units.js";
import { initOfficer, showOfficer } from "./officer.js";
import { initAnalyst, showAnalyst } from "./analyst.js";
import { initDrills, showDrills } from "./drills.js";
import { refreshLiveLabel, startStream, stopStream } from "./stream.js";

const $ = (id) => document.getElementById(id);
let consoleMap = null;

function showLogin(message = "") {
  $("app").hidden = true;
  $("login-screen").hidden = false;
  $("login-error").textContent = message;
  $("login-username").focus();
}

async function onLogin(event) {
  event.preventDefault();
  const button = $("login-submit");
  button.disabled = true;
  $("login-error").textContent = "";
  try {
    await logIn($("login-username").value.trim(), $("login-password").value);
    $("login-password").value = "";
    await boot();
  } catch (error) {
    $("login-error").textContent = errorText(error);
  } finally {
    button.disabled = false;
  }
}

function logOut(message = "") {
  stopStream();
  setToken(null);
  if (message) sessionStorage.setItem("precinct.logout", message);
  location.reload();
}

/** The views the account's permissions open, and the one it starts on. */
function viewsFor() {
  const views = ["map"];
  if (can("officer") || store.me.unit_id) views.push("officer");
  if (can("review")) views.push("analyst", "drills");
  const start = can("officer") ? "officer" : can("review") && !can("intake") ? "analyst" : "map";
  return { views, start: views.includes(start) ? start : "map" };
}

function initSidePanel() {
  initSide(consoleMap);
  initQueue();
  initIntake();
  initIncidentCard();
  initUnitPanels();
  showPanel("queue");
}

export function showView(viewName) {
  for (const v of ["map", "officer", "analyst", "drills"]) {
    $(`view-${v}`).hidden = v !== viewName;
    $(`tab-${v}`).classList.toggle("active", v === viewName);
    $(`tab-${v}`).setAttribute("aria-pressed", String(v === viewName));
  }
  document.body.dataset.view = viewName;
  if (viewName === "map") consoleMap?.map.invalidateSize();
  if (viewName === "officer") showOfficer();
  if (viewName === "analyst") showAnalyst();
  if (viewName === "drills") showDrills();
}

function renderWho() {
  $("who").textContent = `${store.me.display_name || store.me.username} · ${t(`role.${store.me.role}`)}`;
}

async function boot() {
  [store.me, store.meta] = await Promise.all([api("/auth/me"), api("/meta")]);
  setTimeZone(store.meta.local_timezone);
  tick();
  document.body.dataset.role = store.me.role;
  $("login-screen").hidden = true;
  $("app").hidden = false;
  renderWho();
  const [types, districts, stations] = await Promise.all([
    api("/incident-types"),
    api("/org/units", { query: { tier: "district", boundaries: true } }),
    api("/org/units", { query: { tier: "station", boundaries: true } }),
  ]);
  for (const type of types) store.types.set(type.code, type);
  for (const d of districts) store.districts.set(d.id, d);
  for (const s of stations) store.stations.set(s.id, s);

  const readIncidents = can("read_incidents");
  consoleMap = new ConsoleMap($("map"));
  window.precinctMap = consoleMap; // for the browser tests and the curious
  await registerStandardLayers(consoleMap, { withIncidents: readIncidents, withUnits: readIncidents });
  on("duty_level", () => consoleMap.reload("duty"));

  const { views, start } = viewsFor();
  for (const v of ["map", "officer", "analyst", "drills"]) {
    $(`tab-${v}`).hidden = !views.includes(v);
    $(`tab-${v}`).onclick = () => showView(v);
  }
  if (readIncidents) {
    initSidePanel();
    initOfficer();
    initAnalyst();
    initDrills();
    const [units, open] = await Promise.all([api("/units"), allPages("/incidents", { status: openStatuses() })]);
    for (const unit of units) upsertUnit(unit);
    for (const incident of open.items) upsertIncident(incident);
    startStream();
  } else {
    $("side-tabs").hidden = true;
    $("panel-queue").replaceChildren(el("p", { class: "muted", id: "auditor-note" }, t("auditor_note")));
  }
  showView(start);
  document.body.dataset.ready = "true";
}

function tick() {
  $("clock").textContent = fmtTime(new Date());
}

function init() {
  applyStatic();
  for (const toggle of document.querySelectorAll(".lang-toggle")) toggle.addEventListener("click", () => setLang(lang() === "en" ? "zh-CN" : "en"));
  onLangChange(() => {
    if (store.me) renderWho();
    refreshLiveLabel();
    tick();
  });
  $("login-form").addEventListener("submit", onLogin);
  $("logout").addEventListener("click", () => logOut());
  whenUnauthorised((error) => logOut(error.message));
  setInterval(tick, 1000);
  tick();
  const message = sessionStorage.getItem("precinct.logout") || "";
  sessionStorage.removeItem("precinct.logout");
  if (token()) {
    boot().catch((error) => {
      setToken(null);
      showLogin(errorText(error));
    });
  } else {
    showLogin(message);
  }
}

init();
