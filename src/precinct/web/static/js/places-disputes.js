// The disputes (矛盾纠纷) of the places view: the form that opens one (directly, from a call or from a repeat-call
// place, with its partner body and parties), the list, and a dispute's page to work it: sessions, agreement,
// follow-up or failure, the calls at its place before and after the agreement, its history, and its parties read
// only after choosing a purpose (audited), for the roles that may.
import { api } from "./api.js";
import { fmtDateTime, fmtNumber, isoFromLocal, name, t } from "./i18n.js";
import { can } from "./store.js";
import { actionButton, button, el, errorText, select, tableRow, toast } from "./ui.js";
import { tp } from "./i18n-places.js";

const KINDS = ["neighbour", "family", "labour", "property", "commercial", "other"];
const PARTNERS = ["community_committee", "peoples_mediation", "court", "labour_office", "judicial_office", "none"];
const OUTCOMES = ["progress", "no_progress", "agreement", "adjourned"];
const PURPOSES = ["mediation", "follow_up", "court"];
const SIDES = ["a", "b"];
const EFFECT_DAYS = 30; // the calls of the 30 days before the agreement against the 30 days after it
let openDisputeId = null;

/** Draw the disputes card: a dispute's page when one is open, else the form (for mediators) and the list. */
export async function renderDisputes(target, { from } = {}) {
  const title = target.querySelector("h3");
  target.replaceChildren(...(title ? [title] : []));
  if (openDisputeId !== null) return renderDisputePage(target, openDisputeId);
  if (can("mediate")) target.append(disputeForm(target, from));
  const rows = await api("/disputes");
  const list = el("ul", { class: "plain-list", id: "disputes-list" });
  for (const dispute of rows.slice(0, 30)) {
    const open = button(`${name(dispute, "kind")} · ${dispute.place}`, { class: "link dispute-open" }, () => openDispute(target, dispute.id));
    const item = el("li", { "data-dispute-id": String(dispute.id), "data-status": dispute.status });
    item.append(open, ` · ${name(dispute, "status")}`);
    list.append(item);
  }
  target.append(rows.length ? list : el("p", { class: "muted" }, tp("disputes_none")));
}

/** Open a dispute's page in `target` (the disputes card). */
export function openDispute(target, disputeId) {
  openDisputeId = disputeId;
  return renderDisputes(target);
}

function input(id, placeholder, attrs = {}) {
  return el("input", { id, placeholder, "aria-label": placeholder, ...attrs });
}

