// The cases view (案件): its tab in the top bar (with the count of deadlines past due), the register (the server's
// scope, filtered by state), the overdue board of the cases' deadlines (case-board.js), a case's page (summary,
// state and the moves it allows, sent for review; then case-sections.js, case-forms.js, case-custody.js), the
// review inbox, and in the analyst view the clearance figures and the open cases by age. It waits for the console
// to be ready and adds nothing elsewhere.
import { api } from "./api.js";
import { cityDate, fmtDateTime, fmtNumber, lang, onLangChange } from "./i18n.js";
import { can, on, store } from "./store.js";
import { actionButton, el, errorText, select, tableRow, toast } from "./ui.js";
import { ageBand, tc, zhEn } from "./i18n-cases.js";
import { deadlinesSection, documentsSection, incidentsSection, partiesSection, tasksSection } from "./case-sections.js";
import { custodySection } from "./case-custody.js";
import { milestonesSection } from "./case-forms.js";
import { caseBoardSection, initCaseAlerts } from "./case-board.js";

const STATES = ["received", "investigating", "decided", "transferred", "not_opened", "withdrawn", "closed"];
const page = { caseId: null, state: "", red: 0 };

const view = () => document.getElementById("view-cases");
const tab = () => document.getElementById("tab-cases");

function whenReady(fn) {
  if (document.body.dataset.ready === "true") return fn();
  const watcher = new MutationObserver(() => {
    if (document.body.dataset.ready !== "true") return;
    watcher.disconnect();
    fn();
  });
  watcher.observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
}

function show() {
  for (const section of document.querySelectorAll("#app .view")) section.hidden = section !== view();
  for (const other of document.querySelectorAll("#view-tabs button")) {
    other.classList.toggle("active", other === tab());
    other.setAttribute("aria-pressed", String(other === tab()));
  }
  document.body.dataset.view = "cases";
  render();
}

function hide() {
  view().hidden = true;
  tab().classList.remove("active");
  tab().setAttribute("aria-pressed", "false");
}

function render() {
  if (page.caseId) return renderCase(page.caseId);
  const list = el("div", { class: "cases-list", id: "cases-list" });
  const side = el("div", { class: "cases-side" });
  const layout = el("div", { class: "cases-layout", style: "display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:12px" });
  layout.append(list, side);
  view().replaceChildren(layout);
  renderList(list);
  side.append(caseBoardSection(openCase));
  if (can("work_cases")) side.append(newCaseForm(), inbox());
}

async function renderList(target) {
  const filter = select({ id: "cases-state", "aria-label": tc("state") }, STATES.map((s) => [s, tc(`state.${s}`)]), { blank: tc("all_states") });
  filter.value = page.state;
  filter.addEventListener("change", () => {
    page.state = filter.value;
    renderList(target);
  });
  target.replaceChildren(el("h2", {}, tc("register")), filter);
  try {
    const found = await api("/cases", { query: page.state ? { status: page.state } : {} });
    const table = el("table", { class: "data", id: "cases-table" });
    table.append(el("thead"), el("tbody"));
    table.tHead.append(tableRow({}, [tc("number"), tc("kind"), tc("state"), tc("received"), tc("summary")]));
    for (const c of found.items) {
      const open = el("a", { href: "#", "data-case-id": String(c.id) }, c.number);
      open.addEventListener("click", (event) => {
        event.preventDefault();
        openCase(c.id);
      });
      table.tBodies[0].append(tableRow({ "data-status": c.status }, [open, zhEn(c, "kind"), zhEn(c, "status"), fmtDateTime(c.received_at), c.summary]));
    }
    target.append(el("p", { class: "muted", id: "cases-total" }, tc("total", { n: fmtNumber(found.total) })),
      found.items.length ? table : el("p", { class: "muted" }, tc("none")));
  } catch (error) {
    target.append(el("p", { class: "error" }, errorText(error)));
  }
}

export function openCase(caseId) {
  page.caseId = caseId;
  if (view().hidden) show();
  else renderCase(caseId);
}

function newCaseForm() {
  const form = el("form", { class: "card-section", id: "case-new" });
  const incident = el("input", { id: "case-new-incident", inputmode: "numeric", placeholder: tc("incident_id") });
  const kind = select({ id: "case-new-kind" }, [["criminal", tc("kind.criminal")], ["administrative", tc("kind.administrative")]]);
  const type = select({ id: "case-new-type" }, []);
  const summary = el("input", { id: "case-new-summary", maxlength: "4000", placeholder: tc("summary") });
  const types = api("/cases/types");
  const fillTypes = async () => {
    const active = (await types).filter((ct) => ct.kind === kind.value);
    type.replaceChildren(...active.map((ct) => el("option", { value: ct.code }, `${ct.code} ${lang() === "en" ? ct.name_en : ct.name_zh}`)));
  };
  kind.addEventListener("change", fillTypes);
  fillTypes().catch(() => {});
  form.append(el("h3", {}, tc("new_case")), incident, kind, type, summary, el("button", { type: "submit", id: "case-new-submit" }, tc("create")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const created = await api("/cases", { method: "POST", body: { kind: kind.value, type_code: type.value, summary: summary.value,
        incident_ids: incident.value ? [Number(incident.value)] : [] } });
      toast(tc("created", { number: created.number }));
      openCase(created.id);
    } catch (error) {
      toast(errorText(error), "error");
    }
  });
  return form;
}

