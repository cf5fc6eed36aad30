// The city on the one map: the view it opens on (GET /city), water and parks (GET /city/basemap), street names
// (GET /map/labels), label points for beats, a legend, and the symbols of incidents (by priority) and units (by
// status, call sign shown at working zoom). Everything comes from the platform; nothing is fetched from outside.
import { api } from "./api.js";
import { onLangChange, t } from "./i18n.js";
import { el, escapeHtml } from "./ui.js";

const LABEL_ZOOM = 15; // street names from this zoom
const CALL_SIGN_ZOOM = 14; // units' call signs from this zoom
const MAX_LABELS = 400; // street labels drawn at once (those in view)
export const PRIORITY_SHAPES = { 1: "diamond", 2: "triangle", 3: "square", 4: "circle" };
const BASEMAP_STYLE = {
  water: { color: "#6fa8d6", weight: 1, fillColor: "#aad3f0", fillOpacity: 0.9 },
  park: { color: "#9cc98a", weight: 0.5, fillColor: "#d3ecc6", fillOpacity: 0.85 },
};

let city = null;

/** Read the city's view once after log-in (null when the server has none to give). */
export async function loadCity() {
  try {
    city = await api("/city");
  } catch {
    city = null; // the map keeps its default view; the roads request reports what is wrong
  }
  return city;
}

export function currentCity() {
  return city;
}

/**
 * Open `map` on the city: a city set up with `precinct city init` by its bounds (and the map stays near it);
 * otherwise only when the default view lies outside the roads (the Wuhan demo keeps its view).
 */
export function applyCityView(map) {
  if (!city) return;
  const [west, south, east, north] = city.bounds;
  const bounds = L.latLngBounds([south, west], [north, east]);
  if (city.stored) {
    map.fitBounds(bounds);
    map.setMaxBounds(bounds.pad(1.5));
  } else if (!bounds.contains(map.getCenter())) {
    map.fitBounds(bounds);
  }
  map.getContainer().dataset.city = city.code || "";
}

/** Water and parks under the roads, where the city's extract holds them. */
export async function addBasemap(map) {
  if (!city?.basemap) return null;
  map.createPane("basemap").style.zIndex = 240;
  const data = await api("/city/basemap");
  const layer = L.geoJSON(data, {
    pane: "basemap", interactive: false, renderer: L.canvas({ pane: "basemap", padding: 0.3 }),
    style: (feature) => BASEMAP_STYLE[feature.properties.kind] || BASEMAP_STYLE.park,
  }).addTo(map);
  map.getContainer().dataset.basemap = String(data.features.length);
  return layer;
}

/** Street names along the roads from zoom 15, only those in view. */
export function addStreetLabels(map) {
  const group = L.layerGroup().addTo(map);
  let labels = null;
  const draw = async () => {
    group.clearLayers();
    if (map.getZoom() < LABEL_ZOOM) {
      map.getContainer().dataset.streetLabels = "0";
      return;
    }
    labels ??= api("/map/labels").then((data) => data.features);
    const view = map.getBounds();
    let shown = 0;
    for (const feature of await labels) {
      const [lon, lat] = feature.geometry.coordinates;
      if (!view.contains([lat, lon]) || shown >= MAX_LABELS) continue;
      const angle = feature.properties.angle_deg;
      group.addLayer(L.marker([lat, lon], { interactive: false, keyboard: false, pane: "overlayPane",
        icon: L.divIcon({ className: "street-label", iconSize: null,
          html: `<span style="transform: translate(-50%, -50%) rotate(${angle}deg)">${escapeHtml(feature.properties.name)}</span>` }) }));
      shown += 1;
    }
    map.getContainer().dataset.streetLabels = String(shown);
  };
  map.on("moveend", draw);
  group.ready = draw();
  return group;
}

/** Show units' call signs from the working zoom on. */
export function showCallSignsAtWorkingZoom(map) {
  const update = () => map.getContainer().classList.toggle("call-signs", map.getZoom() >= CALL_SIGN_ZOOM);
  map.on("zoomend", update);
  update();
}

/** Give beats (which carry no position) the centre of their boundary's box as a label point. */
export function withLabelPoints(items) {
  return items.map((item) => {
    if (item.lon != null || !item.boundary) return item;
    const centre = L.geoJSON(item.boundary).getBounds().getCenter();
    return { ...item, lon: centre.lng, lat: centre.lat };
  });
}

// ---- incident symbols: a shape per priority, drawn on the canvas ------------------------------------------

