// The forms of a case's page that change its clock: pauses (start with a kind and reason, end), an extension of a
// deadline (the steps the rule allows at the approver's tier; the server decides and its refusal shows in words),
// milestones (a summons, a detention, ...) and marking a criminal case cleared (破案). Each answer re-renders the page.
import { api } from "./api.js";
import { alertLine, tryOrSay } from "./refusals.js";
import { fmtDateTime, fmtNumber, isoFromLocal } from "./i18n.js";
import { can, myTier } from "./store.js";
import { actionButton, el, select, toast } from "./ui.js";
import { serverNow } from "./timers.js";
import { tc } from "./i18n-cases.js";

const PAUSE_KINDS = ["expert_examination", "mental_assessment", "suspect_at_large", "other"];
const MILESTONES = { administrative: ["summoned", "summons_ended"],
  criminal: ["detained", "family_notified", "interrogated", "arrest_requested", "released"] };
const TIERS = ["station", "district", "city"];
let rules = null; // GET /cases/rules, once

/** A labelled control in a row of a form. */
function labelled(text, control) {
  const wrap = el("label", { class: "field" }, `${text} `);
  wrap.append(control);
  return wrap;
}

/** A datetime-local value as ISO 8601, or (left empty) now on the server's clock. */
function instantOrNow(value) {
  return isoFromLocal(value) ?? new Date(serverNow() - 1000).toISOString();
}

/** The case's pauses, each open one with its end button, and the form that starts one (those who work the case). */
export function pausesBlock(caseId, pauses, workable, refresh) {
  const node = el("div", { class: "case-pauses", id: "case-pauses" });
  node.append(el("h4", {}, tc("pauses")));
  const line = alertLine("case-pause-error");
  const list = el("ul", { class: "plain-list" });
  for (const p of pauses) {
    const item = el("li", { "data-pause-id": String(p.id), "data-open": String(!p.ended_at) },
      `${tc(`pause.${p.kind}`)} · ${fmtDateTime(p.started_at)} – ${p.ended_at ? fmtDateTime(p.ended_at) : tc("pause_open")} · ${p.reason} `);
    if (workable && !p.ended_at) {
      item.append(actionButton(tc("pause_end"), { class: "small case-pause-end" }, () => tryOrSay(line, async () => {
        await api(`/cases/${caseId}/pauses/${p.id}/end`, { method: "POST", body: {} });
        toast(tc("pause_ended"));
        refresh();
      }, { ended_at: tc("pause_end") })));
    }
    list.append(item);
  }
  node.append(pauses.length ? list : el("p", { class: "muted" }, tc("no_pauses")));
  if (!workable || pauses.some((p) => !p.ended_at)) {
    node.append(line);
    return node;
  }
  const kind = select({ id: "case-pause-kind" }, PAUSE_KINDS.map((k) => [k, tc(`pause.${k}`)]));
  const start = el("input", { type: "datetime-local", id: "case-pause-start" });
  const reason = el("input", { id: "case-pause-reason", maxlength: "2000" });
  const form = el("div", { class: "row wrap" });
  form.append(labelled(tc("pause_kind"), kind), labelled(tc("pause_start"), start), labelled(tc("pause_reason"), reason),
    actionButton(tc("pause_add"), { id: "case-pause-add" }, () => tryOrSay(line, async () => {
      await api(`/cases/${caseId}/pauses`, { method: "POST", body: { kind: kind.value, started_at: instantOrNow(start.value), reason: reason.value } });
      toast(tc("paused_done"));
      refresh();
    }, { kind: tc("pause_kind"), started_at: tc("pause_start"), ended_at: tc("pause_end"), reason: tc("pause_reason") })));
  node.append(form, line);
  return node;
}

