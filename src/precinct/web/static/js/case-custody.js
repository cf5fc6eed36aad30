// Evidence and property custody of a case's page (涉案财物): each item with where it is, who holds it and until when
// it is kept, its chain of custody; recording an item, a custody step (check out to whom and why, return, move), a
// disposal request, and an approver's decision on it. The server's refusals (409 with the allowed steps) show in words.
import { api } from "./api.js";
import { fmtDateTime } from "./i18n.js";
import { can } from "./store.js";
import { actionButton, el, errorText, select, toast } from "./ui.js";
import { fmtDay, tc } from "./i18n-cases.js";
import { alertLine, oneLanguage, tryOrSay } from "./refusals.js";

const STEPS = { in_store: ["check_out", "move"], out: ["return"], disposed: [] };
const METHODS = ["return_to_owner", "destroy", "confiscate", "transfer_with_case"];

const ITEM_LABELS = () => ({ label_number: tc("item_label"), description: tc("item_description"),
  storage_location: tc("item_location"), retention_until: tc("item_retention") });

function input(attrs, label) {
  return el("input", { ...attrs, "aria-label": label, placeholder: label });
}

export function custodySection(caseId, workable) {
  const node = el("section", { class: "card-section case-section", id: "case-custody" });
  node.append(el("h3", {}, tc("custody")));
  const refresh = () => node.replaceWith(custodySection(caseId, workable));
  const line = alertLine("case-custody-error");
  (async () => {
    const [items, disposals] = await Promise.all([api(`/cases/${caseId}/items`), api(`/cases/${caseId}/disposals`)]);
    if (!items.length) node.append(el("p", { class: "muted" }, tc("no_items")));
    for (const item of items) {
      const chain = await api(`/cases/${caseId}/items/${item.id}/custody`);
      node.append(itemBlock(caseId, item, chain, disposals.filter((d) => d.item_id === item.id), { workable, line, refresh }));
    }
    if (workable) node.append(newItemForm(caseId, line, refresh));
    node.append(line);
  })().catch((error) => node.append(el("p", { class: "error" }, errorText(error))));
  return node;
}

function itemBlock(caseId, item, chain, disposals, { workable, line, refresh }) {
  const block = el("div", { class: "case-item", "data-item-id": String(item.id), "data-status": item.status });
  const facts = [item.label_number, item.description, tc(`item.${item.status}`), item.storage_location];
  if (item.held_by) facts.push(tc("held_by", { name: item.held_by }));
  block.append(el("h4", {}, facts.join(" · ")));
  if (item.retention_until) {
    const kept = el("p", { class: "muted case-retention", "data-past": String(Boolean(item.past_retention)) }, tc("retention_until", { day: fmtDay(item.retention_until) }));
    if (item.past_retention) kept.append(" ", el("strong", { class: "error" }, tc("past_retention")));
    block.append(kept);
  }
  const list = el("ol", { class: "case-steps" });
  for (const entry of chain) {
    list.append(el("li", { "data-action": entry.action },
      [fmtDateTime(entry.at), tc(`custody.${entry.action}`), entry.to_whom || entry.location || "", oneLanguage(entry.reason), entry.actor].filter(Boolean).join(" · ")));
  }
  block.append(list);
  for (const d of disposals) block.append(disposalLine(d, line, refresh));
  const pending = disposals.some((d) => d.status === "pending");
  if (workable && STEPS[item.status].length) block.append(stepForm(caseId, item, line, refresh));
  if (workable && item.status === "in_store" && !pending) block.append(disposalForm(caseId, item, line, refresh));
  return block;
}

