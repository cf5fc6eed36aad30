// The units panel (the unit board, unit-board.js) and the duty-levels panel (set by the command permission).
import { api, optional } from "./api.js";
import { fmtDateTime, fmtNumber, name, pair, t } from "./i18n.js";
import { registerPanel, side } from "./side.js";
import { can, dutyNumeral, on, rolesHolding, store } from "./store.js";
import { button, el, errorText, select, toast } from "./ui.js";
import { initUnitBoard, renderUnitBoard } from "./unit-board.js";

export function initUnitPanels() {
  registerPanel("units", renderUnitBoard);
  initUnitBoard();
  registerPanel("duty", renderDuty);
  on("duty_level", () => side.panel === "duty" && renderDuty());
}

// ---- duty levels --------------------------------------------------------------------------------

async function renderDuty() {
  const panel = document.getElementById("panel-duty");
  const title = () => el("h2", {}, t("panel_duty"));
  panel.replaceChildren(title(), el("p", {}, t("loading")));
  let result;
  try {
    result = await optional("/duty-levels");
  } catch (error) {
    panel.replaceChildren(title(), el("p", { class: "error" }, errorText(error)));
    return;
  }
  panel.replaceChildren(title());
  if (!result.available) {
    panel.append(el("p", { class: "muted", id: "duty-unavailable" }, t("not_available")));
    return;
  }
  const levels = new Map(result.data.map((l) => [l.district_id, l]));
  if (!can("command")) panel.append(el("p", { class: "muted" }, t("duty_readonly", { roles: rolesHolding("command") })));
  const table = el("table", { class: "duty", id: "duty-table" });
  for (const district of [...store.districts.values()].sort((a, b) => a.code.localeCompare(b.code))) {
    table.append(dutyRow(district, levels.get(district.id)));
  }
  panel.append(table);
}

function dutyRow(district, level) {
  const tr = el("tr", { "data-district-id": String(district.id) });
  tr.append(el("th", { scope: "row" }, name(district)),
    el("td", { class: `duty-level level-${level?.level || 0}`, "data-level": String(level?.level || "") }, level ? pair(level) || dutyNumeral(level.level) : "—"),
    el("td", { class: "muted" }, level ? [
      t("duty_units", { a: fmtNumber(level.available_units ?? 0), m: fmtNumber(level.min_available_units ?? 0) }),
      level.patrol_zh ? pair({ zh: level.patrol_zh, en: level.patrol_en }) : "",
      level.reason || "", level.set_at ? `${level.set_by || ""} ${fmtDateTime(level.set_at)}` : "",
    ].filter(Boolean).join(" · ") : ""));
  if (!can("command")) return tr;
  const td = el("td");
  const levelSelect = select({ "aria-label": `${name(district)} ${t("duty_level")}` }, store.meta.duty_levels.map((spec) => [String(spec.level), spec.numeral]));
  levelSelect.value = String(level?.level || 4);
  const reason = el("input", { "aria-label": `${name(district)} ${t("duty_reason")}`, placeholder: t("duty_reason"), maxlength: "500", minlength: "2", class: "duty-reason" });
  td.append(levelSelect, reason, button(t("duty_set"), {}, async () => {
    try {
      await api("/duty-levels", { method: "POST", body: { district_id: district.id, level: Number(levelSelect.value), reason: reason.value } });
      toast(t("duty_saved"));
      renderDuty();
    } catch (error) {
      toast(errorText(error), "error");
    }
  }));
  tr.append(td);
  return tr;
}
