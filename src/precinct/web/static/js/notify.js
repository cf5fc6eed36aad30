// Alerts for the shift: new priority-1 calls, unacknowledged assignments, overdue escalations of incidents and
// directives. A badge in the top bar (with the list), a toast, and an optional sound (off unless chosen).
import { fmtDateTime, fmtNumber, pair, t } from "./i18n.js";
import { openIncident } from "./incident.js";
import { can, incidentTitle, on } from "./store.js";
import { button, el, toast } from "./ui.js";

const SOUND_KEY = "precinct.alert-sound";
const MAX_KEPT = 50;
const alerts = []; // newest first: {key, kind, text, at, incidentId, read}
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
  renderBadge();
}

/** From now on a new priority-1 call raises an alert (the incidents loaded at start do not). */
export function alertsReady() {
  ready = true;
}

function onIncident(incident) {
  if (!ready || incident.priority !== 1 || incident.status !== "received") return;
  raise(`p1-${incident.id}`, "p1", t("alert_p1", { title: incidentTitle(incident), address: incident.address }), incident.id);
}

function onEscalation(data) {
  if (data.source === "deadline") {
    raise(`deadline-${data.deadline_id}-${data.level_number}`, "deadline", t("alert_deadline", { text: pair(data) }), data.incident_id);
  } else {
    raise(`ack-${data.assignment_id}`, "ack", t("alert_ack", { text: pair(data) }), data.incident_id);
  }
}

function onDirective(data) {
  if (!["overdue", "escalated"].includes(data.step)) return;
  const step = pair({ zh: data.step_zh, en: data.step_en });
  raise(`directive-${data.id}-${data.step}-${data.escalation_level}`, "directive", t("alert_directive", { title: data.title, step }), null);
}

function raise(key, kind, text, incidentId) {
  if (seenKeys.has(key)) return;
  seenKeys.add(key);
  alerts.unshift({ key, kind, text, at: new Date().toISOString(), incidentId, read: false });
  alerts.length = Math.min(alerts.length, MAX_KEPT);
  toast(text, kind === "p1" ? "info" : "error");
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
    const item = el("li", { "data-kind": alert.kind, "data-read": String(alert.read) });
    item.append(el("span", { class: "muted" }, fmtDateTime(alert.at)), el("span", {}, ` ${alert.text} `));
    if (alert.incidentId && can("read_incidents")) {
      item.append(button(t("alert_open"), { class: "link" }, () => {
        alert.read = true;
        renderBadge();
        togglePanel();
        if (document.body.dataset.view !== "map") document.getElementById("tab-map").click();
        openIncident(alert.incidentId);
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

