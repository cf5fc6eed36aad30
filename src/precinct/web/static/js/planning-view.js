// The analyst view's planning card: each station's 1/3/5-minute response areas on a map with the share of recent
// calls they reach (GET /planning/coverage), post placement among stations and beats (GET /planning/posts), and
// the Erlang-C staffing of a shift (GET /planning/staffing).
import { api } from "./api.js";
import { fmtNumber, name } from "./i18n.js";
import { addRoads, createBaseMap } from "./map.js";
import { myTier, store } from "./store.js";
import { el, errorText, select, tableRow } from "./ui.js";
import { at } from "./analyst-texts.js";

const MINUTES = [1, 3, 5];
const COLOURS = { 1: "#1b7837", 3: "#7fbf7b", 5: "#d9f0d3" };
let map = null;
let layer = null;
let postLayer = null;

/** The planning card: the compute button, the map, the coverage summary and the staffing form. */
export function planningSection() {
  const box = el("section", { class: "card", id: "planning-view" });
  const compute = el("button", { type: "button", id: "planning-compute", class: "primary" }, at("planning_load"));
  compute.addEventListener("click", () => loadCoverage());
  const hours = [...Array(24).keys()].map((h) => [h, `${String(h).padStart(2, "0")}:00`]);
  const shift = select({ id: "staffing-hour" }, hours);
  shift.value = "8";
  // the districts of the account's scope (a station's: none, its own calls; left blank: the whole scope)
  const tier = myTier();
  const mine = [...store.districts.values()].filter((d) => tier === "city" || (tier === "district" && d.id === store.me.org_unit_id));
  const districts = select({ id: "staffing-district" }, mine.map((d) => [d.id, name(d)]), { blank: "—" });
  const staff = el("button", { type: "button", id: "staffing-compute" }, at("planning_staffing"));
  staff.addEventListener("click", () => loadStaffing());
  const staffing = el("div", { class: "row" });
  staffing.append(el("label", { for: "staffing-hour" }, at("planning_shift")), shift, el("label", { for: "staffing-district" }, at("district")), districts, staff);
  const placing = el("div", { class: "row" });
  const count = el("input", { id: "posts-count", type: "number", min: "1", max: "50", value: "10" });
  const limit = el("input", { id: "posts-minutes", type: "number", min: "1", max: "15", step: "1", value: "5" });
  const place = el("button", { type: "button", id: "posts-compute" }, at("posts_compute"));
  place.addEventListener("click", () => loadPosts());
  placing.append(el("label", { for: "posts-count" }, at("posts_count")), count, el("label", { for: "posts-minutes" }, at("posts_minutes")), limit, place);
  box.append(el("h2", {}, at("planning_title")), el("p", { class: "muted" }, at("planning_posts")), compute,
    el("div", { id: "planning-map", class: "heat-map", role: "application", "aria-label": at("planning_title") }),
    el("div", { id: "planning-coverage" }), el("h3", {}, at("posts_title")), placing, el("div", { id: "planning-posts" }),
    el("h3", {}, at("planning_staffing")), staffing, el("div", { id: "planning-staffing" }));
  return box;
}

function ensureMap() {
  const element = document.getElementById("planning-map");
  if (map && map.getContainer() !== element) { // the view was rebuilt (a language switch): a new map on the new card
    map.remove();
    map = null;
    layer = null;
    postLayer = null;
  }
  if (!map) {
    map = createBaseMap(element, { zoom: 11 });
    addRoads(map);
  }
  setTimeout(() => map.invalidateSize(), 0);
}

const share = (v) => (v == null ? "—" : `${fmtNumber(v * 100, { maximumFractionDigits: 1 })}%`);