function disputeForm(target, from) {
  const form = el("form", { class: "dispute-form", id: "dispute-form" });
  const kind = select({ id: "dispute-kind", "aria-label": tp("f_category") }, KINDS.map((k) => [k, tp(`dkind.${k}`)]));
  const summary = input("dispute-summary", tp("summary"), { maxlength: "4000" });
  const place = input("dispute-place", tp("place"), { maxlength: "256" });
  const lon = input("dispute-lon", tp("f_lon"), { inputmode: "decimal" });
  const lat = input("dispute-lat", tp("f_lat"), { inputmode: "decimal" });
  const incident = input("dispute-incident", tp("incident_id"), { inputmode: "numeric" });
  const partner = select({ id: "dispute-partner", "aria-label": tp("partner_body") }, PARTNERS.map((p) => [p, tp(`partner.${p}`)]));
  const partnerName = input("dispute-partner-name", tp("partner_name"), { maxlength: "128" });
  if (from) {
    place.value = from.place;
    lon.value = String(from.lon);
    lat.value = String(from.lat);
  }
  const partyRows = can("personal_data") ? SIDES.map((side) => [side, input(`party-${side}-name`, `${tp("party_name")} (${side.toUpperCase()})`,
    { maxlength: "128" }), input(`party-${side}-contact`, tp("party_contact"), { maxlength: "64" })]) : [];
  const error = el("p", { class: "error", role: "alert" });
  form.append(el("h4", {}, from ? `${tp("dispute_new")} · ${tp("dsource.repeat_place")}` : tp("dispute_new")), kind, summary, place, lon, lat);
  if (!from) form.append(incident);
  form.append(el("label", { for: partner.id }, tp("partner_body")), partner, partnerName);
  if (partyRows.length) form.append(el("p", { class: "muted" }, tp("party_add")), ...partyRows.flatMap(([, n, c]) => [n, c]));
  form.append(error, actionButton(tp("save"), { class: "primary", id: "dispute-save" }, async () => {
    error.textContent = "";
    const number = (value) => (value.trim() ? Number(value) : null);
    const source = from ? "repeat_place" : incident.value.trim() ? "call" : "direct";
    const parties = partyRows.filter(([, n]) => n.value.trim()).map(([side, n, c]) => ({ side, name: n.value.trim(), contact: c.value.trim() }));
    try {
      await api("/disputes", { method: "POST", body: { kind: kind.value, summary: summary.value, place: place.value || null,
        lon: number(lon.value), lat: number(lat.value), source, incident_id: source === "call" ? number(incident.value) : null,
        place_key: from ? from.place : null, partner_body: partner.value, partner_name: partnerName.value, parties } });
      toast(tp("saved"));
      renderDisputes(target); // the new dispute heads the list, to be opened from there
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  }));
  return form;
}

async function renderDisputePage(target, disputeId) {
  const back = button(tp("dispute_back"), { class: "link", id: "dispute-back" }, () => {
    openDisputeId = null;
    renderDisputes(target);
  });
  const page = el("div", { id: "dispute-page", "data-dispute-id": String(disputeId) });
  target.append(back, page);
  let dispute, sessions, events;
  try {
    [dispute, sessions, events] = await Promise.all([api(`/disputes/${disputeId}`), api(`/disputes/${disputeId}/sessions`),
      api(`/disputes/${disputeId}/events`)]);
  } catch (error) {
    page.append(el("p", { class: "error" }, errorText(error)));
    return;
  }
  page.dataset.status = dispute.status;
  const redraw = () => renderDisputes(target);
  const moves = can("mediate") ? dispute.allowed_moves : [];
  page.append(el("h4", { id: "dispute-title" }, `${name(dispute, "kind")} · ${dispute.place}`), facts(dispute),
    el("h4", {}, tp("sessions")), sessionsTable(sessions));
  if (moves.includes("session")) page.append(sessionForm(disputeId, redraw));
  if (moves.includes("agree")) page.append(agreementForm(disputeId, redraw));
  if (moves.includes("fail")) page.append(textForm("failure", tp("failure_new"), tp("failure_reason"), "reason", `/disputes/${disputeId}/failure`, redraw));
  if (moves.includes("follow_up")) page.append(textForm("follow-up", tp("follow_up_new"), tp("follow_up_result"), "result", `/disputes/${disputeId}/follow-up`, redraw));
  page.append(effectBox(dispute), partiesBox(dispute), historyList(events));
}

function facts(dispute) {
  const list = el("dl", { class: "facts", id: "dispute-facts" });
  const add = (label, value, id) => list.append(el("dt", {}, label), el("dd", id ? { id } : {}, value));
  add(tp("f_status"), name(dispute, "status"), "dispute-status");
  add(tp("dispute_source"), tp(`dsource.${dispute.source}`) + (dispute.incident_id ? ` · ${tp("incident_id")} ${dispute.incident_id}` : ""));
  add(tp("summary"), dispute.summary);
  add(tp("partner_body"), tp(`partner.${dispute.partner_body}`) + (dispute.partner_name ? ` · ${dispute.partner_name}` : ""), "dispute-partner-body");
  add(tp("opened"), `${fmtDateTime(dispute.opened_at)} · ${dispute.opened_by}`);
  if (dispute.agreement) add(tp("agreement"), `${dispute.agreement} · ${fmtDateTime(dispute.agreed_at)}`, "dispute-agreement");
  if (dispute.follow_up_due) add(tp("follow_up_due"), dispute.follow_up_due, "dispute-follow-up-due");
  if (dispute.follow_up_result) add(tp("follow_up_result"), dispute.follow_up_result, "dispute-follow-up-result");
  return list;
}

function sessionsTable(sessions) {
  if (!sessions.length) return el("p", { class: "muted", id: "sessions-none" }, tp("sessions_none"));
  const table = el("table", { class: "data", id: "sessions-table" });
  table.append(el("thead"), el("tbody"));
  table.tHead.append(tableRow({}, [tp("session_at"), tp("session_outcome"), tp("f_notes"), tp("recorded_by")]));
  for (const row of sessions) {
    table.tBodies[0].append(tableRow({ "data-session-id": String(row.id), "data-outcome": row.outcome },
      [fmtDateTime(row.held_at), tp(`outcome.${row.outcome}`), row.notes, row.recorded_by]));
  }
  return table;
}

/** A small form of the places' work: `send()` posts it; done, a toast and `onDone()`; refused, the server's words. */
export function workForm(id, heading, fields, send, onDone) {
  const form = el("form", { class: "places-work", id });
  const error = el("p", { class: "error", role: "alert" });
  form.append(el("h4", {}, heading), ...fields, error, el("button", { type: "submit", id: `${id}-save` }, tp("save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await send();
      toast(tp("saved"));
      onDone();
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  });
  return form;
}

function postForm(id, heading, fields, path, body, redraw) {
  return workForm(id, heading, fields, () => api(path, { method: "POST", body: body() }), redraw);
}

function sessionForm(disputeId, redraw) {
  const at = el("input", { id: "session-at", type: "datetime-local", "aria-label": tp("session_at") });
  const outcome = select({ id: "session-outcome", "aria-label": tp("session_outcome") }, OUTCOMES.map((o) => [o, tp(`outcome.${o}`)]));
  const notes = input("session-notes", tp("f_notes"), { maxlength: "4000" });
  return postForm("session-form", tp("session_new"), [el("label", { for: at.id }, tp("session_at")), at, outcome, notes],
    `/disputes/${disputeId}/sessions`, () => ({ held_at: isoFromLocal(at.value) ?? null, outcome: outcome.value, notes: notes.value }), redraw);
}

function agreementForm(disputeId, redraw) {
  const text = input("agreement-text", tp("agreement"), { maxlength: "4000" });
  const due = el("input", { id: "agreement-follow-up", type: "date", "aria-label": tp("follow_up_due") });
  due.valueAsDate = new Date(Date.now() + 30 * 86400e3);
  return postForm("agreement-form", tp("agreement_new"), [text, el("label", { for: due.id }, tp("follow_up_due")), due],
    `/disputes/${disputeId}/agreement`, () => ({ agreement: text.value, follow_up_due: due.value }), redraw);
}

function textForm(id, heading, label, key, path, redraw) {
  const text = input(`${id}-text`, label, { maxlength: "4000" });
  return postForm(`${id}-form`, heading, [text], path, () => ({ [key]: text.value }), redraw);
}

function effectBox(dispute) {
  const box = el("div", { id: "dispute-effect" });
  if (!can("run_analysis")) return box;
  box.append(el("h4", {}, tp("effect")));
  if (!dispute.agreed_at) {
    box.append(el("p", { class: "muted" }, tp("effect_pending")));
    return box;
  }
  const ready = Date.parse(dispute.agreed_at) + EFFECT_DAYS * 86400e3;
  if (Date.now() < ready) {
    box.append(el("p", { class: "muted", id: "dispute-effect-waiting" }, tp("effect_waiting", { date: fmtDateTime(new Date(ready).toISOString()) })));
    return box;
  }
  api(`/disputes/${dispute.id}/effect`, { query: { period_days: EFFECT_DAYS } }).then((effect) => box.append(effectText(effect, "effect_counts")))
    .catch((error) => box.append(el("p", { class: "muted", id: "dispute-effect-error" }, errorText(error))));
  return box;
}

/** The before/after of an evaluation in words: the four counts, the relative change and its interval, the verdict. */
export function effectText(effect, countsKey) {
  const c = effect.counts || {};
  const percent = (ratio) => fmtNumber(ratio - 1, { style: "percent", signDisplay: "exceptZero", maximumFractionDigits: 0 });
  const node = el("div", { class: "effect", "data-rate-ratio": String(effect.rate_ratio) });
  node.append(el("p", { class: "effect-counts" }, tp(countsKey, { before: fmtNumber(c.treated_before ?? 0), after: fmtNumber(c.treated_after ?? 0),
    cb: fmtNumber(c.comparison_before ?? 0), ca: fmtNumber(c.comparison_after ?? 0) })),
  el("p", {}, tp("effect_change", { pct: percent(effect.rate_ratio), low: percent(effect.interval_low), high: percent(effect.interval_high) })),
  el("p", { class: "effect-verdict" }, name({ verdict_zh: effect.verdict_zh, verdict_en: effect.verdict_en }, "verdict")));
  return node;
}

function partiesBox(dispute) {
  const box = el("div", { id: "dispute-parties" });
  box.append(el("h4", {}, tp("parties", { n: fmtNumber(dispute.parties) })));
  if (!can("personal_data") || !dispute.parties) {
    if (!dispute.parties) box.append(el("p", { class: "muted" }, tp("parties_none")));
    return box;
  }
  const purpose = select({ id: "dispute-parties-purpose", required: "" }, PURPOSES.map((p) => [p, tp(`ppurpose.${p}`)]), { blank: "" });
  const reason = el("input", { id: "dispute-parties-reason", required: "", minlength: "4", maxlength: "500" });
  reason.value = tp("parties_reason_dispute");
  const out = el("div", { id: "dispute-parties-list" });
  const form = el("form", { class: "row wrap" });
  form.append(el("label", { for: purpose.id }, t("parties_purpose")), purpose, el("label", { for: reason.id }, t("parties_reason")), reason,
    el("button", { type: "submit", id: "dispute-parties-show" }, t("parties_show")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const parties = await api(`/disputes/${dispute.id}/parties`, { query: { purpose: purpose.value, reason: reason.value } });
      const table = el("table", { class: "data parties" });
      for (const p of parties) table.append(tableRow({ "data-side": p.side }, [`${tp("party_side")} ${p.side.toUpperCase()}`, p.name, p.contact]));
      out.replaceChildren(table);
    } catch (error) {
      out.replaceChildren(el("p", { class: "error" }, errorText(error)));
    }
  });
  box.append(form, out);
  return box;
}

function historyList(events) {
  const list = el("ul", { class: "plain-list", id: "dispute-history" });
  for (const event of events) list.append(el("li", { "data-kind": event.kind }, `${fmtDateTime(event.at)} · ${event.actor} · ${tp(`dev.${event.kind}`)}`));
  const box = el("div");
  box.append(el("h4", {}, tp("events")), list);
  return box;
}
