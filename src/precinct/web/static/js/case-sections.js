// The sections of a case's page: deadlines with their explanation and timers, tasks, linked incidents and
// suggestions, documents with their SHA-256, the custody log, and the parties (after choosing a purpose).
import { api, token } from "./api.js";
import { fmtDateTime, fmtNumber, lang, pair, t } from "./i18n.js";
import { can, store } from "./store.js";
import { actionButton, el, errorText, select, tableRow, toast } from "./ui.js";
import { timer } from "./timers.js";
import { tc, zhEn } from "./i18n-cases.js";

function box(titleKey, id) {
  const node = el("section", { class: "card-section case-section", id });
  node.append(el("h3", {}, tc(titleKey)));
  return node;
}

async function fill(node, load) {
  try {
    await load(node);
  } catch (error) {
    node.append(el("p", { class: "error" }, errorText(error)));
  }
}

export function deadlinesSection(caseId) {
  const node = box("deadlines", "case-deadlines");
  fill(node, async () => {
    const found = await api(`/cases/${caseId}/deadlines`);
    if (!found.deadlines.length) node.append(el("p", { class: "muted" }, tc("no_deadlines")));
    for (const d of found.deadlines) {
      const item = el("details", { class: "case-deadline", "data-rule": d.rule_code, "data-state": d.state });
      const head = el("summary", {}, `${zhEn(d, "rule")} · ${tc(`dstate.${d.state}`)} `);
      if (d.ended_at) head.append(el("span", { class: "muted" }, `${tc("ended")} ${fmtDateTime(d.ended_at)}`));
      else if (d.due_at) head.append(timer({ until: d.due_at, warnAt: d.warn_at, attrs: { "data-deadline-id": String(d.id) } }));
      const steps = el("ol", { class: "case-steps", "aria-label": tc("how") });
      for (const step of d.explanation) steps.append(el("li", {}, lang() === "en" ? step.en : step.zh));
      item.append(head, steps, el("p", { class: "muted case-provision" }, d.provision));
      node.append(item);
    }
  });
  return node;
}

export function tasksSection(caseId, workable) {
  const node = box("tasks", "case-tasks");
  fill(node, async () => {
    const list = el("ul", { class: "plain-list" });
    for (const task of await api(`/cases/${caseId}/tasks`)) {
      const line = el("li", { "data-task-id": String(task.id), "data-status": task.status },
        `${task.title} · ${task.assignee}${task.due_at ? ` · ${fmtDateTime(task.due_at)}` : ""} · ${task.status}`);
      if (workable && task.status === "open") {
        line.append(" ", actionButton(tc("task_done"), { class: "small" }, async () => {
          await api(`/cases/${caseId}/tasks/${task.id}/status`, { method: "POST", body: { status: "done" } });
          node.replaceWith(tasksSection(caseId, workable));
        }));
      }
      list.append(line);
    }
    node.append(list);
    if (!workable) return;
    const title = el("input", { id: "case-task-title", maxlength: "200", placeholder: tc("task_title") });
    const assignee = el("input", { id: "case-task-assignee", maxlength: "64", placeholder: tc("assignee"), value: store.me.username });
    node.append(title, assignee, actionButton(tc("add_task"), { id: "case-task-add" }, async () => {
      await api(`/cases/${caseId}/tasks`, { method: "POST", body: { title: title.value, assignee: assignee.value } });
      node.replaceWith(tasksSection(caseId, workable));
    }));
  });
  return node;
}

export function incidentsSection(caseId, workable) {
  const node = box("incidents", "case-incidents");
  fill(node, async () => {
    const [linked, suggestions] = await Promise.all([api(`/cases/${caseId}/incidents`),
      api(`/cases/${caseId}/suggestions`, { query: { status: "pending" } })]);
    const list = el("ul", { class: "plain-list" });
    for (const link of linked) list.append(el("li", { "data-incident-id": String(link.incident_id) }, `#${link.incident_id} · ${link.source} · ${fmtDateTime(link.linked_at)}`));
    node.append(list, el("h4", {}, tc("suggestions")));
    const pending = el("ul", { class: "plain-list", id: "case-suggestions" });
    const decide = (s, verb) => actionButton(tc(verb), { class: "small", "data-suggestion-id": String(s.id), "data-verb": verb }, async () => {
      await api(`/cases/${caseId}/suggestions/${s.id}/${verb}`, { method: "POST", body: { reason: "" } });
      node.replaceWith(incidentsSection(caseId, workable));
    });
    for (const s of suggestions) {
      const line = el("li", {}, tc("suggestion_line", { id: s.incident_id, m: fmtNumber(Math.round(s.distance_m)), d: fmtNumber(s.gap_days, { maximumFractionDigits: 1 }) }));
      if (workable) line.append(" ", decide(s, "accept"), " ", decide(s, "reject"));
      pending.append(line);
    }
    node.append(pending);
    if (workable) {
      node.append(actionButton(tc("find_similar"), { id: "case-find-similar" }, async () => {
        await api(`/cases/${caseId}/suggestions`, { method: "POST" });
        node.replaceWith(incidentsSection(caseId, workable));
      }));
    }
  });
  return node;
}

