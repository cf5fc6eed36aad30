// The sections of a case's page: deadlines with their explanation, timers, extensions and the clock's pauses, tasks
// with their due dates, linked incidents and suggestions, documents with their SHA-256 (checked again on download),
// and the parties (recorded, and read after choosing a purpose). Custody: case-custody.js.
import { ApiError, api, token } from "./api.js";
import { fmtDateTime, fmtNumber, isoFromLocal, lang, pair, t } from "./i18n.js";
import { can, store } from "./store.js";
import { actionButton, el, errorText, select, tableRow, toast } from "./ui.js";
import { timer } from "./timers.js";
import { fmtLate, tc, zhEn } from "./i18n-cases.js";
import { extensionForm, partyForm, pausesBlock } from "./case-forms.js";
import { alertLine, tryOrSay } from "./refusals.js";

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

export function deadlinesSection(caseId, workable) {
  const node = box("deadlines", "case-deadlines");
  const refresh = () => node.replaceWith(deadlinesSection(caseId, workable));
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
      const limit = [tc("limit_line", { n: fmtNumber(d.extended_to || d.duration), unit: tc(`unit.${d.unit}`) })];
      for (const x of d.extensions) {
        limit.push(tc("extension_line", { from: fmtNumber(x.from_value), to: fmtNumber(x.to_value), unit: tc(`unit.${d.unit}`), by: x.approved_by, reason: x.reason }));
      }
      item.append(head, steps, el("p", { class: "case-limit" }, limit.join(" · ")), el("p", { class: "muted case-provision" }, d.provision));
      if (d.breach) item.append(el("p", { class: "error case-breach" }, tc("breach_recorded", { late: fmtLate(d.breach.late_s) })));
      const extend = await extensionForm(caseId, d, refresh);
      if (extend) item.append(extend);
      node.append(item);
    }
    node.append(pausesBlock(caseId, found.pauses, workable, refresh));
  });
  return node;
}

export function tasksSection(caseId, workable) {
  const node = box("tasks", "case-tasks");
  fill(node, async () => {
    const list = el("ul", { class: "plain-list" });
    for (const task of await api(`/cases/${caseId}/tasks`)) {
      const line = el("li", { "data-task-id": String(task.id), "data-status": task.status },
        `${task.title} · ${task.assignee}${task.due_at ? ` · ${fmtDateTime(task.due_at)}` : ""} · ${tc(`task.${task.status}`)}`);
      if (workable && task.status === "open") {
        line.append(" ", actionButton(tc("task_done"), { class: "small case-task-done" }, async () => {
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
    const due = el("input", { type: "datetime-local", id: "case-task-due", "aria-label": tc("task_due") });
    const dueLabel = el("label", { class: "field", for: "case-task-due" }, `${tc("task_due")} `);
    dueLabel.append(due);
    const refusal = alertLine("case-task-error");
    node.append(title, assignee, dueLabel, actionButton(tc("add_task"), { id: "case-task-add" }, () => tryOrSay(refusal, async () => {
      await api(`/cases/${caseId}/tasks`, { method: "POST", body: { title: title.value, assignee: assignee.value, due_at: isoFromLocal(due.value) } });
      node.replaceWith(tasksSection(caseId, workable));
    }, { title: tc("task_title"), assignee: tc("assignee"), due_at: tc("task_due") })), refusal);
  });
  return node;
}

export function incidentsSection(caseId, workable) {
  const node = box("incidents", "case-incidents");
  fill(node, async () => {
    const [linked, suggestions] = await Promise.all([api(`/cases/${caseId}/incidents`),
      api(`/cases/${caseId}/suggestions`, { query: { status: "pending" } })]);
    const list = el("ul", { class: "plain-list" });
    for (const link of linked) list.append(el("li", { "data-incident-id": String(link.incident_id) }, `#${link.incident_id} · ${tc(`link.${link.source}`)} · ${fmtDateTime(link.linked_at)}`));
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
    const refusal = alertLine("case-document-error");
    for (const doc of await api(`/cases/${caseId}/documents`)) {
      const fetchIt = actionButton(tc("download"), { class: "small case-document-download" }, () => tryOrSay(refusal, () => download(caseId, doc)));
      table.tBodies[0].append(tableRow({ "data-document-id": String(doc.id) }, [doc.title || doc.filename,
        `${fmtNumber(doc.size_bytes)} B`, el("code", { class: "sha256", title: "SHA-256", style: "word-break:break-all" }, doc.sha256), fmtDateTime(doc.uploaded_at), fetchIt]));
    }
    const scroll = el("div", { style: "overflow-x:auto" });
    scroll.append(table);
    node.append(scroll, refusal);
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

export function partiesSection(caseId, workable) {
  const node = box("parties", "case-parties");
  if (!can("case_parties")) return node;
  if (workable) node.append(partyForm(caseId));
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

/** Download a document: the server checks its SHA-256 first (a changed file is refused, its message shown), and the
 * browser checks the bytes it got against the recorded hash before saving them. */
async function download(caseId, doc) {
  const response = await fetch(`/api/v1/cases/${caseId}/documents/${doc.id}/content`, {
    headers: { Authorization: `Bearer ${token()}`, "Accept-Language": lang() } });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(response.status, body, response.headers);
  }
  const bytes = await response.arrayBuffer();
  if (crypto.subtle) {
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
    if (digest !== doc.sha256) throw new Error(tc("download_mismatch"));
  }
  const link = el("a", { href: URL.createObjectURL(new Blob([bytes], { type: doc.content_type })), download: doc.filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  toast(tc("downloaded"));
}