function inbox() {
  const node = el("section", { class: "card-section", id: "case-inbox" });
  node.append(el("h3", {}, tc("inbox")));
  api("/cases/inbox").then(({ returned, waiting }) => {
    const line = (r) => {
      const item = el("li", { "data-review-id": String(r.id) }, `${zhEn(r, "move")} · ${r.grounds} · ${r.submitted_by} `);
      const open = actionButton(`#${r.case_id}`, { class: "link" }, async () => openCase(r.case_id));
      item.append(open);
      if (r.decision_note) item.append(el("p", { class: "muted" }, r.decision_note));
      return item;
    };
    if (can("approve_cases")) node.append(el("h4", {}, tc("inbox_waiting")), el("ul", { class: "plain-list", id: "case-inbox-waiting" }, ...[]));
    node.querySelector("#case-inbox-waiting")?.append(...waiting.map(line));
    node.append(el("h4", {}, tc("inbox_returned")));
    const back = el("ul", { class: "plain-list", id: "case-inbox-returned" });
    back.append(...returned.map(line));
    node.append(back);
    if (!waiting.length && !returned.length) node.append(el("p", { class: "muted" }, tc("inbox_empty")));
  }).catch((error) => node.append(el("p", { class: "error" }, errorText(error))));
  return node;
}

async function renderCase(caseId) {
  const back = actionButton(tc("back"), { id: "case-back", class: "link" }, async () => {
    page.caseId = null;
    render();
  });
  try {
    const [c, reviews] = await Promise.all([api(`/cases/${caseId}`), api(`/cases/${caseId}/reviews`)]);
    const workable = can("work_cases");
    const head = el("section", { class: "card-section", id: "case-summary", "data-case-id": String(c.id), "data-status": c.status });
    head.append(el("h2", {}, `${c.number} · ${zhEn(c, "kind")}`),
      el("p", { id: "case-state" }, `${tc("state")}: ${zhEn(c, "status")}`),
      el("p", {}, `${tc("summary")}: ${c.summary}`), el("p", { class: "muted" }, `${tc("received")}: ${fmtDateTime(c.received_at)} · ${tc("lead")}: ${c.lead_officer || "—"}`));
    const columns = el("div", { class: "cases-layout", style: "display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px" });
    columns.append(head, movesSection(c, reviews, workable), deadlinesSection(caseId, workable),
      milestonesSection(c, workable, () => renderCase(caseId)), tasksSection(caseId, workable), incidentsSection(caseId, workable),
      documentsSection(caseId, workable), custodySection(caseId, workable), partiesSection(caseId, workable));
    view().replaceChildren(back, columns);
  } catch (error) {
    view().replaceChildren(back, el("p", { class: "error" }, errorText(error)));
  }
}

function movesSection(c, reviews, workable) {
  const node = el("section", { class: "card-section", id: "case-moves" });
  node.append(el("h3", {}, tc("moves")));
  const pending = reviews.find((r) => r.status === "pending");
  for (const r of reviews) node.append(el("p", { class: "muted", "data-review-status": r.status }, `${zhEn(r, "move")} · ${tc(`review.${r.status}`)} · ${r.grounds}${r.decision_note ? ` · ${r.decision_note}` : ""}`));
  if (!c.allowed_moves.length) node.append(el("p", {}, tc("no_moves")));
  const message = el("p", { class: "error", id: "case-move-error", role: "alert" });
  if (pending && can("approve_cases")) node.append(decisionForm(c, pending, message));
  if (workable && c.allowed_moves.length && !pending) {
    const grounds = el("input", { id: "case-grounds", minlength: "4", maxlength: "2000", placeholder: tc("grounds") });
    node.append(grounds);
    for (const move of c.allowed_moves) {
      node.append(actionButton(tc(`move.${move}`), { "data-move": move, class: "case-move" }, async () => {
        try {
          await api(`/cases/${c.id}/reviews`, { method: "POST", body: { move, grounds: grounds.value } });
          toast(tc("submitted"));
          renderCase(c.id);
        } catch (error) {
          message.textContent = error.status === 409 ? error.message : errorText(error);
        }
      }));
    }
  }
  node.append(message);
  return node;
}