export function documentsSection(caseId, workable) {
  const node = box("documents", "case-documents");
  fill(node, async () => {
    const table = el("table", { class: "data", id: "case-documents-table" });
    table.append(el("tbody"));
    for (const doc of await api(`/cases/${caseId}/documents`)) {
      table.tBodies[0].append(tableRow({ "data-document-id": String(doc.id) }, [doc.title || doc.filename,
        `${fmtNumber(doc.size_bytes)} B`, el("code", { class: "sha256", title: "SHA-256" }, doc.sha256), fmtDateTime(doc.uploaded_at)]));
    }
    node.append(table);
    if (!workable) return;
    const file = el("input", { type: "file", id: "case-document-file", accept: "application/pdf,image/jpeg,image/png,text/plain" });
    node.append(file, actionButton(tc("upload"), { id: "case-document-upload" }, async () => {
      const chosen = file.files[0];
      if (!chosen) return;
      const response = await fetch(`/api/v1/cases/documents?case_id=${caseId}&filename=${encodeURIComponent(chosen.name)}`, {
        method: "POST", body: chosen, headers: { "Content-Type": chosen.type || "text/plain", Authorization: `Bearer ${token()}` } });
      if (!response.ok) throw new Error((await response.json()).error?.message || response.statusText);
      node.replaceWith(documentsSection(caseId, workable));
    }));
  });
  return node;
}

export function custodySection(caseId) {
  const node = box("custody", "case-custody");
  fill(node, async () => {
    const items = await api(`/cases/${caseId}/items`);
    if (!items.length) node.append(el("p", { class: "muted" }, tc("no_items")));
    for (const item of items) {
      const chain = await api(`/cases/${caseId}/items/${item.id}/custody`);
      const list = el("ol", { class: "case-steps" });
      for (const entry of chain) list.append(el("li", {}, `${fmtDateTime(entry.at)} · ${entry.action} · ${entry.to_whom || entry.location || ""} · ${entry.reason} · ${entry.actor}`));
      node.append(el("h4", {}, `${item.label_number} · ${item.description} · ${item.status}`), list);
    }
  });
  return node;
}

export function partiesSection(caseId) {
  const node = box("parties", "case-parties");
  if (!can("case_parties")) return node;
  const purpose = select({ id: "case-parties-purpose", required: "" }, store.meta.read_purposes.map((p) => [p.code, pair(p)]));
  const reason = el("input", { id: "case-parties-reason", required: "", minlength: "4", maxlength: "500" });
  reason.value = t("parties_reason_default");
  const out = el("div", { id: "case-parties-list" });
  const form = el("form", { class: "row wrap" });
  form.append(el("label", { for: "case-parties-purpose" }, t("parties_purpose")), purpose,
    el("label", { for: "case-parties-reason" }, t("parties_reason")), reason,
    el("button", { type: "submit", id: "case-parties-show" }, t("parties_show")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const parties = await api(`/cases/${caseId}/parties`, { query: { purpose: purpose.value, reason: reason.value } });
      const table = el("table", { class: "parties" });
      for (const p of parties) table.append(tableRow({}, [zhEn(p, "role") || p.role, p.name, p.phone || ""]));
      out.replaceChildren(parties.length ? table : el("p", { class: "muted" }, t("no_data")));
    } catch (error) {
      out.replaceChildren(el("p", { class: "error" }, errorText(error)));
      toast(errorText(error), "error");
    }
  });
  node.append(form, out);
  return node;
}
