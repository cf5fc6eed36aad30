// Timers that count on the page: one ticker a second updates every element timer() made, on the server's clock.
import { t } from "./i18n.js";
import { can, isOpen, on } from "./store.js";
import { el } from "./ui.js";

let offsetMs = 0; // the server's clock minus the browser's (from the overdue board's `now`)
const statusSince = new Map(); // incident id -> ISO time it entered its current status (as far as the console saw)

/** Take the server's `now` (ISO) so that timers count on its clock. */
export function setServerNow(iso) {
  offsetMs = Date.parse(iso) - Date.now();
}

export function serverNow() {
  return Date.now() + offsetMs;
}

/** "4:05", "1:02:07"; negative values with a minus sign. */
export function fmtClock(seconds) {
  const whole = Math.floor(Math.abs(seconds));
  const h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
  const body = h ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
  return seconds < 0 && whole > 0 ? `-${body}` : body;
}

/** A <time> that counts up from `since`, or down to `until` (amber from `warnAt`, red past `until`). */
export function timer({ since, until, warnAt, labelKey, attrs = {} }) {
  const node = el("time", { class: "timer", "data-timer": since ? "up" : "down", datetime: since || until, ...attrs });
  if (warnAt) node.dataset.warnAt = warnAt;
  if (labelKey) node.dataset.label = labelKey;
  update(node, serverNow());
  return node;
}

function update(node, now) {
  const at = Date.parse(node.getAttribute("datetime"));
  if (Number.isNaN(at)) return;
  const label = node.dataset.label ? `${t(node.dataset.label)} ` : "";
  if (node.dataset.timer === "up") {
    // the page's estimate of the server's clock can trail a fresh record by the request's latency
    node.textContent = label + fmtClock(Math.max(0, now - at) / 1000);
    return;
  }
  const left = (at - now) / 1000;
  const warn = node.dataset.warnAt ? Date.parse(node.dataset.warnAt) : at;
  node.dataset.state = left < 0 ? "red" : now >= warn ? "amber" : "ok";
  node.textContent = left < 0 ? `${t("over_limit")} ${fmtClock(-left)}` : `${label}${fmtClock(left)}`;
}

function tick() {
  const now = serverNow();
  for (const node of document.querySelectorAll("time[data-timer]")) update(node, now);
}

export function initTimers() {
  setInterval(tick, 1000);
  on("incident", (incident) => {
    const known = statusSince.get(incident.id);
    if (!known || known.status !== incident.status) statusSince.set(incident.id, { status: incident.status, at: incident.status_at || incident.updated_at });
  });
}

/** When the incident entered its current status (the console's own record, else the server's, else its last change). */
export function inStatusSince(incident) {
  return statusSince.get(incident.id)?.at || incident.status_at || incident.updated_at;
}

/** The incident's current time limit, {deadline_at, warn_at}: the deadline of its open stage (dispatch, arrival or
 * handling) as the server stored it when the stage began (from a reopening; for arrival, from the dispatch, en route
 * or not), so the page counts to the deadline the server's sweep holds it to. Null without one, or for an account
 * that does not see deadlines. */
export function currentDeadline(incident) {
  if (!can("see_deadlines") || !incident.due_at || !isOpen(incident)) return null;
  return { deadline_at: incident.due_at, warn_at: incident.due_warn_at || incident.due_at };
}

/** The three timers of a call: since received, in status, and (where a limit applies) to its limit. */
export function incidentTimers(incident, { open = true } = {}) {
  const box = el("span", { class: "timers" });
  box.append(timer({ since: incident.received_at, labelKey: "since_received", attrs: { "data-kind": "received" } }));
  if (!open) return box;
  box.append(timer({ since: inStatusSince(incident), labelKey: "in_status", attrs: { "data-kind": "status" } }));
  const deadline = currentDeadline(incident);
  if (deadline) box.append(timer({ until: deadline.deadline_at, warnAt: deadline.warn_at, labelKey: "to_limit", attrs: { "data-kind": "limit" } }));
  return box;
}
