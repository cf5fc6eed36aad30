// Incident card sections of the shift: running notes (append-only), corrections of the call's facts,
// the time limits of each stage with timers (on a closed call: its feedback, call-back and reopening), and the
// event log in words.
import { api } from "./api.js";
import { fmtDateTime, name, t } from "./i18n.js";
import { closingNote, eventLine } from "./event-words.js";
import { can, on, store, upsertIncident } from "./store.js";
import { el, errorText, field, section, select, toast } from "./ui.js";
import { setServerNow, timer } from "./timers.js";

const CALLBACK_OUTCOMES = ["satisfied", "unsatisfied", "unreachable"];
const noteLists = new Map(); // incident id -> the <ol> of its notes while its card shows

export function initCardNotes() {
  on("incident_note", (data) => {
    const list = noteLists.get(data.incident_id);
    if (list?.isConnected) loadNotes(data.incident_id, list);
  });
}

// ---- running notes --------------------------------------------------------------------------------

export function notesSection(incident) {
  const box = section("notes", "sec-notes");
  const list = el("ol", { class: "notes", id: "note-list" });
  noteLists.set(incident.id, list);
  box.append(list);
  loadNotes(incident.id, list);
  if (!can("incident_notes")) return box;
  const form = el("form", { id: "note-form", class: "note-form" });
  const text = el("textarea", { id: "note-text", rows: "2", maxlength: "4000", required: "" });
  const error = el("p", { class: "error", id: "note-error", role: "alert" });
  text.addEventListener("input", () => (error.textContent = ""));
  form.append(el("label", { for: "note-text", class: "sr-only" }, t("note_text")), text, error,
    el("button", { type: "submit", id: "note-submit" }, t("note_add")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`/incidents/${incident.id}/notes`, { method: "POST", body: { text: text.value } });
      text.value = "";
      toast(t("note_added"));
      loadNotes(incident.id, list);
    } catch (err) {
      error.textContent = errorText(err);
    }
  });
  box.append(form);
  return box;
}

async function loadNotes(incidentId, list) {
  try {
    const notes = await api(`/incidents/${incidentId}/notes`);
    list.replaceChildren();
    if (!notes.length) list.append(el("li", { class: "muted" }, t("no_data")));
    for (const note of notes) {
      const item = el("li", { "data-note-id": String(note.id) });
      item.append(el("span", { class: "muted" }, `${fmtDateTime(note.at)} · ${note.author} · ${t(`role.${note.author_role}`)}`),
        el("p", { class: "note-text" }, note.text));
      list.append(item);
    }
  } catch (error) {
    list.replaceChildren(el("li", { class: "error" }, errorText(error)));
  }
}

// ---- corrections of the call's facts --------------------------------------------------------------

export function editSection(incident) {
  const box = section("edit_facts", "sec-edit");
  const details = el("details", { id: "edit-details" });
  details.append(el("summary", {}, t("edit_facts")));
  const form = el("form", { id: "edit-form", class: "edit-form" });
  const types = [...store.types.values()].filter((ty) => ty.active || ty.code === incident.type_code)
    .sort((a, b) => a.code.localeCompare(b.code)).map((ty) => [ty.code, name(ty)]);
  const type = select({ id: "edit-type" }, types);
  type.value = incident.type_code;
  const priority = select({ id: "edit-priority" }, store.meta.priorities.map((p) => [p, t("priority_n", { n: p })]));
  priority.value = String(incident.priority);
  const address = el("input", { id: "edit-address", maxlength: "256" });
  address.value = incident.address;
  const description = el("textarea", { id: "edit-description", rows: "3", maxlength: "4000" });
  description.value = incident.description;
  const error = el("p", { class: "error", id: "edit-error", role: "alert" });
  form.append(field("type", type), field("priority", priority), field("address", address), field("description", description), error,
    el("button", { type: "submit", id: "edit-save" }, t("edit_save")));
  form.addEventListener("input", () => (error.textContent = ""));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    if (type.value !== incident.type_code) body.type_code = type.value;
    if (Number(priority.value) !== incident.priority) body.priority = Number(priority.value);
    if (address.value !== incident.address) body.address = address.value;
    if (description.value !== incident.description) body.description = description.value;
    if (!Object.keys(body).length) return;
    try {
      upsertIncident(await api(`/incidents/${incident.id}`, { method: "PATCH", body }));
      toast(t("edit_saved"));
    } catch (err) {
      error.textContent = errorText(err);
    }
  });
  details.append(form);
  box.append(details);
  return box;
}

// ---- time limits per stage ------------------------------------------------------------------------

