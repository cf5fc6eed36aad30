// The beat log (社区警务日志) of the places view: the station's beats with their visits per week, each opening the
// beat's page (its visits: when, place, purpose, what was done; and the counts per week and purpose) with a form to
// record a visit for the beat's own station's officers. Places only: no resident is named or counted.
import { api, optional } from "./api.js";
import { fmtDateTime, fmtNumber, isoFromLocal, name } from "./i18n.js";
import { can, store } from "./store.js";
import { button, el, errorText, select, tableRow, toast } from "./ui.js";
import { tp } from "./i18n-places.js";

const PURPOSES = ["patrol", "premises_check", "community_meeting", "dispute_follow_up", "publicity", "other"];
const WEEKS = 8;
let openBeatId = null;

function homeStation() {
  return store.stations.has(store.me.org_unit_id) ? store.me.org_unit_id : [...store.stations.keys()].sort((a, b) => a - b)[0];
}

/** Draw the beat log into `target` (the card): the table of beats, or the open beat's page. */
export async function renderBeats(target) {
  const title = target.querySelector("h3");
  target.replaceChildren(...(title ? [title] : []));
  if (openBeatId !== null) return renderBeatPage(target, openBeatId);
  const stationId = homeStation();
  if (stationId === undefined) return;
  const rows = (await optional("/places/beat-weeks", { query: { station_id: stationId, weeks: 4 } })).data || [];
  if (!rows.length) {
    target.append(el("p", { class: "muted" }, tp("beat_none")));
    return;
  }
  const list = el("table", { class: "data", id: "beat-weeks-table" });
  list.append(el("thead"), el("tbody"));
  list.tHead.append(tableRow({}, ["", ...rows[0].weeks.map((w) => tp("week_of", { week: w.week_start.slice(5) }))]));
  for (const beat of rows) {
    const open = button(name(beat), { class: "link beat-open", title: tp("beat_open"), "data-beat-id": String(beat.beat_id) }, () => {
      openBeatId = beat.beat_id;
      renderBeats(target);
    });
    list.tBodies[0].append(tableRow({ "data-beat-id": String(beat.beat_id) }, [open, ...beat.weeks.map((w) => fmtNumber(w.visits))]));
  }
  target.append(list);
}

async function renderBeatPage(target, beatId) {
  const page = el("div", { id: "beat-page", "data-beat-id": String(beatId) });
  const back = button(tp("beat_back"), { class: "link", id: "beat-back" }, () => {
    openBeatId = null;
    renderBeats(target);
  });
  target.append(back, page);
  let log;
  try {
    log = await api(`/places/beats/${beatId}/log`, { query: { weeks: WEEKS } });
  } catch (error) {
    page.append(el("p", { class: "error" }, errorText(error)));
    return;
  }
  page.append(el("h4", { id: "beat-name" }, `${name(log)} · ${log.code}`), weeksTable(log.weeks));
  if (can("beat_work") && store.me.org_unit_id === log.station_id) page.append(visitForm(target, beatId));
  else if (can("beat_work")) page.append(el("p", { class: "muted", id: "visit-not-yours" }, tp("visit_not_yours")));
  page.append(el("h4", {}, tp("beat_visits")), visitsTable(log.visits));
}

function purposeName(code) {
  return tp(`vpurpose.${code}`);
}

function weeksTable(weeks) {
  const table = el("table", { class: "data", id: "beat-log-weeks" });
  table.append(el("caption", {}, tp("beat_weeks")), el("thead"), el("tbody"));
  table.tHead.append(tableRow({}, [tp("week"), tp("beat_visits"), tp("beat_by_purpose")]));
  for (const week of weeks) {
    const parts = Object.entries(week.by_purpose || {}).map(([code, n]) => `${purposeName(code)} ${fmtNumber(n)}`).join(" · ");
    table.tBodies[0].append(tableRow({ "data-week": week.week_start }, [tp("week_of", { week: week.week_start.slice(5) }),
      fmtNumber(week.visits), parts]));
  }
  return table;
}

function visitsTable(visits) {
  if (!visits.length) return el("p", { class: "muted", id: "beat-visits-none" }, tp("beat_visits_none"));
  const table = el("table", { class: "data", id: "beat-visits-table" });
  table.append(el("thead"), el("tbody"));
  table.tHead.append(tableRow({}, [tp("when"), tp("place"), tp("visit_purpose"), tp("f_notes"), tp("recorded_by")]));
  for (const visit of visits) {
    table.tBodies[0].append(tableRow({ "data-visit-id": String(visit.id), "data-purpose": visit.purpose },
      [fmtDateTime(visit.visited_at), visit.place, name(visit, "purpose"), visit.notes, visit.recorded_by]));
  }
  return table;
}

function visitForm(target, beatId) {
  const form = el("form", { class: "visit-form", id: "visit-form" });
  const place = el("input", { id: "visit-place", maxlength: "256", placeholder: tp("visit_place"), "aria-label": tp("visit_place") });
  const purpose = select({ id: "visit-purpose", "aria-label": tp("visit_purpose") }, PURPOSES.map((p) => [p, purposeName(p)]));
  const notes = el("input", { id: "visit-notes", maxlength: "2000", placeholder: tp("visit_notes"), "aria-label": tp("visit_notes") });
  const at = el("input", { id: "visit-at", type: "datetime-local" });
  const error = el("p", { class: "error", id: "visit-error", role: "alert" });
  form.append(el("h4", {}, tp("visit_new")), place, purpose, notes, el("label", { for: at.id }, tp("visit_at")), at, error,
    el("button", { type: "submit", class: "primary", id: "visit-save" }, tp("visit_save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!place.value.trim()) {
      error.textContent = tp("required", { field: tp("place") });
      return;
    }
    try {
      await api(`/places/beats/${beatId}/visits`, { method: "POST", body: { place: place.value.trim(), purpose: purpose.value,
        notes: notes.value, visited_at: isoFromLocal(at.value) } });
      toast(tp("saved"));
      renderBeats(target);
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  });
  return form;
}