async function loadPosts() {
  const out = document.getElementById("planning-posts");
  out.replaceChildren(el("p", { class: "muted" }, at("loading")));
  ensureMap();
  const query = { posts: document.getElementById("posts-count").value, minutes: document.getElementById("posts-minutes").value };
  try {
    const r = await api("/planning/posts", { query });
    if (postLayer) map.removeLayer(postLayer);
    postLayer = L.layerGroup(r.chosen.map((site, i) => L.circleMarker([site.lat, site.lon], { radius: 8, color: "#6a1b9a", weight: 3, fillColor: "#fff", fillOpacity: 1 })
      .bindTooltip(`${i + 1}. ${at(`post_kind.${site.kind}`)} ${name(site)}`))).addTo(map);
    map.getContainer().dataset.posts = String(r.chosen.length);
    const list = el("ol", { id: "posts-list", "data-count": String(r.chosen.length) });
    for (const site of r.chosen) list.append(el("li", { "data-kind": site.kind }, `${at(`post_kind.${site.kind}`)} · ${name(site)}`));
    out.replaceChildren(el("p", { id: "posts-summary", "data-covered": String(r.covered_share) }, at("posts_result", {
      k: fmtNumber(r.posts), m: fmtNumber(r.minutes), share: share(r.covered_share), upper: share(r.coverable_share),
      s: fmtNumber(r.stations), now: share(r.stations_share) })), list);
  } catch (error) {
    out.replaceChildren(el("p", { class: "error" }, errorText(error)));
  }
}

async function loadCoverage() {
  const out = document.getElementById("planning-coverage");
  out.replaceChildren(el("p", { class: "muted" }, at("loading")));
  ensureMap();
  let data;
  try {
    data = await api("/planning/coverage", { query: { minutes: MINUTES } });
  } catch (error) {
    out.replaceChildren(el("p", { class: "error", "data-state": "error" }, errorText(error)));
    return;
  }
  if (layer) map.removeLayer(layer);
  const features = [...data.features].sort((a, b) => b.properties.minutes - a.properties.minutes); // widest under
  layer = L.geoJSON({ type: "FeatureCollection", features }, {
    style: (f) => ({ color: "#245", weight: 0.5, fillColor: COLOURS[f.properties.minutes] || "#eee", fillOpacity: 0.55 }),
    onEachFeature: (f, l) => l.bindTooltip(`${name(f.properties)} · ${at("planning_minutes", { m: fmtNumber(f.properties.minutes) })} · ${fmtNumber(f.properties.area_km2, { maximumFractionDigits: 1 })} km²`),
  }).addTo(map);
  for (const station of store.stations.values()) {
    if (station.lon != null) L.circleMarker([station.lat, station.lon], { radius: 4, color: "#123", fillOpacity: 1 }).bindTooltip(name(station)).addTo(layer);
  }
  map.getContainer().dataset.areas = String(data.features.length);
  const summary = data.summary;
  const lines = el("ul", { id: "planning-shares" });
  summary.thresholds_min.forEach((m, i) => {
    const share = summary.citywide_share[i];
    lines.append(el("li", { "data-minutes": String(m) }, at("planning_coverage", { m: fmtNumber(m), share: share == null ? "—" : `${fmtNumber(share * 100, { maximumFractionDigits: 1 })}%` })));
  });
  out.replaceChildren(lines);
}

async function loadStaffing() {
  const out = document.getElementById("planning-staffing");
  const query = { shift_start_hour: document.getElementById("staffing-hour").value, district_id: document.getElementById("staffing-district").value };
  out.replaceChildren(el("p", { class: "muted" }, at("loading")));
  try {
    const s = await api("/planning/staffing", { query });
    const table = el("table", { class: "data", id: "staffing-table" });
    table.append(el("tbody"));
    const rows = [
      [at("planning_units_needed"), fmtNumber(s.recommended_units)],
      ["λ / h", fmtNumber(s.calls_per_hour, { maximumFractionDigits: 2 })],
      [at("col_calls"), fmtNumber(s.calls)],
      ["Erlang C", s.metrics ? `${fmtNumber(s.target_share * 100)}% ≤ ${fmtNumber(s.target_s / 60)} min` : "—"],
    ];
    for (const row of rows) table.tBodies[0].append(tableRow({}, row));
    table.dataset.units = String(s.recommended_units);
    out.replaceChildren(table);
  } catch (error) {
    out.replaceChildren(el("p", { class: "error" }, errorText(error)));
  }
}