export function deadlinesSection(incident) {
  const box = section("deadlines", "sec-deadlines");
  const list = el("ul", { class: "deadlines", id: "deadline-list" });
  const followUps = el("div", { class: "follow-ups" }); // the feedback and call-back forms of the stages still open
  box.append(list, followUps);
  loadDeadlines(incident, list, followUps);
  if (incident.status === "closed" && can("reopen")) box.append(reopenForm(incident));
  return box;
}

function loadDeadlines(incident, list, followUps) {
  return api(`/supervision/incidents/${incident.id}/deadlines`).then((found) => {
    setServerNow(found.now);
    list.replaceChildren();
    if (!found.deadlines.length) list.append(el("li", { class: "muted" }, t("no_data")));
    for (const d of found.deadlines) list.append(deadlineRow(d));
    followUps.replaceChildren();
    if (incident.status !== "closed" || !can("follow_up")) return;
    const open = (stage) => found.deadlines.some((d) => d.stage === stage && !d.ended_at);
    const reload = () => loadDeadlines(incident, list, followUps);
    if (open("feedback")) followUps.append(feedbackForm(incident, reload));
    if (open("callback")) followUps.append(callbackForm(incident, reload));
  }).catch((error) => list.replaceChildren(el("li", { class: "error" }, errorText(error))));
}

function deadlineRow(d) {
  const item = el("li", { "data-stage": d.stage, "data-outcome": d.outcome || "open" });
  item.append(el("strong", {}, `${t(`stage.${d.stage}`)} `));
  if (d.ended_at) {
    item.append(el("span", {}, `${t(d.breached_at ? "overdue_red" : "deadline_met")} · ${fmtDateTime(d.ended_at)}`));
  } else {
    item.append(timer({ until: d.deadline_at, warnAt: d.warn_at, labelKey: "to_limit", attrs: { "data-kind": "limit" } }),
      el("span", { class: "muted" }, ` ${t("deadline_at")} ${fmtDateTime(d.deadline_at)}`));
  }
  if (d.escalation_level) item.append(el("span", { class: "escalation" }, ` ${t(`level.${d.escalation_level}`)}`));
  return item;
}

/** A small form in the deadlines section: its controls, a submit button and an error line; `send()` posts it. */
function followUpForm(id, controls, submitKey, send) {
  const form = el("form", { id, class: "follow-up-form", novalidate: "" }); // the server says what is missing
  const error = el("p", { class: "error", role: "alert" });
  form.addEventListener("input", () => (error.textContent = ""));
  form.append(...controls, error, el("button", { type: "submit", id: `${id}-submit` }, t(submitKey)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type='submit']");
    button.disabled = true;
    try {
      await send();
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function feedbackForm(incident, reload) {
  const text = el("textarea", { id: "feedback-text", rows: "2", maxlength: "2000", required: "" });
  return followUpForm("feedback-form", [field("feedback_text", text)], "feedback_submit", async () => {
    await api(`/supervision/incidents/${incident.id}/feedback`, { method: "POST", body: { text: text.value } });
    toast(t("feedback_written"));
    reload();
  });
}

function callbackForm(incident, reload) {
  const outcome = select({ id: "callback-outcome" }, CALLBACK_OUTCOMES.map((o) => [o, t(`callback.${o}`)]));
  const note = el("input", { id: "callback-note", maxlength: "2000" });
  return followUpForm("callback-form", [field("callback_outcome", outcome), field("callback_note", note)], "callback_submit", async () => {
    await api(`/supervision/incidents/${incident.id}/callback`, { method: "POST", body: { outcome: outcome.value, note: note.value } });
    toast(t("callback_recorded"));
    reload();
  });
}

function reopenForm(incident) {
  const reason = el("input", { id: "reopen-reason", maxlength: "2000", required: "" });
  return followUpForm("reopen-form", [field("reopen_reason", reason)], "reopen_submit", async () => {
    upsertIncident(await api(`/supervision/incidents/${incident.id}/reopen`, { method: "POST", body: { reason: reason.value } }));
    toast(t("reopened"));
  });
}

// ---- event log ------------------------------------------------------------------------------------

export function eventsSection(incident) {
  const box = section("events", "sec-events");
  const list = el("ol", { class: "events", id: "event-list" });
  box.append(list);
  api(`/incidents/${incident.id}/events`).then((events) => {
    for (const e of events) list.append(el("li", { "data-kind": e.kind }, eventLine(e)));
    const closing = events.filter((e) => ["closed", "transferred"].includes(e.to_status) && closingNote(e)).at(-1);
    const shown = document.getElementById("closing-note");
    if (closing && shown) {
      const agency = closing.data.agency ? `${t(`agency.${closing.data.agency}`)}: ` : "";
      shown.textContent = `${agency}${closingNote(closing)}`;
    }
  }).catch((error) => list.replaceChildren(el("li", { class: "error" }, errorText(error))));
  return box;
}
