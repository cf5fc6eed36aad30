// The officer's field tools on the phone: position reports from the device's geolocation (with consent, at an
// interval, through the position API), field notes on the call, and clearing with a disposition.
import { api, ApiError } from "./api.js";
import { fmtTime, t } from "./i18n.js";
import { store, upsertUnit } from "./store.js";
import { choices, el, errorText, select, toast } from "./ui.js";

const CONSENT_KEY = "precinct.share-position";
const INTERVAL_S = 30;
let timerId = null;
let lastSent = null;
let lastError = "";

/** The "share my position" switch; while on (and the device allows it) a fix goes to the server every 30 s. */
export function positionControls() {
  const box = el("div", { class: "position-share", id: "officer-position" });
  const toggle = el("input", { type: "checkbox", id: "officer-share-position" });
  toggle.checked = localStorage.getItem(CONSENT_KEY) === "on";
  const state = el("p", { class: "muted", id: "officer-position-state", "aria-live": "polite" });
  const show = () => {
    state.textContent = lastError ? t("position_denied", { reason: lastError })
      : toggle.checked ? t("position_on", { at: lastSent ? fmtTime(lastSent) : "—" }) : t("position_off");
    state.dataset.state = lastError ? "error" : toggle.checked ? "on" : "off";
  };
  toggle.addEventListener("change", () => {
    localStorage.setItem(CONSENT_KEY, toggle.checked ? "on" : "off");
    lastError = "";
    if (toggle.checked) startSharing(show);
    else stopSharing();
    show();
  });
  box.append(toggle, el("label", { for: "officer-share-position" }, t("share_position")),
    el("p", { class: "muted hint" }, t("position_consent", { s: INTERVAL_S })), state);
  if (toggle.checked && !timerId) startSharing(show);
  show();
  return box;
}

function startSharing(show) {
  stopSharing();
  const once = () => {
    if (!navigator.geolocation || !store.me.unit_id) {
      lastError = "geolocation";
      show();
      return;
    }
    navigator.geolocation.getCurrentPosition(async (fix) => {
      const { longitude: lon, latitude: lat, heading, speed } = fix.coords;
      const body = { lon, lat };
      if (Number.isFinite(heading)) body.heading_deg = ((heading % 360) + 360) % 360;
      if (Number.isFinite(speed)) body.speed_kph = Math.min(400, speed * 3.6);
      try {
        await api(`/units/${store.me.unit_id}/positions`, { method: "POST", body });
        lastSent = new Date();
        lastError = "";
      } catch (error) {
        lastError = errorText(error);
      }
      show();
    }, (error) => {
      lastError = error.message || String(error.code);
      show();
    }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
  };
  once();
  timerId = setInterval(once, INTERVAL_S * 1000);
}

function stopSharing() {
  if (timerId) clearInterval(timerId);
  timerId = null;
}

/** Field notes on the call and "clear and close" with a disposition and the feedback closing needs. */
export function fieldSection(incident, unit, onDone) {
  const box = el("section", { class: "officer-field", id: "officer-field" });
  const note = el("textarea", { id: "officer-note", rows: "2", maxlength: "4000" });
  const noteButton = el("button", { type: "button", id: "officer-note-add" }, t("note_add"));
  noteButton.addEventListener("click", async () => {
    try {
      await api(`/incidents/${incident.id}/notes`, { method: "POST", body: { text: note.value } });
      note.value = "";
      toast(t("note_added"));
    } catch (error) {
      toast(errorText(error), "error");
    }
  });
  const disposition = select({ id: "officer-disposition" }, choices(store.meta.dispositions, "disposition"));
  const feedback = el("input", { id: "officer-feedback", maxlength: "2000", placeholder: t("note") });
  const error = el("p", { class: "error", id: "officer-clear-error", role: "alert" });
  const close = el("button", { type: "button", class: "big danger", id: "officer-clear-close" }, t("clear_close"));
  close.addEventListener("click", async () => {
    error.textContent = "";
    try {
      upsertUnit(await api(`/units/${unit.id}/status`, { method: "POST", body: { status: "available", disposition: disposition.value, note: feedback.value } }));
      toast(t("status_done"));
      onDone();
    } catch (err) {
      error.textContent = errorText(err);
    }
  });
  box.append(el("h3", {}, t("field_note")), el("label", { for: "officer-note", class: "sr-only" }, t("field_note")), note, noteButton,
    el("h3", {}, t("clear_close")), el("label", { for: "officer-disposition" }, t("disposition")), disposition,
    el("label", { for: "officer-feedback" }, t("note")), feedback, error, close);
  return box;
}

/** Tell the officer what the server wants when "Clear, available" is refused for the last unit on scene. */
export function explainRefusal(error) {
  if (!(error instanceof ApiError) || error.status !== 409) return false;
  const shown = document.getElementById("officer-clear-error");
  if (!shown) return false;
  shown.textContent = `${t("clear_needs_disposition")} (${error.message})`;
  document.getElementById("officer-disposition")?.focus();
  return true;
}
