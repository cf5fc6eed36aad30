// "Send as directive": a dialog that issues a directive (POST /directives) prefilled from what prompted it,
// a forecast hotspot, a repeat-call place, a spike, premises or an incident, with its geometry and link; the issuer may
// send it to a unit instead of a branch or station, and draw its area on the map.
import { api } from "./api.js";
import { name, t } from "./i18n.js";
import { side } from "./side.js";
import { can, incidentTitle, store } from "./store.js";
import { button, el, errorText, field, select, toast } from "./ui.js";

const KINDS = ["patrol", "inspect_premises", "follow_up_incident", "attend_event", "other"];
const HOUR_MS = 3600000;
const SQUARE_SIDE_M = 200; // a patrol of a point (a repeat-call place, premises) covers this square around it
const METRES_PER_DEGREE = 111320;
const MIN_VERTICES = 3; // a drawn area needs at least a triangle

/**
 * A "send as directive" button for `source` ({kind, title, geometry?, point?, link, linkText, stationId?}); null without the
 * permission. `stationId` is the org unit the form sends it to unless changed: the station, else the district, of its place.
 */
export function directiveButton(source, attrs = {}) {
  if (!can("issue_directives")) return null;
  return button(t("send_directive"), { class: "link send-directive", ...attrs }, () => openDirectiveForm(source));
}

/** Targets the issuer may pick: district branches and stations (the server checks the scope). */
function targetChoices() {
  const entries = [];
  for (const d of [...store.districts.values()].sort((a, b) => a.code.localeCompare(b.code))) {
    entries.push([d.id, name(d)]);
    for (const s of [...store.stations.values()].filter((st) => st.parent_id === d.id).sort((a, b) => a.code.localeCompare(b.code))) {
      entries.push([s.id, `— ${name(s)}`]);
    }
  }
  return entries;
}

/** Units the issuer may send it to instead: those whose home station is the chosen station or lies in the chosen district. */
function unitChoices(orgUnitId) {
  const under = (unit) => unit.home_station_id === orgUnitId || store.stations.get(unit.home_station_id)?.parent_id === orgUnitId;
  const units = [...store.units.values()].filter(under).sort((a, b) => a.call_sign.localeCompare(b.call_sign));
  return [["", t("directive_unit_none")], ...units.map((u) => [u.id, u.call_sign])];
}

export function openDirectiveForm(source) {
  document.getElementById("directive-dialog")?.remove();
  const dialog = el("dialog", { id: "directive-dialog", class: "card", "aria-labelledby": "directive-title" });
  const form = el("form", { id: "directive-form", novalidate: "" });
  const kind = select({ id: "directive-kind" }, KINDS.map((k) => [k, t(`dkind.${k}`)]));
  kind.value = source.kind || "patrol";
  const title = el("input", { id: "directive-title-input", maxlength: "128", required: "" });
  title.value = source.title.slice(0, 128);
  const text = el("textarea", { id: "directive-text", rows: "3", maxlength: "4000" });
  const target = select({ id: "directive-target" }, targetChoices());
  if (source.stationId && [...target.options].some((o) => o.value === String(source.stationId))) target.value = String(source.stationId);
  const unit = select({ id: "directive-target-unit" }, unitChoices(Number(target.value)));
  target.addEventListener("change", () => unit.replaceChildren(...select({}, unitChoices(Number(target.value))).options));
  const windowH = el("input", { id: "directive-window", type: "number", min: "1", max: "72", value: "4" });
  const deadlineH = el("input", { id: "directive-deadline", type: "number", min: "1", max: "168", value: "6" });
  const error = el("p", { class: "error", id: "directive-error", role: "alert" });
  form.addEventListener("input", () => (error.textContent = ""));
  const area = el("p", { class: "muted", id: "directive-area" });
  let drawn = null; // a polygon drawn on the map: the area, whatever else offers one
  const square = () => (kind.value === "patrol" && !source.geometry && source.point ? squareAround(...source.point) : null);
  const showArea = () => (area.textContent = drawn ? t("directive_area_drawn", { n: drawn.coordinates[0].length - 1 })
    : square() ? t("directive_area_square", { m: SQUARE_SIDE_M }) : "");
  kind.addEventListener("change", showArea);
  showArea();
  let drawing = false; // the dialog is closed while the issuer draws on the map, and shown again afterwards
  const draw = button(t("directive_draw"), { id: "directive-draw" }, () => {
    drawing = true;
    dialog.close();
    drawArea((polygon) => {
      drawing = false;
      if (polygon) drawn = polygon;
      showArea();
      dialog.showModal();
    });
  });
  const actions = el("div", { class: "row" });
  actions.append(el("button", { type: "submit", class: "primary", id: "directive-submit" }, t("send_directive")),
    button(t("cancel"), { id: "directive-cancel" }, () => dialog.close()));
  form.append(el("h2", { id: "directive-title" }, t("directive_new")),
    el("p", { class: "muted", id: "directive-link" }, `${t("directive_link")}: ${source.linkText}`),
    field("directive_kind", kind), area, draw, field("directive_title", title), field("directive_text", text), field("directive_target", target),
    field("directive_target_unit", unit),
    field("directive_window", windowH), field("directive_deadline_h", deadlineH), error, actions);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const now = Date.now();
    const end = now + Number(windowH.value || 4) * HOUR_MS;
    const body = {
      kind: kind.value, title: title.value, text: text.value,
      ...(unit.value ? { target_unit_id: Number(unit.value) } : { target_org_unit_id: Number(target.value) }),
      deadline: new Date(Math.max(end, now + Number(deadlineH.value || 6) * HOUR_MS)).toISOString(),
      links: [source.link],
    };
    const geometry = drawn || source.geometry || square();
    if (geometry) body.geometry = geometry;
    if (kind.value === "patrol") Object.assign(body, { window_start: new Date(now + 60000).toISOString(), window_end: new Date(end).toISOString() });
    try {
      const directive = await api("/directives", { method: "POST", body });
      toast(t("directive_sent", { id: directive.id }));
      dialog.close();
    } catch (err) {
      error.textContent = errorText(err);
    }
  });
  dialog.append(form);
  dialog.addEventListener("close", () => drawing || dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  title.focus();
}

