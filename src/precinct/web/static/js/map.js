// The one map: offline base map (roads and boundaries from the platform), live incidents and units,
// and analysis layers. Canvas rendering and clustering keep thousands of features smooth.
import { api, optional, ApiError } from "./api.js";
import { fmtDateTime, fmtNumber, lang, name, t, onLangChange } from "./i18n.js";
import { awaitingDispatch, dutyNumeral, incidentTitle, isOpen, on, store } from "./store.js";
import { el, escapeHtml } from "./ui.js";
import { addBasemap, addLegend, addStreetLabels, applyCityView, incidentMarker, showCallSignsAtWorkingZoom, withLabelPoints } from "./city-map.js";
import { directiveFromLayer } from "./directive-form.js";

export const WUHAN = [30.585, 114.3];
export const ATTRIBUTION = "© OpenStreetMap contributors (ODbL)";

export const PRIORITY_COLOURS = { 1: "#b71c1c", 2: "#d84315", 3: "#8d6e00", 4: "#1557a0" };
export const UNIT_COLOURS = {
  available: "#1b7a2f", dispatched: "#d84315", en_route: "#f9a825", on_scene: "#b71c1c",
  off_duty: "#6b6b6b", out_of_service: "#37474f",
};
const DUTY_COLOURS = { 1: "#b71c1c", 2: "#e65100", 3: "#c9a400", 4: "#1557a0" };
const ROAD_STYLE = {
  motorway: { color: "#d9822b", weight: 2.6 }, trunk: { color: "#e39a3c", weight: 2.2 },
  primary: { color: "#e8b865", weight: 1.8 }, secondary: { color: "#b9b9b9", weight: 1.4 },
  tertiary: { color: "#c8c8c8", weight: 1.0 }, default: { color: "#d4d4d4", weight: 0.7 },
};
const DETAIL_ZOOM = 14;
// `?cluster=off` in the console's address draws every incident and unit marker on its own (what
// `precinct bench console` compares against); without it, markers are clustered as always.
const CLUSTERING = new URLSearchParams(window.location.search).get("cluster") !== "off";
const markerGroup = (options) => (CLUSTERING ? L.markerClusterGroup(options) : L.featureGroup());

// Layers whose endpoints belong to other parts of the platform. Until they exist the toggle shows
// "not available yet"; nothing is invented.
export const OPTIONAL_LAYERS = {
  hotspots: { label: "layer_hotspots", path: "/analysis/hotspots/forecast", colour: "#8e24aa" },
  coverage: { label: "layer_coverage", path: "/planning/coverage", query: { minutes: [1, 3, 5] }, colour: "#00838f" },
  premises: { label: "layer_premises", path: "/places/premises", colour: "#5d4037" },
  repeats: { label: "layer_repeats", path: "/analysis/repeat-places", colour: "#ad1457" },
};

/** Items of any of: a GeoJSON FeatureCollection, a list of records with lon/lat or geometry, {items: [...]}. */
export function asFeatureCollection(data) {
  if (!data) return { type: "FeatureCollection", features: [] };
  if (data.type === "FeatureCollection") return data;
  const items = Array.isArray(data) ? data : data.items || data.features || [];
  const features = [];
  for (const item of items) {
    if (item.type === "Feature") features.push(item);
    else if (item.geometry || item.boundary) features.push({ type: "Feature", properties: item, geometry: item.geometry || item.boundary });
    else if (item.lon != null && item.lat != null) features.push({ type: "Feature", properties: item, geometry: { type: "Point", coordinates: [item.lon, item.lat] } });
  }
  return { type: "FeatureCollection", features };
}

