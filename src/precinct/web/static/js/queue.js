// The incident queue panel: open incidents, not yet dispatched first, with a filter.
import { fmtDateTime, fmtNumber, t } from "./i18n.js";
import { openIncident } from "./incident.js";
import { registerPanel, side } from "./side.js";
import { awaitingDispatch, incidentTitle, isOpen, on, store } from "./store.js";
import { badge, button, el } from "./ui.js";
import { incidentTimers } from "./timers.js";

let queueFilter = "";
let showSimulated = true;
let queueScheduled = false;

export function initQueue() {
  registerPanel("queue", renderQueue);
  on("incident", scheduleQueue);
}

function scheduleQueue() {
  if (queueScheduled) return;
  queueScheduled = true;
  requestAnimationFrame(() => {
    queueScheduled = false;
    if (side.panel === "queue") renderQueue();
  });
}

/** Not yet dispatched first, then by priority, newest first. */
function queueOrder(a, b) {
  const waiting = (incident) => (awaitingDispatch(incident) ? 0 : 1);
  return waiting(a) - waiting(b) || a.priority - b.priority || b.received_at.localeCompare(a.received_at);
}

function renderQueue() {
  const panel = document.getElementById("panel-queue");
  const open = [...store.incidents.values()].filter(isOpen);
  const needle = queueFilter.trim().toLowerCase();
  const shown = open
    .filter((i) => showSimulated || !i.simulated)
    .filter((i) => !needle || `${incidentTitle(i)} ${i.address} ${i.description}`.toLowerCase().includes(needle))
    .sort(queueOrder);
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
    el("span", { class: "incident-type" }, incidentTitle(incident)),
    badge(t(`status.${incident.status}`), "status", { "data-status": incident.status }),
  );
  if (incident.simulated) row.append(badge(t("simulated"), "sim"));
  row.append(el("span", { class: "incident-address" }, incident.address), el("time", { datetime: incident.received_at }, fmtDateTime(incident.received_at)),
    incidentTimers(incident));
  item.append(row);
  return item;
}
