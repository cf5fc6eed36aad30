// The incident card's sections: recommendations and dispatch, duplicates, plan, hand-off, parties, event log.
import { api, optional, ApiError } from "./api.js";
import { fmtDistance, fmtDuration, fmtNumber, name, pair, t } from "./i18n.js";
import { listDuplicates } from "./duplicates.js";
import { can, rolesHolding, store, upsertIncident, upsertUnit } from "./store.js";
import { button, choices, el, errorText, section, select, toast } from "./ui.js";

// Purposes offered for reading personal data (recorded in the audit log with the read).
// Hand-off partners and modes (the hand-off API's own codes).

// ---- recommendations ----------------------------------------------------------------------------

export function recommendationsSection(incident) {
  const box = section("recommendations", "sec-recommendations");
  const list = el("ol", { class: "recommendations", id: "recommendation-list" });
  list.append(el("li", { class: "muted" }, t("loading")));
  box.append(list);
  loadRecommendations(incident, box, list);
  return box;
}

async function loadRecommendations(incident, box, list) {
  let result;
  try {
    result = await optional(`/incidents/${incident.id}/recommendations`, { query: { k: 5 } });
  } catch (error) {
    list.replaceChildren(el("li", { class: "error" }, errorText(error)));
    return;
  }
  list.replaceChildren();
  if (!result.available) {
    list.append(el("li", { class: "muted", id: "recommendations-unavailable" }, t("not_available")));
    return;
  }
  const data = result.data;
  if (!data.items.length) list.append(el("li", { class: "muted" }, t("no_data")));
  for (const item of data.items) list.append(recommendationRow(incident, item));
  if (data.warnings?.length) {
    const warnings = el("ul", { class: "warnings", role: "note" });
    for (const warning of data.warnings) warnings.append(el("li", { "data-code": warning.code }, pair(warning)));
    box.insertBefore(warnings, list);
  }
  if (data.excluded?.length) {
    const details = el("details", { class: "excluded" });
    details.append(el("summary", {}, `${t("excluded")} (${fmtNumber(data.excluded.length)})`));
    details.append(textList(data.excluded.map((item) => `${item.call_sign}: ${pair(item)}`)));
    box.append(details);
  }
  if (data.move_ups?.length) {
    const moves = el("div", { class: "move-ups" });
    moves.append(el("h4", {}, t("move_ups")));
    moves.append(textList(data.move_ups.map((item) => `${item.call_sign} → ${name(store.stations.get(item.to_station_id)) || item.to_station_id}: ${pair(item)}`)));
    box.append(moves);
  }
}

function textList(texts) {
  const ul = el("ul");
  for (const text of texts) ul.append(el("li", {}, text));
  return ul;
}

function recommendationRow(incident, item) {
  const row = el("li", { class: "recommendation", "data-unit-id": String(item.unit_id) });
  const title = el("div", { class: "rec-head" });
  title.append(el("strong", {}, `${item.rank}. ${item.call_sign}`), el("span", {}, t(`unit_type.${item.unit_type}`)),
    el("span", { class: "rec-travel" }, t("rec_travel", { time: fmtDuration(item.travel_time_s), distance: fmtDistance(item.distance_m) })));
  if (can("dispatch")) {
    const dispatchButton = button(t("dispatch"), { class: "primary dispatch", "data-unit-id": String(item.unit_id), "aria-label": `${t("dispatch")} ${item.call_sign}` },
      () => dispatchUnit(incident.id, item, dispatchButton));
    title.append(dispatchButton);
  }
  row.append(title);
  if (item.reasons?.length) {
    const reasons = el("ul", { class: "reasons" });
    for (const reason of item.reasons) reasons.append(el("li", { "data-code": reason.code }, pair(reason)));
    row.append(reasons);
  }
  return row;
}

async function dispatchUnit(incidentId, item, node) {
  node.disabled = true;
  try {
    await api(`/incidents/${incidentId}/assignments`, { method: "POST", body: { unit_id: item.unit_id } });
    toast(t("dispatched_unit", { unit: item.call_sign }));
    node.replaceWith(el("span", { class: "ok dispatched-note", "data-unit-id": String(item.unit_id) }, t("dispatched_unit", { unit: item.call_sign })));
    const [incident, unit] = await Promise.all([api(`/incidents/${incidentId}`), api(`/units/${item.unit_id}`)]);
    upsertUnit(unit);
    // Fresh recommendations after a dispatch (the unit is no longer available).
    document.querySelector("#panel-incident #sec-recommendations")?.remove();
    upsertIncident(incident);
  } catch (error) {
    node.disabled = false;
    toast(errorText(error), "error");
  }
}

// ---- duplicates, response plan, hand-off ----------------------------------------------------------

