// The premises page: the list of key premises in the account's scope, the form to register or edit one, and
// one premises' page with its incidents nearby, inspections (and the form to record one), hazards and directives.
import { api, optional } from "./api.js";
import { fmtDateTime, fmtNumber, pair } from "./i18n.js";
import { can, store, typeName } from "./store.js";
import { actionButton, badge, button, el, errorText, select, tableRow, toast } from "./ui.js";
import { tp } from "./i18n-places.js";

const RISKS = ["low", "medium", "high"];
let category = "";

function categoryName(code) {
  return pair((store.meta?.premises_categories || []).find((c) => c.code === code)) || code;
}

function categories() {
  return (store.meta?.premises_categories || []).map((c) => [c.code, pair(c)]);
}

function table(id, heads) {
  const node = el("table", { class: "data", id });
  const row = el("tr");
  for (const head of heads) row.append(el("th", { scope: "col" }, head));
  node.append(el("thead"), el("tbody"));
  node.tHead.append(row);
  return node;
}

function labelled(labelText, control) {
  const wrap = el("div", { class: "field" });
  wrap.append(el("label", { for: control.id }, labelText), control);
  return wrap;
}

function box(titleText, id) {
  const node = el("section", { class: "card places-box", id });
  node.append(el("h3", {}, titleText));
  return node;
}

/** The list of premises in scope, with a category filter and (for command roles) "register premises". */
export async function renderPremisesList(root, { onOpen }) {
  const filter = select({ id: "premises-filter" }, categories(), { blank: tp("premises_all") });
  filter.value = category;
  filter.addEventListener("change", () => {
    category = filter.value;
    renderPremisesList(root, { onOpen });
  });
  const head = el("div", { class: "row wrap" });
  head.append(el("h2", {}, tp("premises_title")), filter);
  if (can("command")) head.append(button(tp("premises_new"), { id: "premises-new", class: "primary" }, () => renderForm(root, null, { onOpen })));
  const list = table("premises-table", [tp("f_name"), tp("f_category"), tp("f_risk"), tp("f_address")]);
  root.replaceChildren(head, list);
  try {
    const layer = await api("/places/premises", { query: { category: category || undefined } });
    for (const feature of layer.features) {
      const p = feature.properties;
      const open = button(p.name, { class: "link premises-open", "data-premises-id": String(p.id) }, () => onOpen(p.id));
      list.tBodies[0].append(tableRow({ "data-premises-id": String(p.id) }, [open, categoryName(p.category), tp(`risk.${p.risk_grade}`), p.address]));
    }
    if (!layer.features.length) root.append(el("p", { class: "muted" }, tp("premises_none")));
  } catch (error) {
    root.append(el("p", { class: "error" }, errorText(error)));
  }
}

/** The form to register premises (premises null) or edit them; saving opens the premises' page. */
export function renderForm(root, premises, { onOpen }) {
  const form = el("form", { class: "card premises-form", id: "premises-form", novalidate: "" });
  const input = (id, value, attrs = {}) => Object.assign(el("input", { id, ...attrs }), { value: value ?? "" });
  const controls = {
    name: input("pf-name", premises?.name, { maxlength: "128", required: "" }),
    category: select({ id: "pf-category" }, categories()),
    risk_grade: select({ id: "pf-risk" }, RISKS.map((r) => [r, tp(`risk.${r}`)])),
    address: input("pf-address", premises?.address, { maxlength: "256" }),
    lon: input("pf-lon", premises?.lon, { inputmode: "decimal" }),
    lat: input("pf-lat", premises?.lat, { inputmode: "decimal" }),
    notes: Object.assign(el("textarea", { id: "pf-notes", maxlength: "2000", rows: "2" }), { value: premises?.notes ?? "" }),
  };
  controls.category.value = premises?.category ?? "school";
  controls.risk_grade.value = premises?.risk_grade ?? "medium";
  const error = el("p", { class: "error", role: "alert", id: "pf-error" });
  form.append(el("h2", {}, premises ? premises.name : tp("premises_new")),
    labelled(tp("f_name"), controls.name), labelled(tp("f_category"), controls.category), labelled(tp("f_risk"), controls.risk_grade),
    labelled(tp("f_address"), controls.address), labelled(tp("f_lon"), controls.lon), labelled(tp("f_lat"), controls.lat),
    labelled(tp("f_notes"), controls.notes), error, el("button", { type: "submit", class: "primary", id: "pf-save" }, tp("save")),
    button(tp("premises_back"), { class: "link" }, () => (premises ? onOpen(premises.id) : renderPremisesList(root, { onOpen }))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!controls.name.value.trim()) {
      error.textContent = tp("required", { field: tp("f_name") });
      return;
    }
    const body = Object.fromEntries(Object.entries(controls).map(([key, control]) => [key, control.value.trim()]));
    body.lon = Number(body.lon);
    body.lat = Number(body.lat);
    try {
      const saved = premises ? await api(`/places/premises/${premises.id}`, { method: "PATCH", body: changed(premises, body) })
        : await api("/places/premises", { method: "POST", body });
      toast(tp("saved"));
      onOpen(saved.id);
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  });
  root.replaceChildren(form);
  controls.name.focus();
}