/** A circle marker drawn as the shape of its priority (1 diamond, 2 triangle, 3 square, 4 circle). */
const PriorityMarker = L.CircleMarker.extend({
  _updatePath() {
    const renderer = this._renderer;
    const shape = PRIORITY_SHAPES[this.options.priority] || "circle";
    if (!(renderer instanceof L.Canvas) || shape === "circle") {
      renderer._updateCircle(this);
      return;
    }
    if (!renderer._drawing || this._empty()) return;
    const p = this._point;
    const r = Math.max(Math.round(this._radius), 1) + 1;
    const ctx = renderer._ctx;
    ctx.beginPath();
    if (shape === "diamond") {
      ctx.moveTo(p.x, p.y - r - 2); ctx.lineTo(p.x + r + 2, p.y); ctx.lineTo(p.x, p.y + r + 2); ctx.lineTo(p.x - r - 2, p.y);
    } else if (shape === "triangle") {
      ctx.moveTo(p.x, p.y - r - 2); ctx.lineTo(p.x + r + 1, p.y + r); ctx.lineTo(p.x - r - 1, p.y + r);
    } else {
      ctx.rect(p.x - r, p.y - r, 2 * r, 2 * r);
    }
    ctx.closePath();
    renderer._fillStroke(ctx, this);
  },
});

export function incidentMarker(latlng, style) {
  return new PriorityMarker(latlng, style);
}

function shapeSvg(shape, colour, { outline = colour, dashed = false } = {}) {
  const paths = {
    diamond: "M8 1 L15 8 L8 15 L1 8 Z", triangle: "M8 1 L15 14 L1 14 Z", square: "M2 2 H14 V14 H2 Z",
    circle: "M8 2 A6 6 0 1 1 7.99 2 Z",
  };
  return `<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path d="${paths[shape]}" fill="${colour}" ` +
    `fill-opacity="0.8" stroke="${outline}" stroke-width="${outline === colour ? 1.5 : 2.5}"${dashed ? ' stroke-dasharray="3 2"' : ""}/></svg>`;
}

// ---- the legend -----------------------------------------------------------------------------------------

/** A legend (bottom left) of what the map draws, in the console's language. */
export function addLegend(map, { priorityColours, unitColours, roadColour = "#e8b865" }) {
  const legend = L.control({ position: "bottomleft" });
  const render = (box) => {
    const row = (symbol, label) => `<li>${symbol}<span>${escapeHtml(label)}</span></li>`;
    const priorities = [1, 2, 3, 4].map((p) => row(shapeSvg(PRIORITY_SHAPES[p], priorityColours[p]), t("legend_priority", { p })));
    const waiting = row(shapeSvg("circle", "#888", { outline: "#111" }), t("legend_awaiting"));
    const units = Object.entries(unitColours).map(([status, colour]) =>
      row(`<span class="unit-dot legend-unit" data-status="${status}" style="--c:${colour}"></span>`, t(`unit.${status}`)));
    const swatch = (style) => `<span class="legend-swatch" style="${style}"></span>`;
    const lines = [
      row(swatch(`border-top: 3px solid ${roadColour}`), t("legend_roads")),
      ...(city?.basemap ? [row(swatch("background:#aad3f0"), t("legend_water")), row(swatch("background:#d3ecc6"), t("legend_parks"))] : []),
      row(swatch("border-top: 2px solid #37474f"), t("layer_districts")),
      row(swatch("border-top: 2px dashed #546e7a"), t("layer_stations")),
      row(swatch("border-top: 1px dotted #78909c"), t("layer_beats")),
    ];
    box.replaceChildren();
    const details = el("details", { class: "map-legend", id: "map-legend" });
    details.open = box.dataset.open !== "false";
    details.addEventListener("toggle", () => { box.dataset.open = String(details.open); });
    details.innerHTML = `<summary>${escapeHtml(t("legend"))}</summary>` +
      `<h4>${escapeHtml(t("legend_incidents"))}</h4><ul>${priorities.join("")}${waiting}</ul>` +
      `<h4>${escapeHtml(t("legend_units"))}</h4><ul>${units.join("")}</ul>` +
      `<h4>${escapeHtml(t("legend_map"))}</h4><ul>${lines.join("")}</ul>`;
    box.append(details);
  };
  legend.onAdd = () => {
    const box = L.DomUtil.create("div", "leaflet-control map-legend-box");
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    box.dataset.open = String(window.innerWidth >= 1200);
    render(box);
    onLangChange(() => render(box));
    return box;
  };
  legend.addTo(map);
  return legend;
}
