// Security alerts (audit): the latest entries of GET /audit/alerts, and the audit chain's check (GET /audit/verify).
import { api } from "./api.js";
import { fmtDateTime, fmtNumber, known, t } from "./i18n.js";
import { actionButton, button, dataTable, el, errorText, tableRow } from "./ui.js";

const PAGE_SIZE = 50;

export async function renderAlerts(box) {
  const result = el("p", { id: "audit-verify-result", role: "status" });
  const tools = el("div", { class: "row wrap" });
  tools.append(button(t("refresh"), { id: "alerts-refresh" }, () => renderAlerts(box)),
    actionButton(t("audit_verify"), { id: "audit-verify" }, () => verify(result)));
  const head = () => [el("h2", {}, t("alerts")), tools, result];
  box.replaceChildren(...head(), el("p", {}, t("loading")));
  let page;
  try {
    page = await api("/audit/alerts", { query: { page_size: PAGE_SIZE } });
  } catch (error) {
    box.replaceChildren(...head(), el("p", { class: "error" }, errorText(error)));
    return;
  }
  const table = dataTable({ id: "alert-list" }, ["time", "event", "actor", "detail"]);
  for (const entry of page.items) {
    table.tBodies[0].append(tableRow({ "data-seq": String(entry.seq), "data-action": entry.action }, [
      fmtDateTime(entry.at), actionName(entry.action),
      entry.actor_role ? `${entry.actor} · ${t(`role.${entry.actor_role}`)}` : entry.actor, describe(entry),
    ]));
  }
  box.replaceChildren(...head(), el("p", { class: "muted", id: "alerts-total" }, t("total_rows", { n: fmtNumber(page.total) })), table);
}

async function verify(result) {
  const check = await api("/audit/verify");
  result.dataset.ok = String(check.ok);
  result.className = check.ok ? "ok" : "error";
  result.textContent = check.ok ? t("audit_ok", { n: fmtNumber(check.entries) })
    : t("audit_broken", { seq: check.first_bad_seq, reason: check.reason || "" });
}

/** The alert's name in the chosen language (an action the console has no text for yet: its code). */
function actionName(action) {
  return known(`alert.${action}`) ? t(`alert.${action}`) : action;
}

function detailValue(key, value) {
  if (["role", "from", "to"].includes(key)) return t(`role.${value}`);
  if (key === "until") return fmtDateTime(value);
  if (typeof value === "boolean") return t(value ? "yes" : "no");
  return String(value);
}

/** "账户: dispatcher2 · 角色: 调度员": the entry's detail, its keys and role names translated. */
function describe(entry) {
  const parts = Object.entries(entry.detail || {}).map(([key, value]) =>
    `${known(`detail.${key}`) ? t(`detail.${key}`) : key}: ${detailValue(key, value)}`);
  if (entry.resource_type === "address" && entry.resource_id) parts.unshift(`${t("detail.ip")}: ${entry.resource_id}`);
  return parts.join(" · ");
}
