// The analyst view's heat map: incidents counted on the server on grid cells (GET /analysis/heat), drawn on an
// offline Leaflet map, with a time slider that steps through the filtered period a day or a week at a time.
import { api } from "./api.js";
import { fmtDateTime, fmtNumber, t } from "./i18n.js";
import { addRoads, createBaseMap } from "./map.js";
import { el, errorText } from "./ui.js";
import { at } from "./analyst-texts.js";

const DAY_MS = 86400000;
const DEFAULT_DAYS = 28;
const PLAY_MS = 1200;
let map = null;
let renderer = null; // one canvas for the cells of every step (a renderer per step would leave a canvas behind each)
let layer = null;
let steps = [];
let baseQuery = {};
let timer = null;
let requestNo = 0;

/** The heat-map card: the map, the slider with play/pause, the cell size and a legend. */
export function heatSection() {
  const box = el("section", { class: "card", id: "analyst-heat" });
  const controls = el("div", { class: "row heat-controls" });
  const slider = el("input", { id: "heat-slider", type: "range", min: "0", max: "0", value: "0", step: "1", "aria-label": at("heat_slider") });
  const play = el("button", { type: "button", id: "heat-play" }, at("heat_play"));
  const cell = el("select", { id: "heat-cell", "aria-label": at("heat_cell") });
  for (const m of [100, 250, 500, 1000]) cell.append(el("option", { value: String(m), ...(m === 250 ? { selected: "" } : {}) }, `${m} m`));
  controls.append(el("label", { for: "heat-slider" }, at("heat_slider")), slider, play, el("label", { for: "heat-cell" }, at("heat_cell")), cell);
  box.append(el("h2", {}, at("heat_title")), controls, el("p", { id: "heat-step", class: "muted" }),
    el("div", { id: "heat-map", class: "heat-map", role: "application", "aria-label": at("heat_title") }),
    el("p", { id: "heat-legend", class: "muted" }));
  slider.addEventListener("input", () => draw());
  cell.addEventListener("change", () => draw());
  play.addEventListener("click", () => (timer ? stop() : start()));
  return box;
}

function stop() {
  clearInterval(timer);
  timer = null;
  document.getElementById("heat-play").textContent = at("heat_play");
}

function start() {
  const slider = document.getElementById("heat-slider");
  document.getElementById("heat-play").textContent = at("heat_pause");
  timer = setInterval(() => {
    if (!document.getElementById("heat-slider")) return stop();
    slider.value = String((Number(slider.value) % steps.length) + 1);
    draw();
  }, PLAY_MS);
}

/** The slider's steps over [from, to): days for up to nine weeks, weeks beyond. */
export function timeSteps(fromIso, toIso) {
  const to = toIso ? new Date(toIso) : new Date();
  const from = fromIso ? new Date(fromIso) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  const size = to - from > 63 * DAY_MS ? 7 * DAY_MS : DAY_MS;
  const out = [];
  for (let s = from.getTime(); s < to.getTime() && out.length < 400; s += size) {
    out.push([new Date(s).toISOString(), new Date(Math.min(s + size, to.getTime())).toISOString()]);
  }
  return out;
}

/** Show the heat map for the filters in `query` (the whole period first). */
export async function loadHeat(query) {
  stop();
  baseQuery = query;
  steps = timeSteps(query.received_from, query.received_to);
  const slider = document.getElementById("heat-slider");
  slider.max = String(steps.length);
  slider.value = "0";
  const element = document.getElementById("heat-map");
  if (map && map.getContainer() !== element) { // the view was rebuilt (a language switch): a new map on the new card
    map.remove();
    map = null;
    layer = null;
  }
  if (!map) {
    map = createBaseMap(element, { zoom: 11 });
    addRoads(map);
    map.createPane("heat").style.zIndex = 420;
    renderer = L.canvas({ pane: "heat", padding: 0.3 });
  }
  setTimeout(() => map.invalidateSize(), 0);
  await draw();
}

function colour(share) {
  // light blue to dark purple: apart from the orange roads underneath
  const stops = [[191, 211, 230], [140, 150, 198], [136, 65, 157], [77, 0, 75]];
  const x = Math.min(0.999, Math.max(0, share)) * (stops.length - 1);
  const i = Math.floor(x);
  const f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
  return `rgb(${c.join(",")})`;
}

async function draw() {
  const index = Number(document.getElementById("heat-slider").value);
  const cellM = Number(document.getElementById("heat-cell").value);
  const label = document.getElementById("heat-step");
  const query = { ...baseQuery, cell_m: cellM };
  const mine = ++requestNo;
  if (index > 0) [query.received_from, query.received_to] = steps[index - 1];
  label.textContent = index === 0 ? at("heat_all")
    : at("heat_step", { i: fmtNumber(index), n: fmtNumber(steps.length), from: fmtDateTime(steps[index - 1][0]), to: fmtDateTime(steps[index - 1][1]) });
  let data;
  try {
    data = await api("/analysis/heat", { query });
  } catch (error) {
    label.textContent = errorText(error);
    return;
  }
  if (mine !== requestNo) return; // a later step was asked for meanwhile
  const group = L.layerGroup();
  const max = Math.max(1, data.max_count);
  for (const c of data.cells) {
    group.addLayer(L.rectangle([[c.south, c.west], [c.south + data.cell_deg_lat, c.west + data.cell_deg_lon]], {
      renderer, pane: "heat", stroke: false, fillOpacity: 0.75, fillColor: colour(Math.sqrt(c.count / max)), interactive: true,
    }).bindTooltip(`${fmtNumber(c.count)}`));
  }
  if (layer) map.removeLayer(layer);
  layer = group.addTo(map);
  const container = map.getContainer();
  container.dataset.cells = String(data.cells.length);
  container.dataset.total = String(data.total);
  container.dataset.step = String(index);
  document.getElementById("heat-legend").textContent = `${at("heat_total", { n: fmtNumber(data.total), c: fmtNumber(data.cells.length), m: fmtNumber(cellM) })} · ${at("heat_legend", { n: fmtNumber(data.max_count) })}`;
  if (!data.total && index === 0) label.textContent = `${at("heat_all")} — ${t("no_data")}`;
}
