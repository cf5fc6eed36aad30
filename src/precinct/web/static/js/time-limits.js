// The time-limit table (时限表) under the overdue board: minutes allowed per priority and stage, the version in
// force (who set it, when, why) and the versions before it. A city-tier supervisor edits it here: the changed cells
// and a reason make a new version (the server audits it; deadlines already set keep their limits).
import { api } from "./api.js";
import { fmtDateTime, fmtNumber, pair, t } from "./i18n.js";
import { alertLine, tryOrSay } from "./refusals.js";
import { can, myTier } from "./store.js";
import { actionButton, dataTable, el, tableRow, toast } from "./ui.js";

const PRIORITIES = [1, 2, 3, 4];
const MAX_MINUTES = 30 * 24 * 60; // the server's longest limit: 30 days

/** Seconds as minutes, to two decimals: every whole number of seconds comes back the same (see secondsOf). */
function minutesOf(seconds) {
  return String(Math.round((seconds / 60) * 100) / 100);
}

/** A cell's minutes as whole seconds, or null when the text is not a number. */
function secondsOf(input) {
  const text = input.value.trim();
  return text === "" || !Number.isFinite(Number(text)) ? null : Math.round(Number(text) * 60);
}

/** Whether this account may change the table: a supervisor's permission, at the city tier (the table is the city's). */
export function mayEditLimits() {
  return can("set_time_limits") && myTier() === "city";
}

/** Render the table in force into `box` (editable for those who may), with its versions. */
export async function showTimeLimits(box) {
  const [table, versions] = await Promise.all([api("/supervision/time-limits"),
    api("/supervision/time-limits/versions")]);
  const editable = mayEditLimits();
  const seconds = new Map(table.limits.map((cell) => [`${cell.priority}:${cell.stage}`, cell.limit_s]));
  // A row per stage, a column per priority: the side panel is narrower than five stages side by side
  const grid = dataTable({ id: "time-limit-table", class: "data time-limit-table" }, ["limits_stage"]);
  grid.prepend(el("caption", {}, t("limits_unit")));
  for (const priority of PRIORITIES) grid.tHead.rows[0].append(el("th", { scope: "col" }, t("priority_n", { n: priority })));
  for (const stage of table.stages) {
    const cells = PRIORITIES.map((priority) => {
      const limit = seconds.get(`${priority}:${stage.code}`);
      const minutes = limit === undefined ? "" : minutesOf(limit);
      if (!editable) return el("span", { class: "limit-minutes", "data-priority": String(priority) }, minutes && fmtNumber(Number(minutes), { maximumFractionDigits: 2 }));
      return el("input", { type: "number", min: "0.02", max: String(MAX_MINUTES), step: "any", value: minutes,
        class: "limit-input", "data-priority": String(priority), "data-stage": stage.code, "data-was-s": String(limit ?? ""),
        "aria-label": `${t(`stage.${stage.code}`)} · ${t("priority_n", { n: priority })}` });
    });
    // the stage as the board names it; what it runs from and to (the server's words) on hover
    const label = el("span", { title: pair(stage) }, t(`stage.${stage.code}`));
    grid.tBodies[0].append(tableRow({ "data-stage": stage.code }, [label, ...cells]));
  }
  const version = table.version;
  const kept = keptEdits(box, version.id); // a redraw of the same version (language, panel) keeps what was typed
  box.dataset.versionId = String(version.id);
  box.replaceChildren(el("h2", { class: "limits-title" }, t("limits_title")),
    el("p", { class: "muted", id: "time-limit-version" }, t("limits_version", { id: version.id, by: version.created_by,
      at: fmtDateTime(version.created_at), reason: version.reason })),
    el("p", { class: "muted" }, t(editable ? "limits_hint_edit" : "limits_hint_read")), grid);
  if (editable) box.append(editForm(box, grid, version.id));
  box.append(versionList(versions));
  if (kept) restoreEdits(box, kept);
}

/** The cells changed and the reason typed in `box`, while it still shows version `versionId` (else null). */
function keptEdits(box, versionId) {
  if (box.dataset.versionId !== String(versionId)) return null;
  const cells = new Map([...box.querySelectorAll("input.limit-input")]
    .filter((input) => input.value !== minutesOf(Number(input.dataset.wasS)))
    .map((input) => [`${input.dataset.priority}:${input.dataset.stage}`, input.value]));
  const reason = box.querySelector("#time-limit-reason")?.value ?? "";
  return cells.size || reason ? { cells, reason } : null;
}

function restoreEdits(box, { cells, reason }) {
  for (const input of box.querySelectorAll("input.limit-input")) {
    const typed = cells.get(`${input.dataset.priority}:${input.dataset.stage}`);
    if (typed !== undefined) input.value = typed;
  }
  const field = box.querySelector("#time-limit-reason");
  if (field) field.value = reason;
}

// The save names the version it was made on: when another supervisor saved one since, the server refuses it (409)
// and the refusal is shown with the edits kept, to be made again on the version in force.
function editForm(box, grid, baseVersionId) {
  const form = el("div", { class: "limits-form" });
  const reason = el("input", { id: "time-limit-reason", type: "text", maxlength: "500", placeholder: t("limits_reason") });
  const line = alertLine("time-limit-error");
  const save = actionButton(t("limits_save"), { id: "time-limit-save" }, () => tryOrSay(line, async () => {
    // a cell counts as changed when its whole seconds differ ("2.0" for 120 s is no change)
    const changed = [...grid.querySelectorAll("input.limit-input")].filter((input) => secondsOf(input) !== Number(input.dataset.wasS));
    const bad = changed.find((input) => { const s = secondsOf(input); return s === null || s < 1 || s > MAX_MINUTES * 60; });
    if (bad) {
      line.textContent = t("limits_bad_value", { cell: bad.getAttribute("aria-label"), max: fmtNumber(MAX_MINUTES) });
      bad.focus();
      return;
    }
    if (!changed.length) {
      line.textContent = t("limits_unchanged");
      return;
    }
    const limits = changed.map((input) => ({ priority: Number(input.dataset.priority), stage: input.dataset.stage,
      limit_s: secondsOf(input) }));
    const saved = await api("/supervision/time-limits", { method: "POST", body: { limits, reason: reason.value,
      base_version_id: baseVersionId } });
    toast(t("limits_saved", { id: saved.version.id, n: limits.length }));
    await showTimeLimits(box);
  }, { reason: t("limits_reason"), limits: t("limits_title"), limit_s: t("limits_title") }));
  form.append(el("label", { for: "time-limit-reason", class: "field" }, t("limits_reason")), reason, save, line);
  return form;
}

function versionList(versions) {
  const details = el("details", { class: "limits-versions", id: "time-limit-versions" });
  details.append(el("summary", {}, t("limits_versions", { n: fmtNumber(versions.length) })));
  const list = el("ol", { class: "muted" });
  for (const v of versions.slice(0, 20)) {
    list.append(el("li", { "data-version-id": String(v.id) },
      t("limits_version", { id: v.id, by: v.created_by, at: fmtDateTime(v.created_at), reason: v.reason })));
  }
  details.append(list);
  return details;
}