function changed(before, after) {
  return Object.fromEntries(Object.entries(after).filter(([key, value]) => before[key] !== value));
}

/** One premises' page: its facts, history, incidents nearby, inspections, hazards and directives. */
export async function renderPremisesPage(root, premisesId, { onBack }) {
  let premises;
  try {
    premises = await api(`/places/premises/${premisesId}`);
  } catch (error) {
    root.replaceChildren(el("p", { class: "error" }, errorText(error)));
    return;
  }
  const reload = () => renderPremisesPage(root, premisesId, { onBack });
  const head = el("div", { class: "card premises-head", id: "premises-page", "data-premises-id": String(premises.id) });
  head.append(el("h2", { id: "premises-name" }, premises.name),
    el("p", {}, `${categoryName(premises.category)} · ${tp("f_risk")}: ${tp(`risk.${premises.risk_grade}`)} · ${premises.address}`),
    badge(tp(`pstatus.${premises.status}`), "status", { id: "premises-status" }),
    button(tp("premises_back"), { class: "link", id: "premises-back" }, onBack));
  if (can("command")) {
    head.append(button(tp("edit"), { class: "link", id: "premises-edit-open" }, () => renderForm(root, premises, { onOpen: reload })));
    const reason = el("input", { id: "premises-reason", placeholder: tp("f_reason"), maxlength: "500" });
    const closing = premises.status === "open";
    head.append(reason, actionButton(tp(closing ? "close_premises" : "reopen_premises"), { id: "premises-close" }, async () => {
      await api(`/places/premises/${premises.id}/${closing ? "close" : "reopen"}`, { method: "POST", body: { reason: reason.value } });
      reload();
    }));
  }
  const sections = ["premises-nearby", "premises-inspections", "premises-hazards", "premises-directives", "premises-history"];
  const titles = [tp("nearby"), tp("inspections"), tp("hazards"), tp("directives"), tp("history")];
  const grid = el("div", { class: "station-grid" });
  for (const [index, id] of sections.entries()) grid.append(box(titles[index], id));
  root.replaceChildren(head, grid);
  const guarded = (draw) => draw.catch((error) => toast(errorText(error), "error"));
  await Promise.all([guarded(renderNearby(premises)), guarded(renderInspections(premises, reload)),
    guarded(renderHazards(premises, reload)), guarded(renderDirectives(premises)), guarded(renderHistory(premises))]);
}

async function renderNearby(premises) {
  const target = document.getElementById("premises-nearby");
  const rows = await optional(`/places/premises/${premises.id}/incidents`);
  const list = table("nearby-table", [tp("received"), tp("type"), tp("distance_m")]);
  for (const incident of rows.data || []) {
    list.tBodies[0].append(tableRow({ "data-incident-id": String(incident.id) }, [fmtDateTime(incident.received_at), typeName(incident.type_code), fmtNumber(incident.distance_m)]));
  }
  target.append((rows.data || []).length ? list : el("p", { class: "muted" }, tp("nearby_none")));
}

