// Live updates: Server-Sent Events from GET /api/v1/stream; polling when the stream is not there.
import { api, allPages, token } from "./api.js";
import { t } from "./i18n.js";
import { can, emit, isOpen, openStatuses, store, upsertIncident, upsertUnit } from "./store.js";

const POLL_MS = 5000;
let source = null;
let pollTimer = null;
let mode = "connecting";

function setMode(value) {
  mode = value;
  const el = document.getElementById("live-state");
  if (el) {
    el.dataset.mode = value;
    el.textContent = t({ push: "live_push", polling: "live_polling", connecting: "live_connecting", offline: "live_offline" }[value]);
  }
}

export function refreshLiveLabel() {
  setMode(mode);
}

function parse(event) {
  try {
    return JSON.parse(event.data);
  } catch {
    return null;
  }
}

export function startStream() {
  stopStream();
  setMode("connecting");
  let opened = false;
  source = new EventSource(`/api/v1/stream?access_token=${encodeURIComponent(token())}`);
  source.addEventListener("open", () => {
    opened = true;
    setMode("push");
    stopPolling();
  });
  source.addEventListener("incident", (event) => {
    const incident = parse(event);
    if (incident) upsertIncident(incident);
  });
  source.addEventListener("unit", (event) => {
    const unit = parse(event);
    if (unit) upsertUnit(unit);
  });
  // Escalations, directives' steps, new notes, cases' steps and their deadlines' reminders and breaches: told to
  // whoever listens (alerts, boards, open cards, the cases view).
  for (const kind of ["duty_level", "escalation", "directive", "incident_note", "case", "case_deadline"]) {
    source.addEventListener(kind, (event) => {
      const data = parse(event);
      if (data) emit(kind, data);
    });
  }
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {
      // The stream is not there (404) or refused us: poll instead, and try the stream again later.
      source = null;
      startPolling();
      setTimeout(() => {
        if (token() && !source) startStream();
      }, opened ? 5000 : 60000);
    } else {
      setMode("connecting");
    }
  });
}

export function stopStream() {
  if (source) source.close();
  source = null;
  stopPolling();
}

function stopPolling() {
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
}

function startPolling() {
  if (pollTimer) return;
  setMode("polling");
  pollTimer = setInterval(pollOnce, POLL_MS);
  pollOnce();
}

async function pollOnce() {
  try {
    if (!can("read_incidents")) return;
    const [units, open] = await Promise.all([api("/units"), allPages("/incidents", { status: openStatuses() })]);
    for (const unit of units) upsertUnit(unit);
    const openIds = new Set(open.items.map((i) => i.id));
    for (const incident of open.items) upsertIncident(incident);
    // Incidents that left the open list: fetch them once so their final status shows.
    for (const [id, incident] of store.incidents) {
      if (!openIds.has(id) && isOpen(incident)) {
        upsertIncident(await api(`/incidents/${id}`));
      }
    }
    if (mode !== "push") setMode("polling");
  } catch {
    setMode("offline");
  }
}
