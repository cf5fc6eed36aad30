// "Send as directive": a dialog that issues a directive (POST /directives) prefilled from what prompted it,
// a forecast hotspot, a repeat-call place, a spike or premises, with its geometry and link.
import { api } from "./api.js";
import { name, t } from "./i18n.js";
import { can, store } from "./store.js";
import { button, el, errorText, field, select, toast } from "./ui.js";

const KINDS = ["patrol", "inspect_premises", "follow_up_incident", "attend_event", "other"];
const HOUR_MS = 3600000;

/** A "send as directive" button for `source` ({kind, title, geometry?, link, stationId?}); null without the permission. */
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
  if (source.stationId) target.value = String(source.stationId);
  const windowH = el("input", { id: "directive-window", type: "number", min: "1", max: "72", value: "4" });
  const deadlineH = el("input", { id: "directive-deadline", type: "number", min: "1", max: "168", value: "6" });
  const error = el("p", { class: "error", id: "directive-error", role: "alert" });
  form.addEventListener("input", () => (error.textContent = ""));
  const actions = el("div", { class: "row" });
  actions.append(el("button", { type: "submit", class: "primary", id: "directive-submit" }, t("send_directive")),
    button(t("cancel"), { id: "directive-cancel" }, () => dialog.close()));
  form.append(el("h2", { id: "directive-title" }, t("directive_new")),
    el("p", { class: "muted", id: "directive-link" }, `${t("directive_link")}: ${source.linkText}`),
    field("directive_kind", kind), field("directive_title", title), field("directive_text", text), field("directive_target", target),
    field("directive_window", windowH), field("directive_deadline_h", deadlineH), error, actions);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const now = Date.now();
    const end = now + Number(windowH.value || 4) * HOUR_MS;
    const body = {
      kind: kind.value, title: title.value, text: text.value, target_org_unit_id: Number(target.value),
      deadline: new Date(Math.max(end, now + Number(deadlineH.value || 6) * HOUR_MS)).toISOString(),
      links: [source.link],
    };
    if (source.geometry) body.geometry = source.geometry;
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
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  title.focus();
}

// ---- what prompts a directive --------------------------------------------------------------------

export function fromHotspot(feature, forecastId) {
  const cell = feature.properties.cell;
  return { kind: "patrol", title: `${t("dkind.patrol")} · ${t("link.forecast_cell", { cell })}`, geometry: feature.geometry,
    link: { kind: "forecast_cell", forecast_id: forecastId, cell }, linkText: t("link.forecast_cell", { cell }) };
}

export function fromRepeatPlace(place) {
  return { kind: "patrol", title: `${t("dkind.patrol")} · ${place.place}`.slice(0, 128),
    link: { kind: "repeat_place", place: place.place.slice(0, 256), lon: place.lon, lat: place.lat },
    linkText: t("link.repeat_place", { place: place.place }) };
}

export function fromSpike(spike) {
  const district = [...store.districts.values()].find((d) => [d.name_zh, d.name_en, d.code].includes(spike.area));
  return { kind: "patrol", title: `${t("dkind.patrol")} · ${spike.area}`.slice(0, 128), geometry: district?.boundary || undefined,
    stationId: district?.id, link: { kind: "spike", area: spike.area.slice(0, 128), window_days: spike.window_days || 7 },
    linkText: t("link.spike", { area: spike.area }) };
}

export function fromPremises(premises) {
  return { kind: "inspect_premises", title: `${t("dkind.inspect_premises")} · ${premises.name}`.slice(0, 128), stationId: premises.station_id,
    link: { kind: "premises", premises_id: premises.id }, linkText: t("link.premises", { name: premises.name }) };
}

/** The popup content ("send as directive") for a feature of the hotspot, repeat-call or premises layer; null otherwise. */
export function directiveFromLayer(path, feature, collection) {
  const p = feature.properties || {};
  const [lon, lat] = feature.geometry?.type === "Point" ? feature.geometry.coordinates : [p.lon, p.lat];
  let source = null;
  if (path === "/analysis/hotspots/forecast" && collection?.properties?.forecast_id) source = fromHotspot(feature, collection.properties.forecast_id);
  else if (path === "/analysis/repeat-places") source = fromRepeatPlace({ ...p, lon, lat });
  else if (path === "/places/premises") source = fromPremises(p);
  return source && directiveButton(source, { "data-source": source.link.kind });
}
