// The incident card: facts, the sections the role may use, assigned units, status moves and closing.
import { api } from "./api.js";
import { fmtDateTime, onLangChange, t } from "./i18n.js";
import { handoffSection, incidentDuplicatesSection, partiesSection, planSection, recommendationsSection } from "./incident-sections.js";
import { directiveButton, fromIncident } from "./directive-form.js";
import { deadlinesSection, editSection, eventsSection, notesSection } from "./card-notes.js";
import { incidentTimers } from "./timers.js";
import { showIncidentPanel, showPanel, side } from "./side.js";
import { can, incidentTitle, isOpen, manualMoves, on, store, upsertIncident, upsertUnit } from "./store.js";
import { badge, button, choices, confirmButton, el, errorText, incidentBadges, section, select, toast } from "./ui.js";

let refreshTimer = null;

export function initIncidentCard() {
  side.map.onSelectIncident = (id) => openIncident(id);
  on("incident", (incident) => {
    if (incident.id === side.incidentId) renderIncident();
  });
  on("unit", (unit) => {
    updateAssignedUnit(unit);
    if (!side.incidentId) return;
    refreshRecommendationsFor(unit);
    scheduleAssignmentsRefresh();
  });
  onLangChange(() => {
    if (side.incidentId) renderIncident();
  });
}

export async function openIncident(id) {
  const panel = showIncidentPanel(id);
  if (!store.incidents.has(id)) {
    panel.replaceChildren(el("p", {}, t("loading")));
    try {
      upsertIncident(await api(`/incidents/${id}`));
    } catch (error) {
      panel.replaceChildren(el("p", { class: "error" }, errorText(error)));
      return;
    }
  }
  renderIncident({ fresh: true });
}

function renderIncident({ fresh = false } = {}) {
  const incident = store.incidents.get(side.incidentId);
  if (!incident) return;
  const panel = document.getElementById("panel-incident");
  panel.dataset.incidentId = String(incident.id);
  panel.dataset.status = incident.status;
  side.map.highlight(incident);
  const keep = fresh ? null : captureSections(panel);
  panel.replaceChildren();
  panel.append(button(`← ${t("back")}`, { class: "link", id: "incident-back" }, () => showPanel(side.panel)));
  panel.append(el("h2", { id: "incident-title" }, incidentTitle(incident)));
  const badges = el("p", { class: "badges" });
  badges.append(...incidentBadges(incident, { id: "incident-status" }));
  if (incident.disposition) badges.append(badge(t(`disposition.${incident.disposition}`), "status"));
  if (incident.simulated) badges.append(badge(`[${t("simulated")}]`, "sim", { id: "incident-simulated" }));
  panel.append(badges);
  const facts = el("dl", { class: "facts" });
  const fact = (key, value) => facts.append(el("dt", {}, t(key)), el("dd", {}, value));
  fact("received_at", fmtDateTime(incident.received_at));
  fact("source", t(`source.${incident.source}`));
  fact("address", incident.address);
  fact("description", incident.description);
  const open = isOpen(incident);
  if (!open) facts.append(el("dt", {}, t("closing_note")), el("dd", { id: "closing-note" }, "—"));
  panel.append(facts);
  const send = directiveButton(fromIncident(incident), { id: "incident-send-directive" });
  if (send) {
    const row = el("p", { class: "row" });
    row.append(send);
    panel.append(row);
  }
  panel.append(incidentTimers(incident, { open }));

  if (open && can("intake_desk")) panel.append(keep?.recommendations || recommendationsSection(incident));
  if (open && can("intake_desk")) panel.append(keep?.duplicates || incidentDuplicatesSection(incident));
  panel.append(assignmentsSection());
  if (can("see_deadlines")) panel.append(deadlinesSection(incident)); // closed too: feedback, call-back, reopen
  if (open && can("field_status")) panel.append(statusSection(incident));
  panel.append(keep?.notes || notesSection(incident));
  if (open && can("edit_incidents")) panel.append(editSection(incident));
  panel.append(keep?.plan || planSection(incident));
  if (can("intake_desk")) panel.append(keep?.handoff || handoffSection(incident));
  panel.append(keep?.parties || partiesSection(incident));
  panel.append(eventsSection(incident));
  if (fresh) document.getElementById("incident-title").focus?.();
}