export function incidentDuplicatesSection(incident) {
  const box = section("duplicates", "sec-duplicates");
  const list = el("ul", { class: "duplicate-list", id: "incident-duplicates" });
  box.append(list);
  listDuplicates(list, incident, {
    excludeId: incident.id,
    action: ({ incident: original }) => button(t("attach_duplicate", { id: original.id }), { class: "attach" }, async () => {
      try {
        upsertIncident(await api(`/incidents/${incident.id}/duplicate-of`, { method: "POST", body: { original_id: original.id } }));
        toast(t("attached", { id: original.id }));
      } catch (error) {
        toast(errorText(error), "error");
      }
    }),
  });
  return box;
}

export function planSection(incident) {
  const box = section("response_plan", "sec-plan");
  const body = el("div", {}, t("loading"));
  box.append(body);
  optional("/response-plans", { query: { type_code: incident.type_code, district_id: incident.district_id } }).then((result) => {
    body.replaceChildren();
    if (!result.available) {
      body.append(el("p", { class: "muted" }, t("not_available")));
      return;
    }
    const plan = result.data;
    if (plan.unit_types?.length) body.append(el("p", {}, `${t("plan_units")}: ${plan.unit_types.map((u) => `${t(`unit_type.${u.unit_type}`)} × ${fmtNumber(u.count)}`).join("、")}`));
    const list = el("ul", { class: "checklist" });
    plan.checklist?.forEach((item, index) => {
      const id = `plan-${incident.id}-${index}`;
      const li = el("li");
      li.append(el("input", { type: "checkbox", id }), el("label", { for: id }, pair(item)));
      list.append(li);
    });
    body.append(list);
    if (plan.notify?.length) body.append(el("p", {}, `${t("plan_notify")}: ${plan.notify.map((a) => t(`agency.${a}`)).join("、")}`));
  }).catch((error) => body.replaceChildren(el("p", { class: "error" }, errorText(error))));
  return box;
}

export function handoffSection(incident) {
  const box = section("handoff", "sec-handoff");
  const form = el("form", { class: "row wrap", id: "handoff-form" });
  const agency = select({ id: "handoff-agency" }, choices(store.meta.handoff_agencies, "agency"));
  const mode = select({ id: "handoff-mode" }, choices(store.meta.handoff_modes, "mode"));
  const reason = el("input", { id: "handoff-reason", maxlength: "1000", minlength: "2", required: "" });
  form.append(el("label", { for: "handoff-agency" }, t("agency")), agency, el("label", { for: "handoff-mode" }, t("mode")), mode,
    el("label", { for: "handoff-reason" }, t("reason")), reason, el("button", { type: "submit", id: "handoff-submit" }, t("handoff_submit")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = form.querySelector("button[type=submit]");
    if (mode.value === "transfer" && submit.dataset.confirm !== "yes") { // a transfer closes the call here: ask first
      submit.dataset.confirm = "yes";
      submit.textContent = `${t("confirm_transfer")}`;
      submit.classList.add("danger");
      return;
    }
    submit.dataset.confirm = "";
    submit.textContent = t("handoff_submit");
    try {
      await api(`/incidents/${incident.id}/handoffs`, { method: "POST", body: { agency: agency.value, mode: mode.value, reason: reason.value } });
      toast(t("handoff_done"));
      upsertIncident(await api(`/incidents/${incident.id}`));
    } catch (error) {
      toast(error instanceof ApiError && error.missingEndpoint ? t("not_available") : errorText(error), "error");
    }
  });
  box.append(form);
  return box;
}

// ---- parties ----------------------------------------------------------------------

export function partiesSection(incident) {
  const box = section("parties", "sec-parties");
  if (!can("personal_data")) {
    box.append(el("p", { class: "muted", id: "parties-hidden" }, t("parties_hidden", { roles: rolesHolding("personal_data") })));
    return box;
  }
  const form = el("form", { class: "row wrap", id: "parties-form" });
  const purpose = select({ id: "parties-purpose", required: "" }, store.meta.read_purposes.map((p) => [p.code, pair(p)]));
  const reason = el("input", { id: "parties-reason", required: "", minlength: "4", maxlength: "500", placeholder: t("parties_reason") });
  reason.value = t("parties_reason_default");
  form.append(el("label", { for: "parties-purpose" }, t("parties_purpose")), purpose,
    el("label", { for: "parties-reason" }, t("parties_reason")), reason,
    el("button", { type: "submit", id: "parties-show" }, t("parties_show")));
  const out = el("div", { id: "parties-list" });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const parties = await api(`/incidents/${incident.id}/parties`, { query: { purpose: purpose.value, reason: reason.value } });
      out.replaceChildren();
      if (!parties.length) out.append(el("p", { class: "muted" }, t("no_data")));
      const table = el("table", { class: "parties" });
      for (const p of parties) {
        const tr = el("tr");
        tr.append(el("th", { scope: "row" }, t(`party.${p.kind}`)), el("td", {}, p.name), el("td", {}, p.phone), el("td", {}, p.notes));
        table.append(tr);
      }
      if (parties.length) out.append(table);
    } catch (error) {
      out.replaceChildren(el("p", { class: "error" }, errorText(error)));
    }
  });
  box.append(form, out);
  return box;
}
