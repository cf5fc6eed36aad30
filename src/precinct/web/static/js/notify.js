// Alerts for the shift: new priority-1 calls, unacknowledged assignments, overdue escalations of incidents, of
// hazards at premises (their rectification deadline passed) and of directives. A badge in the top bar (with the list), a toast, and an optional sound (off unless chosen).
// An overdue escalation alerts only the accounts of the unit it was addressed to at its step of the chain (station,
// then district branch, then city command centre); the stream brings every step of the scope, and boards redraw on each.
import { fmtDateTime, fmtNumber, onLangChange, pair, t } from "./i18n.js";
import { openIncident } from "./incident.js";
import { tp } from "./i18n-places.js";
import { showPremises } from "./places-ops.js";
import { can, incidentTitle, on, store } from "./store.js";
import { button, el, toast } from "./ui.js";

const SOUND_KEY = "precinct.alert-sound";
const MAX_KEPT = 50;
const alerts = []; // newest first: {key, kind, say (its text in the language chosen now), at, incidentId, premisesId, read}
const seenKeys = new Set();
let ready = false; // the first load of open incidents raises no priority-1 alerts
let audio = null;

export function initNotify() {
  const bar = document.querySelector(".topbar");
  const wrap = el("div", { class: "alerts-menu" });
  const badgeButton = button("", { id: "alerts-badge", class: "alerts-badge", "aria-haspopup": "true", "aria-expanded": "false",
    "aria-controls": "notify-panel" }, togglePanel);
  wrap.append(badgeButton, el("div", { id: "notify-panel", class: "menu card alerts-panel", hidden: "" }));
  bar.insertBefore(wrap, document.getElementById("live-state"));
  on("escalation", onEscalation);
  on("directive", onDirective);
  on("incident", onIncident);
  onLangChange(() => {
    renderBadge();
    if (!document.getElementById("notify-panel").hidden) renderPanel();
  });
  renderBadge();
}

/** From now on a new priority-1 call raises an alert (the incidents loaded at start do not). */
export function alertsReady() {
  ready = true;
}

function onIncident(incident) {
  if (!ready || incident.priority !== 1 || incident.status !== "received") return;
  raise(`p1-${incident.id}`, "p1", () => t("alert_p1", { title: incidentTitle(incident), address: incident.address }), incident.id);
}

/** The tier of an organisation unit: "station", "district", else "city" (the city's own unit, or none). */
function tierOf(orgUnitId) {
  if (orgUnitId != null && store.stations.has(orgUnitId)) return "station";
  if (orgUnitId != null && store.districts.has(orgUnitId)) return "district";
  return "city";
}

/** Whether a step of an escalation chain, addressed to `orgUnitId`, is this account's to act on: a station's or district
 * branch's account for its own unit, a city-wide account for the city command centre (and for a step addressed to no
 * unit: the city catches what has no station or branch). */
function addressedToMe(orgUnitId) {
  const mine = store.me?.org_unit_id ?? null;
  const tier = tierOf(orgUnitId ?? null);
  return tier === tierOf(mine) && (tier === "city" || orgUnitId === mine);
}

function onEscalation(data) {
  if (data.source !== "acknowledgement" && !addressedToMe(data.org_unit_id)) return; // another level's step
  if (data.source === "hazard") {
    raise(`hazard-${data.hazard_id}-${data.level_number}`, "hazard", () => tp("alert_hazard", { text: pair(data) }), null, data.premises_id);
  } else if (data.source === "deadline") {
    raise(`deadline-${data.deadline_id}-${data.level_number}`, "deadline", () => t("alert_deadline", { text: pair(data) }), data.incident_id);
  } else {
    raise(`ack-${data.assignment_id}`, "ack", () => t("alert_ack", { text: pair(data) }), data.incident_id);
  }
}

function onDirective(data) {
  if (!["overdue", "escalated"].includes(data.step) || !addressedToMe(data.org_unit_id)) return;
  const say = () => t("alert_directive", { title: data.title, step: pair({ zh: data.step_zh, en: data.step_en }) });
  raise(`directive-${data.id}-${data.step}-${data.escalation_level}`, "directive", say, null);
}

/** Raise an alert once per key; `say()` gives its text in the language chosen at the time it is shown. */
function raise(key, kind, say, incidentId, premisesId = null) {
  if (seenKeys.has(key)) return;
  seenKeys.add(key);
  alerts.unshift({ key, kind, say, at: new Date().toISOString(), incidentId, premisesId, read: false });
  alerts.length = Math.min(alerts.length, MAX_KEPT);
  toast(say(), kind === "p1" ? "info" : "error");
  if (soundOn()) beep(kind);
  renderBadge();
  if (!document.getElementById("notify-panel").hidden) renderPanel();
}

function renderBadge() {
  const unread = alerts.filter((a) => !a.read).length;
  const node = document.getElementById("alerts-badge");
  node.dataset.unread = String(unread);
  node.textContent = unread ? `${t("alerts_button")} ${fmtNumber(unread)}` : t("alerts_button");
}

function togglePanel() {
  const panel = document.getElementById("notify-panel");
  panel.hidden = !panel.hidden;
  document.getElementById("alerts-badge").setAttribute("aria-expanded", String(!panel.hidden));
  if (!panel.hidden) renderPanel();
}

function renderPanel() {
  const panel = document.getElementById("notify-panel");
  const sound = el("input", { type: "checkbox", id: "alerts-sound" });
  sound.checked = soundOn();
  sound.addEventListener("change", () => {
    localStorage.setItem(SOUND_KEY, sound.checked ? "on" : "off");
    if (sound.checked) beep("p1"); // a first sound also unlocks audio in the browser
  });
  const head = el("div", { class: "row wrap" });
  head.append(sound, el("label", { for: "alerts-sound" }, t("alerts_sound")), button(t("alerts_clear"), { class: "link", id: "alerts-clear" }, () => {
    for (const alert of alerts) alert.read = true;
    renderBadge();
    renderPanel();
  }));
  const list = el("ul", { id: "alerts-list", class: "alerts-list" });
  if (!alerts.length) list.append(el("li", { class: "muted" }, t("alerts_none")));
  for (const alert of alerts) {
    const item = el("li", { "data-kind": alert.kind, "data-read": String(alert.read), "data-incident-id": String(alert.incidentId ?? "") });
    item.append(el("span", { class: "muted" }, fmtDateTime(alert.at)), el("span", {}, ` ${alert.say()} `));
    if (alert.incidentId && can("read_incidents")) {
      item.append(button(t("alert_open"), { class: "link" }, () => {
        alert.read = true;
        renderBadge();
        togglePanel();
        if (document.body.dataset.view !== "map") document.getElementById("tab-map").click();
        openIncident(alert.incidentId);
      }));
    }
    if (alert.premisesId && can("read_incidents")) {
      item.append(button(t("alert_open"), { class: "link alert-premises" }, () => {
        alert.read = true;
        renderBadge();
        togglePanel();
        showPremises(alert.premisesId);
      }));
    }
    list.append(item);
  }
  panel.replaceChildren(head, list);
}

function soundOn() {
  return localStorage.getItem(SOUND_KEY) === "on";
}

/** A short tone made in the page (no file is fetched): high for a priority-1 call, two low ones otherwise. */
function beep(kind) {
  try {
    audio ??= new AudioContext();
    const tones = kind === "p1" ? [880] : [440, 330];
    tones.forEach((frequency, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(audio.destination);
      const start = audio.currentTime + i * 0.25;
      osc.start(start);
      osc.stop(start + 0.18);
    });
  } catch {
    // no audio device: the badge and the toast still show
  }
}