function stepForm(caseId, item, line, refresh) {
  const action = select({ class: "case-custody-action", "aria-label": tc("custody_step") }, STEPS[item.status].map((a) => [a, tc(`step.${a}`)]));
  const toWhom = input({ class: "case-custody-to", maxlength: "128" }, tc("custody_to_whom"));
  const location = input({ class: "case-custody-location", maxlength: "128" }, tc("custody_location"));
  const reason = input({ class: "case-custody-reason", maxlength: "2000" }, tc("custody_reason"));
  const shown = () => {
    toWhom.hidden = action.value !== "check_out";
    location.hidden = action.value === "check_out";
  };
  action.addEventListener("change", shown);
  shown();
  const form = el("div", { class: "row wrap case-custody-step" });
  form.append(action, toWhom, location, reason, actionButton(tc("custody_step"), { class: "case-custody-submit" }, () => tryOrSay(line, async () => {
    const body = { action: action.value, reason: reason.value };
    if (action.value === "check_out") body.to_whom = toWhom.value;
    else if (location.value) body.location = location.value;
    await api(`/cases/${caseId}/items/${item.id}/custody`, { method: "POST", body });
    toast(tc("custody_done", { action: tc(`step.${body.action}`) }));
    refresh();
  }, { action: tc("custody_step"), to_whom: tc("custody_to_whom"), location: tc("custody_location"), reason: tc("custody_reason") })));
  return form;
}

function disposalForm(caseId, item, line, refresh) {
  const method = select({ class: "case-disposal-method", "aria-label": tc("disposal_method") }, METHODS.map((m) => [m, tc(`method.${m}`)]));
  const reason = input({ class: "case-disposal-reason", maxlength: "2000" }, tc("disposal_reason"));
  const form = el("div", { class: "row wrap case-disposal-new" });
  form.append(method, reason, actionButton(tc("disposal_request"), { class: "case-disposal-submit" }, () => tryOrSay(line, async () => {
    await api(`/cases/${caseId}/items/${item.id}/disposal`, { method: "POST", body: { method: method.value, reason: reason.value } });
    toast(tc("disposal_requested"));
    refresh();
  }, { method: tc("disposal_method"), reason: tc("disposal_reason") })));
  return form;
}

function disposalLine(d, line, refresh) {
  const node = el("div", { class: "case-disposal", "data-disposal-id": String(d.id), "data-status": d.status });
  node.append(el("p", {}, tc("disposal_line", { method: tc(`method.${d.method}`), status: tc(`disposal.${d.status}`), reason: d.reason, by: d.requested_by })));
  if (d.decision_note) node.append(el("p", { class: "muted" }, d.decision_note));
  if (d.status !== "pending" || !can("approve_cases")) return node;
  const note = input({ class: "case-disposal-note", maxlength: "2000" }, tc("disposal_note"));
  const decide = (approved) => tryOrSay(line, async () => {
    await api(`/cases/disposals/${d.id}/decide`, { method: "POST", body: { approved, note: note.value } });
    toast(tc("disposal_decided"));
    refresh();
  }, { note: tc("disposal_note") });
  node.append(note, actionButton(tc("disposal_approve"), { class: "case-disposal-approve" }, () => decide(true)),
    actionButton(tc("disposal_refuse"), { class: "case-disposal-refuse" }, () => decide(false)));
  return node;
}

function newItemForm(caseId, line, refresh) {
  const label = input({ id: "case-item-label", maxlength: "64" }, tc("item_label"));
  const description = input({ id: "case-item-description", maxlength: "2000" }, tc("item_description"));
  const location = input({ id: "case-item-location", maxlength: "128" }, tc("item_location"));
  const retention = el("input", { type: "date", id: "case-item-retention", "aria-label": tc("item_retention") });
  const keep = el("label", { class: "field", for: "case-item-retention" }, `${tc("item_retention")} `);
  keep.append(retention);
  const form = el("div", { class: "row wrap", id: "case-item-new" });
  form.append(el("h4", {}, tc("add_item")), label, description, location, keep, actionButton(tc("add_item"), { id: "case-item-add" }, () => tryOrSay(line, async () => {
    await api(`/cases/${caseId}/items`, { method: "POST", body: { label_number: label.value, description: description.value,
      storage_location: location.value, retention_until: retention.value || null } });
    toast(tc("item_added"));
    refresh();
  }, ITEM_LABELS())));
  return form;
}
