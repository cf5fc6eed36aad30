// Repeat-call places and their operations (钉子警情 · 拔钉) in the places view: the places with the state of their
// operation, the form that opens one (commanders), a dispute opened from a place (mediators), the operations of the
// scope, and an operation's page: cause, actions, review date, its links to disputes, hazards and directives (a form to
// add one), and its closing with the before/after evaluation of calls there against comparable places.
import { api, optional } from "./api.js";
import { fmtDateTime, fmtNumber } from "./i18n.js";
import { can } from "./store.js";
import { badge, button, el, errorText, select, tableRow, toast } from "./ui.js";
import { tp } from "./i18n-places.js";
import { effectText, renderDisputes, workForm } from "./places-disputes.js";

const LINK_KINDS = ["dispute", "hazard", "directive"];
let openOperationId = null;

function redrawAll() {
  document.getElementById("places-repeats") && renderRepeats(document.getElementById("places-repeats"));
}

/** Draw the repeat-call places card: an operation's page when one is open, else the places and the operations. */
export async function renderRepeats(target) {
  const title = target.querySelector("h3");
  target.replaceChildren(...(title ? [title] : []));
  if (openOperationId !== null) return renderOperationPage(target, openOperationId);
  const [rows, operations] = await Promise.all([optional("/operations/repeat-places").then((r) => r.data || []),
    optional("/operations").then((r) => r.data || [])]);
  target.append(rows.length ? placesTable(target, rows) : el("p", { class: "muted" }, tp("repeat_none")));
  target.append(el("h4", {}, tp("operations")), operationsList(target, operations));
}

function openOperation(target, operationId) {
  openOperationId = operationId;
  renderRepeats(target);
}

function placesTable(target, rows) {
  const list = el("table", { class: "data", id: "repeat-places-table" });
  list.append(el("thead"), el("tbody"));
  list.tHead.append(tableRow({}, [tp("place"), tp("calls"), tp("trend"), tp("operation"), ""]));
  for (const place of rows.slice(0, 30)) {
    const state = place.operation_id ? button(tp(`ostatus.${place.operation_status}`), { class: "link operation-state",
      "data-operation-id": String(place.operation_id) }, () => openOperation(target, place.operation_id))
      : can("command") && place.station_id ? button(tp("operation_open"), { class: "link operation-open" }, () => operationForm(target, place))
        : tp("operation_none");
    const dispute = can("mediate") ? button(tp("dispute_new"), { class: "link dispute-from-place" }, () => {
      const card = document.getElementById("places-disputes");
      renderDisputes(card, { from: place }).then(() => card.scrollIntoView());
    }) : "";
    list.tBodies[0].append(tableRow({ "data-place": place.place }, [place.place, fmtNumber(place.n_calls), place.trend, state, dispute]));
  }
  return list;
}

function operationsList(target, operations) {
  if (!operations.length) return el("p", { class: "muted" }, tp("operations_none"));
  const list = el("ul", { class: "plain-list", id: "operations-list" });
  for (const operation of operations.slice(0, 30)) {
    const item = el("li", { "data-operation-id": String(operation.id), "data-status": operation.status });
    item.append(button(`${operation.place} · ${operation.cause}`, { class: "link operation-go" }, () => openOperation(target, operation.id)),
      " ", badge(tp(`ostatus.${operation.status}`), "status"));
    if (operation.review_due && operation.status === "open") item.append(" ", badge(tp("review_due"), "warn"));
    list.append(item);
  }
  return list;
}

function operationForm(target, place) {
  const form = el("form", { class: "operation-form", id: "operation-form" });
  const cause = el("input", { id: "op-cause", maxlength: "4000", placeholder: tp("cause") });
  const actions = el("input", { id: "op-actions", maxlength: "4000", placeholder: tp("actions") });
  const review = el("input", { id: "op-review", type: "date" });
  review.valueAsDate = new Date(Date.now() + 30 * 86400e3);
  const error = el("p", { class: "error", role: "alert" });
  form.append(el("h4", {}, `${tp("operation_open")} · ${place.place}`), cause, actions, el("label", { for: review.id }, tp("review_date")), review,
    error, el("button", { type: "submit", class: "primary" }, tp("save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const operation = await api("/operations", { method: "POST", body: { place_key: place.place, place: place.place, lon: place.lon, lat: place.lat,
        cause: cause.value, actions: actions.value, owner_org_unit_id: place.station_id, review_date: review.value } });
      toast(tp("saved"));
      openOperation(target, operation.id);
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  });
  target.querySelector("#operation-form")?.remove();
  target.append(form);
  cause.focus();
}

