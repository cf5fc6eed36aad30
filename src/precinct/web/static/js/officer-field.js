// The officer's field tools on the phone: position reports from the device's geolocation (with consent, at an
// interval, through the position API), field notes on the call, and clearing with a disposition.
import { api, ApiError } from "./api.js";
import { fmtTime, lang, t } from "./i18n.js";
import { store, upsertUnit } from "./store.js";
import { choices, el, errorText, select, toast } from "./ui.js";

const CONSENT_KEY = "precinct.share-position";
const INTERVAL_S = 30;
let timerId = null;
let lastSent = null;
let lastError = null; // null, a GeolocationPositionError code (1, 2, 3), "unsupported", "no_unit" or an error of the API

// Why the device gave no position (key: [zh-CN, en]), by GeolocationPositionError code.
const POSITION_ERRORS = {
  1: ["未获定位授权，请在浏览器或手机设置中允许本网站使用定位", "Location permission denied: allow this site to use the location in the browser or phone settings"],
  2: ["设备暂时无法确定位置（无卫星或网络信号）", "The device cannot determine its position right now (no satellite or network signal)"],
  3: ["获取定位超时，将在下次上报时重试", "Getting the position took too long; it is tried again at the next report"],
  unsupported: ["此浏览器不支持定位", "This browser does not support geolocation"],
};

function errorReason(error) {
  if (error === "no_unit") return t("no_unit");
  const texts = POSITION_ERRORS[error];
  if (texts) return texts[lang() === "en" ? 1 : 0];
  return errorText(error);
}

/** The sharing state under the switch, found afresh each time (the officer card is rebuilt on every refresh). */
function showPositionState() {
  const state = document.getElementById("officer-position-state");
  const toggle = document.getElementById("officer-share-position");
  if (!state || !toggle) return;
  const mode = lastError !== null ? "error" : toggle.checked ? "on" : "off";
  state.textContent = mode === "error" ? t("position_denied", { reason: errorReason(lastError) })
    : mode === "on" ? t("position_on", { at: lastSent ? fmtTime(lastSent) : "—" }) : t("position_off");
  state.dataset.state = mode;
  state.dataset.reason = lastError === null ? "" : typeof lastError === "object" ? "api" : String(lastError);
}

/** The "share my position" switch; while on (and the device allows it) a fix goes to the server every 30 s. */
export function positionControls() {
  const box = el("div", { class: "position-share", id: "officer-position" });
  const toggle = el("input", { type: "checkbox", id: "officer-share-position" });
  toggle.checked = localStorage.getItem(CONSENT_KEY) === "on";
  const state = el("p", { class: "muted", id: "officer-position-state", "aria-live": "polite" });
  toggle.addEventListener("change", () => {
    localStorage.setItem(CONSENT_KEY, toggle.checked ? "on" : "off");
    lastError = null;
    if (toggle.checked) startSharing();
    else stopSharing();
    showPositionState();
  });
  box.append(toggle, el("label", { for: "officer-share-position" }, t("share_position")),
    el("p", { class: "muted hint" }, t("position_consent", { s: INTERVAL_S })), state);
  if (toggle.checked && !timerId) startSharing();
  queueMicrotask(showPositionState); // once the box is in the card
  return box;
}

function startSharing() {
  stopSharing();
  const once = () => {
    if (!navigator.geolocation || !store.me.unit_id) {
      lastError = navigator.geolocation ? "no_unit" : "unsupported";
      showPositionState();
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
        lastError = null;
      } catch (error) {
        lastError = error;
      }
      showPositionState();
    }, (error) => {
      lastError = POSITION_ERRORS[error.code] ? error.code : 2; // 1 denied, 2 unavailable, 3 timed out
      showPositionState();
    }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
  };
  once();
  timerId = setInterval(once, INTERVAL_S * 1000);
}

function stopSharing() {
  if (timerId) clearInterval(timerId);
  timerId = null;
}

/** Field notes on the call and, once the unit is on scene, "clear and close" with a disposition and the feedback
 * closing needs (the server refuses to clear the last unit of an open call without them, from any status). */
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
  box.append(el("h3", {}, t("field_note")), el("label", { for: "officer-note", class: "sr-only" }, t("field_note")), note, noteButton);
  if (unit.status === "on_scene") box.append(...closeControls(unit, onDone));
  return box;
}

function closeControls(unit, onDone) {
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
  return [el("h3", {}, t("clear_close")), el("label", { for: "officer-disposition" }, t("disposition")), disposition,
    el("label", { for: "officer-feedback" }, t("note")), feedback, error, close];
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