/** A bare offline map (no tiles): used by the console and by the officer view. */
export function createBaseMap(element, { zoom = 11, center = WUHAN, fitCity = true } = {}) {
  const map = L.map(element, { preferCanvas: true, minZoom: 8, maxZoom: 19, zoomControl: true, attributionControl: true, keyboard: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(ATTRIBUTION);
  map.setView(center, zoom);
  if (fitCity) applyCityView(map); // the city set up with `precinct city init` (GET /city)
  map.createPane("roads").style.zIndex = 250;
  map.createPane("boundaries").style.zIndex = 300;
  return map;
}

/** Roads from GET /map/roads: major roads for the overview, all roads from zoom 14. */
export function addRoads(map) {
  const renderer = L.canvas({ pane: "roads", padding: 0.3 });
  const style = (feature) => ({ ...(ROAD_STYLE[feature.properties.highway] || ROAD_STYLE.default), opacity: 0.9, interactive: false });
  const make = (data) => L.geoJSON(data, { style, renderer, pane: "roads", interactive: false });
  const group = L.layerGroup().addTo(map);
  const layers = {};
  const load = async (detail) => {
    if (!layers[detail]) layers[detail] = api("/map/roads", { query: { detail } }).then(make);
    return layers[detail];
  };
  const update = async () => {
    const detail = map.getZoom() >= DETAIL_ZOOM ? "all" : "major";
    const layer = await load(detail);
    if (!group.hasLayer(layer)) {
      group.clearLayers();
      group.addLayer(layer);
    }
    map.getContainer().dataset.roads = detail;
  };
  map.on("zoomend", update);
  group.ready = update();
  return group;
}

export class ConsoleMap {
  constructor(element, { onSelectIncident, onPick } = {}) {
    this.map = createBaseMap(element);
    this.onSelectIncident = onSelectIncident || (() => {});
    this.onPick = onPick || null;
    this.layerDefs = [];
    this.incidentMarkers = new Map();
    this.unitMarkers = new Map();
    this.roads = addRoads(this.map);
    this.basemap = addBasemap(this.map);
    this.streetLabels = addStreetLabels(this.map);
    showCallSignsAtWorkingZoom(this.map);
    addLegend(this.map, { priorityColours: PRIORITY_COLOURS, unitColours: UNIT_COLOURS });
    this.boundaryRenderer = L.canvas({ pane: "boundaries" });
    this.incidents = markerGroup({ chunkedLoading: true, maxClusterRadius: 45, disableClusteringAtZoom: 15, showCoverageOnHover: false });
    this.units = markerGroup({ chunkedLoading: true, maxClusterRadius: 35, disableClusteringAtZoom: 13, showCoverageOnHover: false,
      iconCreateFunction: (cluster) => L.divIcon({ html: `<span>${cluster.getChildCount()}</span>`, className: "unit-cluster", iconSize: [30, 30] }) });
    this.pickMarker = null;
    this.selected = null;
    this.map.on("click", (event) => {
      if (this.onPick) this.onPick(event.latlng);
    });
    on("incident", (incident) => this.drawIncident(incident));
    on("unit", (unit) => this.drawUnit(unit));
    onLangChange(() => this.relabel());
  }

  /** Say the map again in the language just chosen: the layer list, every marker's tooltip, the loaded layers
   * (their tooltips and "send as directive" popups were written in the language they were loaded in). */
  relabel() {
    this.renderLayerList();
    this.map.closePopup();
    for (const marker of [...this.incidentMarkers.values()]) this.drawIncident(marker.incident);
    for (const unit of store.units.values()) if (this.unitMarkers.has(unit.id)) this.drawUnit(unit);
    for (const def of this.layerDefs) if (def.load && def.loaded) this.reload(def.key);
  }

  // ---- layer list -------------------------------------------------------------------------------
  register(key, label, { layer = null, load = null, visible = false, available = true } = {}) {
    const def = { key, label, layer, load, visible, available, state: available ? "" : "not_available", count: null, loaded: false };
    this.layerDefs.push(def);
    if (visible) this.toggle(key, true);
    return def;
  }

  async toggle(key, visible) {
    const def = this.layerDefs.find((d) => d.key === key);
    def.visible = visible;
    if (visible && def.load && !def.loaded) {
      def.state = "loading";
      this.renderLayerList();
      try {
        const result = await def.load();
        def.loaded = true;
        if (result && result.available === false) {
          def.state = "not_available";
        } else {
          def.layer = result.layer;
          def.count = result.count;
          def.state = result.count === 0 ? "no_data" : "";
        }
      } catch (error) {
        def.state = "error";
        def.error = error instanceof ApiError ? error.message : String(error);
      }
    }
    if (def.layer) {
      if (def.visible) def.layer.addTo(this.map);
      else def.layer.remove();
    }
    this.renderLayerList();
  }

  /** Load a layer again (e.g. duty levels after a push); only if it was loaded before. */
  reload(key) {
    const def = this.layerDefs.find((d) => d.key === key);
    if (!def || !def.load || !def.loaded) return;
    def.layer?.remove();
    def.layer = null;
    def.loaded = false;
    if (def.visible) this.toggle(key, true);
  }

  renderLayerList() {
    const list = document.getElementById("layer-list");
    if (!list) return;
    list.replaceChildren();
    for (const def of this.layerDefs) {
      const id = `layer-${def.key}`;
      const item = el("li", { class: "layer-item", "data-layer": def.key, "data-state": def.state || "ready" });
      const box = el("input", { type: "checkbox", id });
      box.checked = def.visible;
      box.addEventListener("change", () => this.toggle(def.key, box.checked));
      const label = el("label", { for: id }, t(def.label));
      item.append(box, label);
      let note = "";
      if (def.state === "loading") note = t("loading");
      else if (def.state === "not_available") note = t("not_available");
      else if (def.state === "no_data") note = t("no_data");
      else if (def.state === "error") note = `${t("error")}: ${def.error}`;
      else if (def.count != null && def.visible) note = t("features", { n: fmtNumber(def.count) });
      if (note) item.append(el("span", { class: "layer-note" }, note));
      list.append(item);
    }
  }

  // ---- boundaries -------------------------------------------------------------------------------
  boundaryLayer(items, style, labelOf) {
    const layer = L.geoJSON(asFeatureCollection(items.map((i) => ({ ...i, geometry: i.boundary })).filter((i) => i.geometry)), {
      renderer: this.boundaryRenderer, pane: "boundaries", interactive: false,
      style: () => ({ fill: false, ...style }),
    });
    if (labelOf) {
      const labels = L.layerGroup();
      const icon = (item) => L.divIcon({ className: "map-label", html: escapeHtml(labelOf(item)), iconSize: null });
      const placed = [];
      for (const item of items) {
        if (item.lon != null && item.lat != null) {
          const marker = L.marker([item.lat, item.lon], { interactive: false, keyboard: false, icon: icon(item) });
          placed.push([marker, item]);
          labels.addLayer(marker);
        }
      }
      onLangChange(() => { for (const [marker, item] of placed) marker.setIcon(icon(item)); }); // names follow the language
      return L.layerGroup([layer, labels]);
    }
    return layer;
  }

  // ---- incidents --------------------------------------------------------------------------------
  incidentStyle(incident) {
    const colour = PRIORITY_COLOURS[incident.priority] || "#444";
    const waiting = awaitingDispatch(incident);
    return {
      radius: waiting ? 8 : 6, color: waiting ? "#111" : colour, weight: waiting ? 2.5 : 1.5,
      dashArray: incident.status === "on_scene" ? "3 2" : null,
      fillColor: colour, fillOpacity: waiting ? 0.95 : 0.55, priority: incident.priority,
    };
  }

  drawIncident(incident) {
    const marker = this.incidentMarkers.get(incident.id);
    if (!isOpen(incident)) {
      if (marker) {
        this.incidents.removeLayer(marker);
        this.incidentMarkers.delete(incident.id);
      }
      return;
    }
    const tip = () => `${escapeHtml(incidentTitle(incident))} · ${t(`status.${incident.status}`)}` +
      `${incident.simulated ? ` · [${t("simulated")}]` : ""}<br>${escapeHtml(incident.address)}<br>${fmtDateTime(incident.received_at)}`;
    if (marker) {
      marker.setLatLng([incident.lat, incident.lon]);
      marker.setStyle(this.incidentStyle(incident));
      marker.setTooltipContent(tip());
      marker.incident = incident;
      return;
    }
    const created = incidentMarker([incident.lat, incident.lon], this.incidentStyle(incident)); // a shape per priority
    created.incident = incident;
    created.bindTooltip(tip());
    created.on("click", (event) => {
      L.DomEvent.stopPropagation(event);
      this.onSelectIncident(created.incident.id);
    });
    this.incidentMarkers.set(incident.id, created);
    this.incidents.addLayer(created);
  }

  // ---- units ------------------------------------------------------------------------------------
  unitIcon(unit) {
    const colour = UNIT_COLOURS[unit.status] || "#444";
    const heading = unit.heading_deg == null ? null : Math.round(unit.heading_deg);
    const arrow = heading == null ? "" : `<i class="heading" style="--h:${heading}deg"></i>`;
    return L.divIcon({
      className: "unit-icon",
      html: `<span class="unit-dot" data-status="${unit.status}" style="--c:${colour}">${arrow}</span><span class="unit-sign">${escapeHtml(unit.call_sign)}</span>`,
      iconSize: [14, 14], iconAnchor: [7, 7],
    });
  }

  drawUnit(unit) {
    const marker = this.unitMarkers.get(unit.id);
    if (unit.lon == null || unit.lat == null) return;
    const tip = `${escapeHtml(unit.call_sign)} · ${t(`unit_type.${unit.unit_type}`)} · ${t(`unit.${unit.status}`)}${unit.simulated ? ` · [${t("simulated")}]` : ""}`;
    if (marker) {
      marker.setLatLng([unit.lat, unit.lon]);
      marker.setIcon(this.unitIcon(unit));
      marker.setTooltipContent(tip);
      return;
    }
    const created = L.marker([unit.lat, unit.lon], { icon: this.unitIcon(unit), keyboard: false, title: unit.call_sign });
    created.bindTooltip(tip);
    this.unitMarkers.set(unit.id, created);
    this.units.addLayer(created);
  }

  // ---- selection, picking, routes ---------------------------------------------------------------
  setPick(latlng) {
    if (this.pickMarker) this.pickMarker.remove();
    this.pickMarker = latlng ? L.circleMarker(latlng, { radius: 10, color: "#0d47a1", weight: 3, fillOpacity: 0.15, interactive: false }).addTo(this.map) : null;
  }

  /**
   * Drawing an area: each click on the map adds a vertex ([lon, lat]) and the polygon shows as it grows; `bar` (an
   * element) shows over the map meanwhile. The click hook (onPick) is borrowed and given back by `end()`.
   * Returns {vertices, end}.
   */
  drawArea({ bar, onChange = () => {} }) {
    const previous = this.onPick;
    const vertices = [];
    const shown = L.layerGroup().addTo(this.map);
    const style = { color: "#6a1b9a", weight: 2, interactive: false };
    const outline = L.polygon([], { ...style, dashArray: "6 4", fillOpacity: 0.12 }).addTo(shown);
    const control = L.control({ position: "topright" });
    control.onAdd = () => bar;
    control.addTo(this.map);
    L.DomEvent.disableClickPropagation(bar);
    const pick = (latlng) => {
      vertices.push([Number(latlng.lng.toFixed(6)), Number(latlng.lat.toFixed(6))]);
      outline.setLatLngs(vertices.map(([lon, lat]) => [lat, lon]));
      L.circleMarker(latlng, { ...style, radius: 4, fillOpacity: 1 }).addTo(shown);
      onChange(vertices);
    };
    this.onPick = pick;
    const end = () => {
      if (this.onPick === pick) this.onPick = previous;
      shown.remove();
      control.remove();
    };
    return { vertices, end };
  }

  highlight(incident) {
    if (this.selected) this.selected.remove();
    this.selected = null;
    if (!incident) return;
    this.selected = L.circleMarker([incident.lat, incident.lon], { radius: 16, color: "#0d47a1", weight: 3, fill: false, interactive: false }).addTo(this.map);
    if (!this.map.getBounds().pad(-0.1).contains([incident.lat, incident.lon])) this.map.panTo([incident.lat, incident.lon]);
  }
}

// ---- layers built from the platform's own data ------------------------------------------------------

export async function registerStandardLayers(consoleMap, { withIncidents, withUnits }) {
  const districts = [...store.districts.values()];
  const stations = [...store.stations.values()];
  consoleMap.register("districts", "layer_districts", {
    visible: true, layer: consoleMap.boundaryLayer(districts, { color: "#37474f", weight: 2.2, opacity: 0.9 }, name),
  });
  consoleMap.register("stations", "layer_stations", {
    visible: false, layer: consoleMap.boundaryLayer(stations, { color: "#546e7a", weight: 1.2, opacity: 0.8, dashArray: "6 4" }, name),
  });
  consoleMap.register("beats", "layer_beats", {
    load: async () => {
      const beats = withLabelPoints(await api("/beats", { query: { boundaries: true } }));
      return { layer: consoleMap.boundaryLayer(beats, { color: "#78909c", weight: 0.8, opacity: 0.7, dashArray: "2 3" }, name), count: beats.length };
    },
  });
  if (withIncidents) consoleMap.register("incidents", "layer_incidents", { visible: true, layer: consoleMap.incidents });
  if (withUnits) consoleMap.register("units", "layer_units", { visible: true, layer: consoleMap.units });
  for (const [key, def] of Object.entries(OPTIONAL_LAYERS)) {
    consoleMap.register(key, def.label, { load: () => loadOptionalLayer(def) });
  }
  consoleMap.register("duty", "layer_duty", { load: () => loadDutyLayer(consoleMap) });
  consoleMap.renderLayerList();
}

async function loadOptionalLayer(def) {
  const result = await optional(def.path, { query: def.query });
  if (!result.available) return { available: false };
  const data = asFeatureCollection(result.data);
  const layer = L.geoJSON(data, {
    style: (feature) => ({ color: feature.properties.colour || def.colour, weight: 1, fillOpacity: 0.18 + 0.1 * (feature.properties.minutes ? 1 / feature.properties.minutes : 0) }),
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 6, color: def.colour, weight: 1, fillOpacity: 0.6 }),
    onEachFeature: (feature, layer) => {
      const p = feature.properties || {};
      const label = (lang() === "en" ? p.name_en : p.name_zh) || p.name_zh || p.name || p.label || p.minutes || p.score || p.count || "";
      if (label !== "") layer.bindTooltip(escapeHtml(typeof label === "number" ? fmtNumber(label) : label));
      const send = directiveFromLayer(def.path, feature, result.data); // "send as directive" (issuers only)
      if (send) layer.bindPopup(send);
    },
  });
  return { layer, count: data.features.length };
}

async function loadDutyLayer() {
  const result = await optional("/duty-levels");
  if (!result.available) return { available: false };
  const levels = new Map(result.data.map((l) => [l.district_id, l]));
  const items = [...store.districts.values()].filter((d) => levels.has(d.id) && d.boundary);
  const layer = L.geoJSON(asFeatureCollection(items.map((d) => ({ ...d, level: levels.get(d.id).level }))), {
    style: (feature) => ({ color: DUTY_COLOURS[feature.properties.level], weight: 1, fillOpacity: 0.22 }),
    onEachFeature: (feature, layer) => layer.bindTooltip(`${escapeHtml(name(feature.properties))} · ${dutyNumeral(feature.properties.level)}`),
  });
  return { layer, count: items.length };
}

export { DUTY_COLOURS };
