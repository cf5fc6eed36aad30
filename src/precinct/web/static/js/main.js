// Boot: log in, read /auth/me (the second factor's set-up first where due) and /meta, load reference data,
// build the views the account may use, go live.
import { api, allPages, setToken, token, whenUnauthorised } from "./api.js";
import { applyStatic, fmtTime, lang, onLangChange, setLang, setTimeZone, t } from "./i18n.js";
import { ConsoleMap, registerStandardLayers } from "./map.js";
import { loadCity } from "./city-map.js";
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
import { initLogin, showLogin } from "./login.js";
import { initEnrolment, needsEnrolment, showEnrolment } from "./enrolment.js";
import { initUserMenu, renderWho } from "./user-menu.js";
import { initSecurity, securityAllowed, showSecurity } from "./security.js";
import { initTimers } from "./timers.js";
import { initOverdue } from "./overdue.js";
import { alertsReady, initNotify } from "./notify.js";
import { initCardNotes } from "./card-notes.js";
import { initHotkeys } from "./hotkeys.js";
import { initStation, showStation } from "./station.js";
import "./cases.js"; // the cases view registers its own tab once the console is ready

const $ = (id) => document.getElementById(id);

const VIEWS = ["map", "station", "officer", "analyst", "drills", "security"];
let consoleMap = null;

/** End the session; the log-in screen then shows `message` (an error, or kind "note": a notice). */
function logOut(message = "", kind = "error") {
  stopStream();
  setToken(null);
  if (message) sessionStorage.setItem("precinct.logout", JSON.stringify({ message, kind }));
  location.reload();
}

/** The views the account's permissions open, and the one it starts on. */
function viewsFor() {
  const views = ["map"];
  if (can("read_incidents") && store.stations.size) views.push("station");
  if (can("officer") || store.me.unit_id) views.push("officer");
  if (can("review")) views.push("analyst", "drills");
  if (securityAllowed()) views.push("security");
  const start = can("officer") ? "officer" : can("review") && !can("intake") ? "analyst"
    : !can("read_incidents") && securityAllowed() ? "security" : "map";
  return { views, start: views.includes(start) ? start : "map" };
}

function initSidePanel() {
  initSide(consoleMap);
  initQueue();
  initIntake();
  initIncidentCard();
  initUnitPanels();
  initOverdue();
  initCardNotes();
  initHotkeys();
  showPanel("queue");
}

export function showView(viewName) {
  for (const v of VIEWS) {
    $(`view-${v}`).hidden = v !== viewName;
    $(`tab-${v}`).classList.toggle("active", v === viewName);
    $(`tab-${v}`).setAttribute("aria-pressed", String(v === viewName));
  }
  document.body.dataset.view = viewName;
  if (viewName === "map") consoleMap?.map.invalidateSize();
  if (viewName === "officer") showOfficer();
  if (viewName === "station") showStation();
  if (viewName === "analyst") showAnalyst();
  if (viewName === "drills") showDrills();
  if (viewName === "security") showSecurity();
}

async function boot() {
  store.me = await api("/auth/me");
  if (needsEnrolment(store.me)) {
    // An enrolment token may call nothing else: set up the second factor, then boot with the full token.
    await showEnrolment(store.me, { onDone: () => boot().catch(bootFailed), onLogOut: () => logOut() });
    return;
  }
  store.meta = await api("/meta");
  setTimeZone(store.meta.local_timezone);
  tick();
  document.body.dataset.role = store.me.role;
  $("login-screen").hidden = true;
  $("enrol-screen").hidden = true;
  $("app").hidden = false;
  renderWho();
  const [types, bureaus, districts, stations] = await Promise.all([
    api("/incident-types"),
    api("/org/units", { query: { tier: "city" } }),
    api("/org/units", { query: { tier: "district", boundaries: true } }),
    api("/org/units", { query: { tier: "station", boundaries: true } }),
    loadCity(), // the map opens on the city (GET /city)
  ]);
  for (const type of types) store.types.set(type.code, type);
  for (const b of bureaus) store.bureaus.set(b.id, b);
  for (const d of districts) store.districts.set(d.id, d);
  for (const s of stations) store.stations.set(s.id, s);

  const readIncidents = can("read_incidents");
  consoleMap = new ConsoleMap($("map"));
  window.precinctMap = consoleMap; // for the browser tests and the curious
  await registerStandardLayers(consoleMap, { withIncidents: readIncidents, withUnits: readIncidents });
  on("duty_level", () => consoleMap.reload("duty"));

  const { views, start } = viewsFor();
  for (const v of VIEWS) {
    $(`tab-${v}`).hidden = !views.includes(v);
    $(`tab-${v}`).onclick = () => showView(v);
  }
  if (readIncidents) {
    initTimers();
    initNotify();
    initSidePanel();
    initStation();
    initOfficer();
    initAnalyst();
    initDrills();
    const [units, open] = await Promise.all([api("/units"), allPages("/incidents", { status: openStatuses() })]);
    for (const unit of units) upsertUnit(unit);
    for (const incident of open.items) upsertIncident(incident);
    alertsReady(); // from here on a new priority-1 call raises an alert
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

function bootFailed(error) {
  setToken(null);
  showLogin(errorText(error));
}

/** The message logOut() left for the log-in screen, if any. */
function takeLogoutMessage() {
  const stored = sessionStorage.getItem("precinct.logout");
  sessionStorage.removeItem("precinct.logout");
  return stored ? JSON.parse(stored) : { message: "" };
}

function init() {
  applyStatic();
  for (const toggle of document.querySelectorAll(".lang-toggle")) toggle.addEventListener("click", () => setLang(lang() === "en" ? "zh-CN" : "en"));
  onLangChange(() => {
    refreshLiveLabel();
    tick();
    document.getElementById("toast")?.classList.remove("show"); // its words were the other language's
  });
  initLogin(boot);
  initEnrolment();
  initUserMenu(logOut);
  initSecurity();
  whenUnauthorised((error) => logOut(error.message));
  setInterval(tick, 1000);
  tick();
  const { message, kind } = takeLogoutMessage();
  if (token()) boot().catch(bootFailed);
  else showLogin(message, kind);
}

init();