function decisionForm(c, pending, message) {
  const form = el("div", { class: "row wrap", id: "case-decide", "data-review-id": String(pending.id) });
  const note = el("input", { id: "case-decide-note", maxlength: "2000", placeholder: tc("return_reason") });
  const decide = (verb, doneKey) => actionButton(tc(verb), { id: `case-${verb}` }, async () => {
    try {
      await api(`/cases/reviews/${pending.id}/${verb}`, { method: "POST", body: { note: note.value } });
      toast(tc(doneKey));
      renderCase(c.id);
    } catch (error) {
      message.textContent = error.status === 409 ? error.message : errorText(error);
    }
  });
  form.append(note, decide("approve", "approved"), decide("return", "returned"));
  return form;
}

// The analyst view gets one more card: cases opened, cleared and closed per station and month, share within limit.
function hookAnalystView() {
  const analyst = document.getElementById("view-analyst");
  if (!analyst || !can("case_figures")) return;
  const addCard = () => {
    if (analyst.hidden || analyst.querySelector("#case-figures")) return;
    const node = el("section", { class: "card analyst-card", id: "case-figures" });
    node.append(el("h3", {}, tc("figures")));
    analyst.append(node);
    // The twelve months to today's in the city's calendar, whatever the browser's time zone.
    const today = cityDate();
    const until = cityDate(new Date(Date.now() + 86400000));
    const since = `${Number(today.slice(0, 4)) - 1}${today.slice(4, 8)}01`;
    api("/cases/figures", { query: { since, until } }).then((found) => {
      const table = el("table", { class: "data", id: "case-figures-table" });
      table.append(el("thead"), el("tbody"));
      table.tHead.append(tableRow({}, [tc("station"), tc("month"), tc("opened"), tc("cleared"), tc("closed"), tc("within_limit")]));
      for (const m of found.months) {
        const station = store.stations.get(m.station_id);
        const share = m.within_limit_share === null ? "—" : `${fmtNumber(m.within_limit)}/${fmtNumber(m.decisions)} (${fmtNumber(m.within_limit_share, { style: "percent" })})`;
        table.tBodies[0].append(tableRow({ "data-station-id": String(m.station_id), "data-month": m.month },
          [station ? (lang() === "en" ? station.name_en : station.name_zh) : String(m.station_id), m.month, fmtNumber(m.opened), fmtNumber(m.cleared), fmtNumber(m.closed), share]));
      }
      node.append(found.months.length ? table : el("p", { class: "muted" }, tc("no_figures")), el("h4", {}, tc("ages")),
        found.ages.length ? agesTable(found.ages) : el("p", { class: "muted" }, tc("no_ages")));
    }).catch((error) => node.append(el("p", { class: "error" }, errorText(error))));
  };
  // the view may already be built and shown (the analyst's start view) before the console is ready
  new MutationObserver(addCard).observe(analyst, { attributes: true, attributeFilter: ["hidden"], childList: true });
  addCard();
}

/** Open cases by age: a row per station, a column per age band (the bands the server counts, in its order). */
function agesTable(ages) {
  const bands = [...new Set(ages.map((a) => a.band))];
  const order = (band) => (band.startsWith(">") ? Infinity : Number(band.split("-")[0]));
  bands.sort((a, b) => order(a) - order(b));
  const table = el("table", { class: "data", id: "case-ages-table" });
  table.append(el("thead"), el("tbody"));
  table.tHead.append(tableRow({}, [tc("station"), ...bands.map(ageBand)]));
  const stations = new Map();
  for (const a of ages) {
    if (!stations.has(a.station_id)) stations.set(a.station_id, new Map());
    stations.get(a.station_id).set(a.band, a.open_cases);
  }
  for (const [stationId, counts] of stations) {
    const station = store.stations.get(stationId);
    table.tBodies[0].append(tableRow({ "data-station-id": String(stationId) },
      [station ? (lang() === "en" ? station.name_en : station.name_zh) : String(stationId), ...bands.map((b) => fmtNumber(counts.get(b) ?? 0))]));
  }
  return table;
}

function tabLabel() {
  const button = tab();
  button.dataset.red = String(page.red);
  button.textContent = page.red ? `${tc("view_cases")} ${fmtNumber(page.red)}` : tc("view_cases");
}

whenReady(() => {
  hookAnalystView();
  if (!can("read_cases")) return;
  const button = el("button", { type: "button", id: "tab-cases", "data-view": "cases" }, tc("view_cases"));
  document.getElementById("view-tabs").append(button);
  const section = el("section", { id: "view-cases", class: "view view-analyst view-cases", hidden: "" });
  document.getElementById("view-places").after(section);
  button.addEventListener("click", () => {
    page.caseId = null;
    show();
  });
  for (const other of document.querySelectorAll("#view-tabs button")) if (other !== button) other.addEventListener("click", hide);
  let relist = null; // a case's step on the stream: the register shown is read again
  on("case", () => {
    clearTimeout(relist);
    relist = setTimeout(() => {
      const list = document.getElementById("cases-list");
      if (list && !view().hidden && !page.caseId) renderList(list);
    }, 800);
  });
  initCaseAlerts((red) => {
    page.red = red;
    tabLabel();
  });
  onLangChange(() => {
    tabLabel();
    if (!view().hidden) render();
  });
});