async function renderOperationPage(target, operationId) {
  const back = button(tp("operation_back"), { class: "link", id: "operation-back" }, () => {
    openOperationId = null;
    redrawAll();
  });
  const page = el("div", { id: "operation-page", "data-operation-id": String(operationId) });
  target.append(back, page);
  let operation;
  try {
    operation = await api(`/operations/${operationId}`);
  } catch (error) {
    page.append(el("p", { class: "error" }, errorText(error)));
    return;
  }
  page.dataset.status = operation.status;
  const facts = el("dl", { class: "facts", id: "operation-facts" });
  const add = (label, value, id) => facts.append(el("dt", {}, label), el("dd", id ? { id } : {}, value));
  add(tp("f_status"), tp(`ostatus.${operation.status}`), "operation-status");
  add(tp("cause"), operation.cause);
  add(tp("actions"), operation.actions);
  add(tp("review_date"), operation.review_date + (operation.review_due && operation.status === "open" ? ` · ${tp("review_due")}` : ""));
  add(tp("op_opened"), `${fmtDateTime(operation.opened_at)} · ${operation.opened_by}`);
  add(tp("calls_at_opening"), `${fmtNumber(operation.calls_at_opening)} · ${tp("comparison_places", { n: fmtNumber(operation.comparison.length) })}`);
  if (operation.result) add(tp("operation_result"), `${operation.result} · ${fmtDateTime(operation.closed_at)} · ${operation.closed_by}`, "operation-result");
  page.append(el("h4", { id: "operation-title" }, `${tp("operation_page")} · ${operation.place}`), facts, linksList(operation.links));
  const workable = can("command") && operation.status === "open";
  if (workable) page.append(linkForm(target, operation), closeForm(target, operation));
  if (operation.effect) {
    const box = el("div", { id: "operation-effect" });
    box.append(el("h4", {}, tp("op_effect")), effectText(operation.effect, "op_effect_counts"));
    page.append(box);
  }
}

function linksList(links) {
  const box = el("div", { id: "operation-links" });
  box.append(el("h4", {}, tp("links")));
  if (!links.length) {
    box.append(el("p", { class: "muted" }, tp("links_none")));
    return box;
  }
  const list = el("ul", { class: "plain-list" });
  for (const link of links) {
    list.append(el("li", { "data-kind": link.kind, "data-ref-id": String(link.ref_id) },
      `${tp(`lkind.${link.kind}`)} ${link.ref_id} · ${fmtDateTime(link.linked_at)} · ${link.linked_by}`));
  }
  box.append(list);
  return box;
}

function linkForm(target, operation) {
  const kind = select({ id: "link-kind", "aria-label": tp("link_new") }, LINK_KINDS.map((k) => [k, tp(`lkind.${k}`)]));
  const ref = el("input", { id: "link-ref", inputmode: "numeric", placeholder: tp("link_ref"), "aria-label": tp("link_ref") });
  return workForm("link-form", tp("link_new"), [kind, ref], () => api(`/operations/${operation.id}/links`, { method: "POST",
    body: { kind: kind.value, ref_id: Number(ref.value) } }), () => renderRepeats(target));
}

function closeForm(target, operation) {
  const result = el("input", { id: "operation-result-text", maxlength: "4000", placeholder: tp("operation_result"), "aria-label": tp("operation_result") });
  return workForm("operation-close", tp("operation_close"), [result], () => api(`/operations/${operation.id}/close`, { method: "POST",
    body: { result: result.value } }), () => renderRepeats(target));
}