/** Lets the issuer click an area's vertices on the map; `onDone` gets the closed Polygon, or null when cancelled (Esc). */
function drawArea(onDone) {
  const count = el("span", { id: "draw-count" }, t("draw_points", { n: 0 }));
  const finish = button(t("draw_finish"), { id: "draw-finish", class: "primary", disabled: "" }, () => end(polygonOf(drawing.vertices)));
  const bar = el("div", { id: "draw-bar", class: "card", role: "toolbar", "aria-label": t("directive_draw") });
  bar.append(el("p", { class: "muted" }, t("draw_hint", { n: MIN_VERTICES })), count, " ", finish, " ",
    button(t("cancel"), { id: "draw-cancel" }, () => end(null)));
  const drawing = side.map.drawArea({ bar, onChange: (vertices) => {
    count.textContent = t("draw_points", { n: vertices.length });
    finish.disabled = vertices.length < MIN_VERTICES;
  } });
  const onKey = (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation(); // not the console's own Esc
    end(null);
  };
  document.addEventListener("keydown", onKey, true);
  function end(polygon) {
    document.removeEventListener("keydown", onKey, true);
    drawing.end();
    onDone(polygon);
  }
}

/** The GeoJSON Polygon whose ring runs through `vertices` ([lon, lat]) and back to the first. */
function polygonOf(vertices) {
  return { type: "Polygon", coordinates: [[...vertices, vertices[0]]] };
}

// ---- what prompts a directive --------------------------------------------------------------------

export function fromHotspot(feature, forecastId) {
  const cell = feature.properties.cell;
  const centre = centreOf(feature.geometry); // a cell belongs to the unit holding its centre, as the server rules it
  return { kind: "patrol", title: `${t("dkind.patrol")} · ${t("link.forecast_cell", { cell })}`, geometry: feature.geometry,
    stationId: centre && unitAt(...centre)?.id,
    link: { kind: "forecast_cell", forecast_id: forecastId, cell }, linkText: t("link.forecast_cell", { cell }) };
}

export function fromRepeatPlace(place) {
  return { kind: "patrol", title: `${t("dkind.patrol")} · ${place.place}`.slice(0, 128), point: [place.lon, place.lat],
    stationId: unitAt(place.lon, place.lat)?.id, link: { kind: "repeat_place", place: place.place.slice(0, 256), lon: place.lon, lat: place.lat },
    linkText: t("link.repeat_place", { place: place.place }) };
}

