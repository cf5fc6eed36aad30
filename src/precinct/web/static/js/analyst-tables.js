// The analyst view's analysis tables with translated headers and values: forecast accuracy (with why there is
// none), spikes and repeat-call places (both counted with the view's filters), each row able to become a directive.
import { optional } from "./api.js";
import { fmtDateTime, fmtNumber, lang, t } from "./i18n.js";
import { typeName } from "./store.js";
import { el, errorText, tableRow } from "./ui.js";
import { directiveButton, fromRepeatPlace, fromSpike } from "./directive-form.js";
import { at } from "./analyst-texts.js";

const MAX_ROWS = 200;
const pct = (v) => (v == null ? "—" : fmtNumber(v * 100, { maximumFractionDigits: 1 }) + "%");
const num = (v, digits = 2) => (v == null ? "—" : fmtNumber(v, { maximumFractionDigits: digits }));

function mix(categoryMix) {
  return Object.entries(categoryMix || {}).sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([code, share]) => `${typeName(code)} ${pct(share)}`).join(lang() === "en" ? ", " : "、");
}

export const ANALYSIS_TABLES = [
  { key: "forecast_accuracy", path: "/analysis/forecast-accuracy", filtered: false,
    columns: ["col_target_date", "col_method", "col_coverage", "col_incidents", "col_hits", "col_hit_rate", "col_pai"],
    cells: (r) => [new Date(`${r.target_date}T00:00:00`).toLocaleDateString(lang()), r.method, pct(r.coverage),
      fmtNumber(r.incidents), fmtNumber(r.hits), pct(r.hit_rate), num(r.pai)] },
  { key: "spikes", path: "/analysis/spikes", filtered: true,
    columns: ["col_area", "col_observed", "col_expected", "col_p_value", "col_alarm", "col_window", "col_baseline", "col_action"],
    cells: (r) => [lang() === "en" ? r.area_en || r.area : r.area, fmtNumber(r.observed), num(r.expected, 1), num(r.p_value, 3),
      at(r.alarm ? "yes" : "no"), fmtNumber(r.window_days), fmtNumber(r.baseline_days), r.alarm ? directiveButton(fromSpike(r)) : ""] },
  { key: "repeat_calls", path: "/analysis/repeat-places", filtered: true,
    columns: ["col_place", "col_calls", "col_first_half", "col_second_half", "col_trend", "col_mix", "col_action"],
    cells: (r) => [r.place, fmtNumber(r.n_calls), fmtNumber(r.first_half_calls), fmtNumber(r.second_half_calls),
      at(`trend.${r.trend}`), mix(r.category_mix), directiveButton(fromRepeatPlace(r))] },
];

/** One card per analysis table; each filled by loadAnalysisTables. */
export function analysisSections() {
  return ANALYSIS_TABLES.map((def) => {
    const box = el("section", { class: "card analysis-table", id: `analysis-${def.key}` });
    box.append(el("h2", {}, t(def.key)), el("p", { class: "muted note" }, t("loading")));
    if (def.filtered) box.append(el("div", { class: "muted filters-note" }, at("spikes_filters")));
    return box;
  });
}

/** Fill the analysis tables; the filtered ones with `query` (the view's filters). */
export function loadAnalysisTables(query) {
  return Promise.all(ANALYSIS_TABLES.map((def) => loadTable(def, document.getElementById(`analysis-${def.key}`), query)));
}

function say(note, state, text) {
  note.textContent = text;
  note.dataset.state = state;
}

async function loadTable(def, box, query) {
  box.querySelector("table")?.remove();
  box.querySelector(".summary")?.remove();
  const note = box.querySelector("p.note");
  say(note, "loading", t("loading"));
  try {
    const result = await optional(def.path, def.filtered ? { query } : undefined);
    if (!result.available) return say(note, "not_available", t("not_available"));
    const rows = Array.isArray(result.data) ? result.data : [];
    if (!rows.length) {
      return say(note, "no_data", def.key === "forecast_accuracy" ? `${t("no_data")}: ${at("accuracy_why_none")}` : t("no_data"));
    }
    say(note, "ready", "");
    if (def.key === "forecast_accuracy") box.append(accuracySummary(rows));
    const table = el("table", { class: "data", "data-table": def.key });
    table.append(el("thead"), el("tbody"));
    const head = el("tr");
    head.append(...def.columns.map((c) => el("th", { scope: "col" }, at(c))));
    table.tHead.append(head);
    for (const r of rows.slice(0, MAX_ROWS)) table.tBodies[0].append(tableRow({}, def.cells(r)));
    box.append(table);
  } catch (error) {
    say(note, "error", errorText(error));
  }
}

function accuracySummary(rows) {
  const scored = rows.filter((r) => r.hit_rate != null);
  const mean = (key) => scored.reduce((a, r) => a + r[key], 0) / Math.max(1, scored.length);
  const text = at("accuracy_summary", { n: fmtNumber(scored.length), rate: pct(mean("hit_rate")), pai: num(mean("pai")) });
  return el("p", { class: "summary", id: "accuracy-summary", "data-scored": String(scored.length), title: fmtDateTime(new Date().toISOString()) }, text);
}