/** Sections that keep what the user typed or loaded across a live update of the same incident. */
function captureSections(panel) {
  const take = (id) => panel.querySelector(`#${id}`);
  return { recommendations: take("sec-recommendations"), duplicates: take("sec-duplicates"), plan: take("sec-plan"), handoff: take("sec-handoff"),
    parties: take("sec-parties"), notes: take("sec-notes") };
}

/** A unit the recommendations list was sent elsewhere (from this console or another): recommend afresh, so that
 * no Dispatch button stays for a unit that is no longer available (the server would refuse it). */
function refreshRecommendationsFor(unit) {
  const shown = document.getElementById("sec-recommendations");
  const incident = store.incidents.get(side.incidentId);
  if (!shown || !incident || unit.status === "available" || !shown.querySelector(`li[data-unit-id="${unit.id}"]`)) return;
  shown.replaceWith(recommendationsSection(incident));
}

// ---- assigned units -----------------------------------------------------------------------------

function scheduleAssignmentsRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => side.incidentId && loadAssignments(), 400);
}

function assignmentsSection() {
  const box = section("assignments", "sec-assignments");
  box.append(el("ul", { id: "assignment-list", class: "assignments" }));
  queueMicrotask(() => loadAssignments());
  return box;
}

async function loadAssignments() {
  const id = side.incidentId;
  const list = document.getElementById("assignment-list");
  if (!id || !list) return;
  try {
    const assignments = await api(`/incidents/${id}/assignments`);
    if (id !== side.incidentId) return;
    list.replaceChildren();
    if (!assignments.length) list.append(el("li", { class: "muted" }, t("no_data")));
    for (const a of assignments) {
      const unit = store.units.get(a.unit_id);
      const item = el("li", { "data-unit-id": String(a.unit_id) });
      item.append(el("strong", {}, unit ? unit.call_sign : `#${a.unit_id}`), el("span", { class: "unit-status", "data-status": unit?.status || "" }, unit ? ` ${t(`unit.${unit.status}`)}` : ""),
        el("span", { class: "muted" }, ` ${fmtDateTime(a.dispatched_at)}${a.cleared_at ? " – " + fmtDateTime(a.cleared_at) : ""}`));
      list.append(item);
    }
  } catch (error) {
    list.replaceChildren(el("li", { class: "error" }, errorText(error)));
  }
}

function updateAssignedUnit(unit) {
  const assigned = document.querySelector(`#assignment-list li[data-unit-id="${unit.id}"] .unit-status`);
  if (assigned) {
    assigned.dataset.status = unit.status;
    assigned.textContent = ` ${t(`unit.${unit.status}`)}`;
  }
}

// ---- status moves and closing -------------------------------------------------------------------

function statusSection(incident) {
  const box = section("change_status", "sec-status");
  const moves = manualMoves("incident", incident.status);
  const row = el("div", { class: "row wrap" });
  for (const target of moves) {
    if (target === "closed") continue; // closing takes a disposition: its own row below
    const attrs = { "data-target": target, class: "status-button" };
    const move = () => transition(incident, { status: target });
    row.append(target === "transferred" ? confirmButton(t("to_status", { s: t(`status.${target}`) }), attrs, "confirm_transfer", move)
      : button(t("to_status", { s: t(`status.${target}`) }), attrs, move));
  }
  box.append(row);
  if (!moves.includes("closed")) return box;
  const close = el("div", { class: "row wrap close-row" });
  const disposition = select({ id: "close-disposition" }, choices(store.meta.dispositions, "disposition"));
  const note = el("input", { id: "close-note", maxlength: "2000", placeholder: t("note") });
  close.append(el("label", { for: "close-disposition" }, t("disposition")), disposition, el("label", { for: "close-note", class: "sr-only" }, t("note")), note,
    confirmButton(t("close_incident"), { id: "close-incident", class: "danger" }, "confirm_close",
      () => transition(incident, { status: "closed", disposition: disposition.value, note: note.value })));
  box.append(close);
  return box;
}

async function transition(incident, body) {
  try {
    const updated = await api(`/incidents/${incident.id}/transitions`, { method: "POST", body: { note: "", ...body } });
    upsertIncident(updated);
    toast(t("status_done"));
    const units = await api("/units");
    for (const unit of units) upsertUnit(unit);
  } catch (error) {
    toast(errorText(error), "error");
  }
}
