// Drills view (红蓝攻防): start a scenario, follow its score, and step through the replay.
import { api } from "./api.js";
import { replayText } from "./event-words.js";
import { fmtDateTime, fmtDuration, fmtNumber, name, onLangChange, t } from "./i18n.js";
import { can, typeName } from "./store.js";
import { actionButton, button, dataTable, el, errorText, tableRow, toast } from "./ui.js";

let built = false;
let replay = { events: [], index: 0, runId: null };
let scenarioByCode = new Map(); // code -> scenario: a run's name in the chosen language

/** A run's scenario name in the chosen language (the run stores both, "zh / en"). */
function runName(run) {
  return name(scenarioByCode.get(run.scenario_code)) || run.name;
}

function view() {
  return document.getElementById("view-drills");
}

export function initDrills() {
  onLangChange(async () => {
    if (!built) return;
    const { runId, index } = replay;
    await showDrills();
    if (runId !== null) await openRun(runId, { index }); // the run under review stays open, at the same step
  });
}

export async function showDrills() {
  built = true;
  const root = view();
  root.replaceChildren();
  const scenarios = el("section", { class: "card", id: "drill-scenarios" });
  scenarios.append(el("h2", {}, t("drill_scenarios")));
  const runs = el("section", { class: "card", id: "drill-runs" });
  runs.append(el("h2", {}, t("drill_runs")));
  const detail = el("section", { class: "card", id: "drill-detail", hidden: "" });
  root.append(scenarios, runs, detail);
  try {
    const [list, past] = await Promise.all([api("/drills/scenarios"), api("/drills")]);
    scenarioByCode = new Map(list.map((scenario) => [scenario.code, scenario]));
    renderScenarios(scenarios, list);
    renderRuns(runs, past);
  } catch (error) {
    root.append(el("p", { class: "error" }, errorText(error)));
  }
}

function renderScenarios(box, scenarios) {
  for (const scenario of scenarios) {
    const row = el("div", { class: "drill-scenario", "data-scenario": scenario.code });
    row.append(el("strong", {}, name(scenario)), el("p", {}, name(scenario, "description")),
               el("p", { class: "muted" }, t("drill_steps", { n: fmtNumber(scenario.steps.length) })));
    if (can("run_drills")) {
      const speed = el("select", { "aria-label": t("drill_speed"), id: `drill-speed-${scenario.code}` });
      for (const value of [1, 10, 60]) speed.append(el("option", { value: String(value) }, `${value}×`));
      const start = el("button", { type: "button", class: "primary", id: `drill-start-${scenario.code}` }, t("drill_start"));
      start.addEventListener("click", async () => {
        start.disabled = true;
        try {
          const run = await api("/drills", { method: "POST", body: { scenario_code: scenario.code, speed: Number(speed.value) } });
          toast(t("drill_started", { name: name(scenario) }));
          await showDrills();
          await openRun(run.id);
        } catch (error) {
          toast(errorText(error), "error");
          start.disabled = false;
        }
      });
      row.append(el("label", {}, t("drill_speed")), speed, start);
    }
    box.append(row);
  }
}

function renderRuns(box, runs) {
  if (!runs.length) {
    box.append(el("p", { "data-state": "no_data" }, t("no_data")));
    return;
  }
  const table = dataTable({}, ["drill_name", "status", "drill_started_at", "drill_speed", ""]);
  for (const run of runs) {
    const open = button(t("drill_review"), { class: "drill-open" }, () => openRun(run.id));
    const cell = [open];
    if (run.status === "running" && can("run_drills")) {
      cell.push(actionButton(t("drill_finish"), { class: "drill-finish" }, async () => {
        await api(`/drills/${run.id}/finish`, { method: "POST" });
        await showDrills();
        await openRun(run.id);
      }));
    }
    table.tBodies[0].append(tableRow({ "data-run-id": String(run.id), "data-status": run.status }, [
      runName(run), t(`drill_status_${run.status}`), fmtDateTime(run.started_at), `${fmtNumber(run.speed)}×`, cell]));
  }
  box.append(table);
}