export function fromSpike(spike) {
  const named = (unit) => [unit.name_zh, unit.name_en, unit.code].includes(spike.area);
  const area = [...store.districts.values()].find(named) || [...store.stations.values()].find(named); // a station in a district's scope
  return { kind: "patrol", title: `${t("dkind.patrol")} · ${spike.area}`.slice(0, 128), geometry: area?.boundary || undefined,
    stationId: area?.id, link: { kind: "spike", area: spike.area.slice(0, 128), window_days: spike.window_days || 7 },
    linkText: t("link.spike", { area: spike.area }) };
}

export function fromPremises(premises) {
  const point = premises.lon != null && premises.lat != null ? [premises.lon, premises.lat] : undefined;
  const stationId = premises.station_id ?? (point && unitAt(...point)?.id);
  return { kind: "inspect_premises", title: `${t("dkind.inspect_premises")} · ${premises.name}`.slice(0, 128), stationId,
    point, link: { kind: "premises", premises_id: premises.id }, linkText: t("link.premises", { name: premises.name }) };
}

export function fromIncident(incident) {
  const point = [incident.lon, incident.lat]; // the server takes the incident's point as the area unless one is drawn
  const label = incidentTitle(incident);
  return { kind: "follow_up_incident", title: `${t("dkind.follow_up_incident")} · ${label}`.slice(0, 128), point,
    stationId: incident.station_id ?? incident.district_id ?? unitAt(...point)?.id,
    link: { kind: "incident", incident_id: incident.id }, linkText: t("link.incident", { incident: label }) };
}

/** A GeoJSON Polygon: the square of side `sideM` metres centred on [lon, lat]. */
export function squareAround(lon, lat, sideM = SQUARE_SIDE_M) {
  const dLat = sideM / 2 / METRES_PER_DEGREE;
  const dLon = sideM / 2 / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180));
  const ring = [[lon - dLon, lat - dLat], [lon + dLon, lat - dLat], [lon + dLon, lat + dLat], [lon - dLon, lat + dLat], [lon - dLon, lat - dLat]];
  return { type: "Polygon", coordinates: [ring] };
}

/** The station whose boundary holds [lon, lat], else the district whose boundary does; undefined outside them all. */
function unitAt(lon, lat) {
  const holds = (unit) => inside(unit.boundary, lon, lat);
  return [...store.stations.values()].find(holds) || [...store.districts.values()].find(holds);
}

/** [lon, lat] of the centroid of a GeoJSON Polygon or MultiPolygon (by area, outer rings; planar), else null. */
export function centreOf(geometry) {
  const polygons = geometry?.type === "Polygon" ? [geometry.coordinates] : geometry?.type === "MultiPolygon" ? geometry.coordinates : [];
  let area = 0, x = 0, y = 0;
  for (const [ring] of polygons) {
    let a = 0, rx = 0, ry = 0; // the shoelace sums of one ring, whichever way it winds
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      a += cross;
      rx += (ring[j][0] + ring[i][0]) * cross;
      ry += (ring[j][1] + ring[i][1]) * cross;
    }
    const sign = Math.sign(a);
    area += sign * a;
    x += sign * rx;
    y += sign * ry;
  }
  return area ? [x / (3 * area), y / (3 * area)] : null;
}

/** Whether [lon, lat] lies inside a GeoJSON Polygon or MultiPolygon (ray casting; holes honoured). */
export function inside(geometry, lon, lat) {
  if (!geometry) return false;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  const inRing = (ring) => {
    let hit = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  };
  return polygons.some(([outer, ...holes]) => inRing(outer) && !holes.some(inRing));
}

/** The popup content ("send as directive") for a feature of the hotspot, repeat-call or premises layer; null otherwise. */
export function directiveFromLayer(path, feature, collection) {
  const p = feature.properties || {};
  const [lon, lat] = feature.geometry?.type === "Point" ? feature.geometry.coordinates : [p.lon, p.lat];
  let source = null;
  if (path === "/analysis/hotspots/forecast" && collection?.properties?.forecast_id) source = fromHotspot(feature, collection.properties.forecast_id);
  else if (path === "/analysis/repeat-places") source = fromRepeatPlace({ ...p, lon, lat });
  else if (path === "/places/premises") source = fromPremises({ ...p, lon, lat });
  return source && directiveButton(source, { "data-source": source.link.kind });
}