/** The extension form of a running deadline: the steps beyond its present limit that the approver's tier may grant. */
export async function extensionForm(caseId, deadline, refresh) {
  if (!can("approve_cases") || deadline.ended_at || !deadline.max_extension) return null;
  rules ??= api("/cases/rules");
  const rule = (await rules).rules.find((r) => r.code === deadline.rule_code);
  const present = deadline.extended_to || deadline.duration;
  const rank = TIERS.indexOf(myTier());
  const steps = (rule?.extensions || []).filter((s) => s.to > present && TIERS.indexOf(s.tier) <= rank);
  if (!steps.length) return null;
  const unit = tc(`unit.${deadline.unit}`);
  const to = select({ class: "case-extend-to", "aria-label": tc("extend_to") },
    steps.map((s) => [s.to, tc("extend_step", { to: fmtNumber(s.to), unit, tier: tc(`tier.${s.tier}`) })]));
  const reason = el("input", { class: "case-extend-reason", maxlength: "2000", "aria-label": tc("extend_reason"), placeholder: tc("extend_reason") });
  const line = alertLine(`case-extend-error-${deadline.id}`);
  line.classList.add("case-extend-error");
  const form = el("div", { class: "row wrap case-extend", "data-deadline-id": String(deadline.id) });
  form.append(labelled(tc("extend_to"), to), reason, actionButton(tc("extend"), { class: "case-extend-submit" }, () => tryOrSay(line, async () => {
    await api(`/cases/${caseId}/deadlines/${deadline.id}/extensions`, { method: "POST", body: { to: Number(to.value), reason: reason.value } });
    toast(tc("extended"));
    refresh();
  }, { to: tc("extend_to"), reason: tc("extend_reason") })), line);
  return form;
}

/** The milestones of the case's kind, and (a criminal case under investigation) marking it cleared. */
export function milestonesSection(c, workable, refresh) {
  const node = el("section", { class: "card-section case-section", id: "case-milestones" });
  node.append(el("h3", {}, tc("milestones")));
  if (c.cleared_at) node.append(el("p", { id: "case-cleared-at" }, tc("cleared_at", { at: fmtDateTime(c.cleared_at) })));
  const open = c.allowed_moves.length > 0;
  if (!workable || !open) return node;
  const line = alertLine("case-milestone-error");
  const kind = select({ id: "case-milestone-kind" }, (MILESTONES[c.kind] || []).map((k) => [k, tc(`milestone.${k}`)]));
  const at = el("input", { type: "datetime-local", id: "case-milestone-at" });
  const note = el("input", { id: "case-milestone-note", maxlength: "2000" });
  const form = el("div", { class: "row wrap" });
  form.append(labelled(tc("milestone_kind"), kind), labelled(tc("milestone_at"), at), labelled(tc("milestone_note"), note),
    actionButton(tc("milestone_add"), { id: "case-milestone-add" }, () => tryOrSay(line, async () => {
      await api(`/cases/${c.id}/milestones`, { method: "POST", body: { kind: kind.value, occurred_at: isoFromLocal(at.value), note: note.value } });
      toast(tc("milestone_done", { kind: tc(`milestone.${kind.value}`) }));
      refresh();
    }, { kind: tc("milestone_kind"), occurred_at: tc("milestone_at"), note: tc("milestone_note") })));
  node.append(form);
  if (c.kind === "criminal" && c.status === "investigating" && !c.cleared_at) {
    const clearNote = el("input", { id: "case-clear-note", maxlength: "2000", placeholder: tc("clear_note"), "aria-label": tc("clear_note") });
    const clear = el("div", { class: "row wrap" });
    clear.append(clearNote, actionButton(tc("clear"), { id: "case-clear" }, () => tryOrSay(line, async () => {
      await api(`/cases/${c.id}/cleared`, { method: "POST", body: { reason: clearNote.value } });
      toast(tc("cleared_done"));
      refresh();
    }, { reason: tc("clear_note") })));
    node.append(clear);
  }
  node.append(line);
  return node;
}

/** Recording a party (victim, witness, suspect, reporting person): personal data, for roles that hold case_parties. */
export function partyForm(caseId) {
  const role = select({ id: "case-party-role" }, ["victim", "witness", "suspect", "reporting_person"].map((r) => [r, tc(`party.${r}`)]));
  const person = el("input", { id: "case-party-name", maxlength: "128", autocomplete: "off" });
  const phone = el("input", { id: "case-party-phone", maxlength: "32", inputmode: "tel", autocomplete: "off" });
  const line = alertLine("case-party-error");
  const done = el("p", { class: "muted", id: "case-party-done", role: "status" });
  const form = el("div", { class: "row wrap", id: "case-party-new" });
  form.append(labelled(tc("party_role"), role), labelled(tc("party_name"), person), labelled(tc("party_phone"), phone),
    actionButton(tc("party_add"), { id: "case-party-add" }, () => tryOrSay(line, async () => {
      done.textContent = "";
      await api(`/cases/${caseId}/parties`, { method: "POST", body: { role: role.value, name: person.value, phone: phone.value } });
      person.value = "";
      phone.value = "";
      done.textContent = tc("party_added");
    }, { role: tc("party_role"), name: tc("party_name"), phone: tc("party_phone") })), line, done);
  return form;
}