async function openRun(runId, { index = 0 } = {}) {
  const box = document.getElementById("drill-detail");
  box.hidden = false;
  box.replaceChildren(el("p", {}, t("loading")));
  try {
    const [run, events] = await Promise.all([api(`/drills/${runId}`), api(`/drills/${runId}/replay`)]);
    box.replaceChildren();
    box.dataset.runId = String(runId);
    box.append(el("h2", {}, `${runName(run)} · ${t(`drill_status_${run.status}`)}`));
    box.append(renderScore(run.result));
    replay = { events, index: Math.max(0, Math.min(index, events.length - 1)), runId };
    box.append(renderReplay());
  } catch (error) {
    box.replaceChildren(el("p", { class: "error" }, errorText(error)));
  }
}

function renderScore(result) {
  const wrap = el("div", { id: "drill-score" });
  const share = result.share_dispatched_to_recommended;
  const facts = [
    [t("drill_injected"), `${fmtNumber(result.injected)} / ${fmtNumber(result.steps)}`],
    [t("drill_dispatched"), fmtNumber(result.dispatched)],
    [t("drill_followed"), share === null || share === undefined ? "—" : `${fmtNumber(share * 100, { maximumFractionDigits: 0 })} %`],
    [t("drill_to_dispatch"), result.to_dispatch?.median_s == null ? "—" : fmtDuration(result.to_dispatch.median_s)],
    [t("drill_to_on_scene"), result.to_on_scene?.median_s == null ? "—" : fmtDuration(result.to_on_scene.median_s)],
  ];
  const list = el("dl", { class: "facts" });
  for (const [label, value] of facts) list.append(el("dt", {}, label), el("dd", {}, value));
  wrap.append(list);
  const table = dataTable({ id: "drill-score-table" }, ["drill_step", "type", "drill_recommended", "drill_sent", "drill_to_dispatch"]);
  for (const item of result.incidents) {
    table.tBodies[0].append(tableRow({ "data-followed": String(item.followed_recommendation) }, [
      String((item.step ?? 0) + 1), typeName(item.type_code), item.recommended_call_sign || "—",
      item.dispatched_call_sign || "—", item.to_dispatch_s == null ? "—" : fmtDuration(item.to_dispatch_s)]));
  }
  wrap.append(table);
  return wrap;
}

const describe = replayText; // each step in words, in the chosen language

function renderReplay() {
  const wrap = el("div", { id: "drill-replay" });
  wrap.append(el("h3", {}, t("drill_replay")));
  if (!replay.events.length) {
    wrap.append(el("p", { "data-state": "no_data" }, t("no_data")));
    return wrap;
  }
  const position = el("p", { id: "drill-replay-position", "aria-live": "polite" });
  const current = el("p", { id: "drill-replay-current", class: "replay-current" });
  const back = el("button", { type: "button", id: "drill-replay-back" }, t("drill_previous"));
  const next = el("button", { type: "button", id: "drill-replay-next" }, t("drill_next"));
  const list = el("ol", { id: "drill-replay-list" });
  replay.events.forEach((event, index) => list.append(el("li", { "data-index": String(index) }, describe(event))));
  const show = () => {
    position.textContent = `${replay.index + 1} / ${replay.events.length}`;
    current.textContent = describe(replay.events[replay.index]);
    for (const item of list.children) item.classList.toggle("active", Number(item.dataset.index) === replay.index);
    back.disabled = replay.index === 0;
    next.disabled = replay.index === replay.events.length - 1;
  };
  back.addEventListener("click", () => { replay.index = Math.max(0, replay.index - 1); show(); });
  next.addEventListener("click", () => { replay.index = Math.min(replay.events.length - 1, replay.index + 1); show(); });
  wrap.append(position, current, back, next, list);
  show();
  return wrap;
}