async function renderInspections(premises, reload) {
  const target = document.getElementById("premises-inspections");
  if (can("inspect") && premises.status === "open") target.append(await inspectionForm(premises, reload));
  const rows = (await optional(`/places/premises/${premises.id}/inspections`)).data || [];
  const list = table("inspections-table", [tp("inspected_at"), tp("inspector"), tp("result"), tp("files")]);
  for (const inspection of rows) {
    const result = `${tp(inspection.passed ? "item_pass" : "item_fail")}${inspection.hazard_id ? ` (${tp("reinspection")} #${inspection.hazard_id})` : ""}`;
    list.tBodies[0].append(tableRow({ "data-inspection-id": String(inspection.id) }, [fmtDateTime(inspection.inspected_at), inspection.inspected_by,
      result, inspection.attachments.map((file) => file.filename).join(", ")]));
  }
  target.append(rows.length ? list : el("p", { class: "muted", id: "inspections-none" }, tp("inspections_none")));
}

async function inspectionForm(premises, reload) {
  const versions = (await optional("/places/checklists", { query: { category: premises.category } })).data || [];
  const checklist = versions[versions.length - 1];
  const form = el("form", { class: "inspection-form", id: "inspection-form" });
  if (!checklist) return el("p", { class: "muted" }, tp("no_checklist"));
  form.append(el("h4", {}, `${tp("inspect_new")} · ${checklist.title} v${checklist.version}`));
  const items = checklist.items.map((item) => {
    const outcome = select({ id: `item-${item.code}`, "data-code": item.code }, [["pass", tp("item_pass")], ["fail", tp("item_fail")]]);
    const days = el("input", { id: `item-${item.code}-days`, type: "number", min: "1", max: "365", value: "7", "aria-label": tp("deadline_days") });
    const row = el("div", { class: "row wrap inspection-item" });
    row.append(el("label", { for: outcome.id }, pair({ zh: item.text_zh, en: item.text_en })), outcome, days);
    form.append(row);
    return { code: item.code, outcome, days };
  });
  const error = el("p", { class: "error", role: "alert" });
  form.append(error, el("button", { type: "submit", class: "primary", id: "inspection-save" }, tp("inspect_save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const results = items.map(({ code, outcome, days }) => (outcome.value === "pass" ? { code, passed: true }
      : { code, passed: false, deadline_days: Number(days.value) }));
    try {
      await api("/places/inspections", { method: "POST", body: { premises_id: premises.id, results } });
      reload();
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  });
  return form;
}

async function renderHazards(premises, reload) {
  const target = document.getElementById("premises-hazards");
  const rows = (await optional("/places/hazards", { query: { premises_id: premises.id } })).data || [];
  const list = table("hazards-table", [tp("hazards"), tp("deadline"), tp("f_status"), ""]);
  for (const hazard of rows) {
    const actions = el("span", { class: "row" });
    if (hazard.allowed_moves.includes("reinspect") && can("inspect") && premises.status === "open") {
      for (const passed of [true, false]) {
        actions.append(actionButton(tp(passed ? "reinspect_pass" : "reinspect_fail"), { class: "hazard-reinspect", "data-passed": String(passed) }, async () => {
          await api(`/places/hazards/${hazard.id}/reinspect`, { method: "POST", body: { passed } });
          reload();
        }));
      }
    }
    if (hazard.allowed_moves.includes("close") && can("command")) {
      actions.append(actionButton(tp("close_hazard"), { class: "hazard-close" }, async () => {
        await api(`/places/hazards/${hazard.id}/close`, { method: "POST", body: {} });
        reload();
      }));
    }
    const state = [badge(tp(`hstatus.${hazard.status}`), "status", { "data-status": hazard.status })];
    if (hazard.overdue) state.push(badge(tp("overdue"), "p1"));
    if (hazard.escalation_level > 0) state.push(badge(tp(`hlevel.${hazard.escalation_level}`), "warn", { "data-escalation-level": String(hazard.escalation_level) }));
    list.tBodies[0].append(tableRow({ "data-hazard-id": String(hazard.id) }, [hazard.description, fmtDateTime(hazard.deadline), state, actions]));
  }
  target.append(rows.length ? list : el("p", { class: "muted" }, tp("hazards_none")));
}

// The directives linked to the premises, as the server selects them (the latest 50; how many more, if any).
async function renderDirectives(premises) {
  const target = document.getElementById("premises-directives");
  const query = { link_kind: "premises", link_ref_id: premises.id, page_size: 50 };
  const page = (await optional("/directives", { query })).data;
  const linked = page?.items || [];
  const list = el("ul", { class: "plain-list" });
  for (const directive of linked) list.append(el("li", { "data-directive-id": String(directive.id) }, `${directive.title} · ${pair({ zh: directive.status_zh, en: directive.status_en })}`));
  target.append(linked.length ? list : el("p", { class: "muted" }, tp("directives_none")));
  if (page && page.total > linked.length) target.append(el("p", { class: "muted", id: "directives-more" }, tp("directives_more", { n: fmtNumber(page.total - linked.length) })));
}

async function renderHistory(premises) {
  const target = document.getElementById("premises-history");
  const events = (await optional(`/places/premises/${premises.id}/history`)).data || [];
  const list = el("ol", { class: "plain-list", id: "premises-history-list" });
  for (const event of events) {
    const fields = event.data?.after ? Object.keys(event.data.after).join(", ") : event.data?.reason || "";
    list.append(el("li", { "data-kind": event.kind }, `${fmtDateTime(event.at)} · ${event.actor} · ${tp(`pkind.${event.kind}`)}${fields ? ` · ${fields}` : ""}`));
  }
  target.append(list);
}
