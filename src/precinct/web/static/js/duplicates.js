// Possible duplicates nearby (GET /incidents/duplicates), listed by the call form and the incident card.
import { optional } from "./api.js";
import { fmtNumber, t } from "./i18n.js";
import { incidentTitle } from "./store.js";
import { el, errorText } from "./ui.js";

/**
 * Fill `list` with the open incidents of the type near a place, each with the button `action(match)`.
 * place: {lon, lat, type_code}; excludeId: an incident to leave out (the card's own).
 */
export async function listDuplicates(list, place, { excludeId = null, action }) {
  const note = (key) => list.replaceChildren(el("li", { class: "muted" }, t(key)));
  let result;
  try {
    result = await optional("/incidents/duplicates", { query: { lon: place.lon, lat: place.lat, type_code: place.type_code } });
  } catch (error) {
    list.replaceChildren(el("li", { class: "error" }, errorText(error)));
    return;
  }
  if (!result.available) return note("not_available");
  const matches = result.data.filter((match) => match.incident.id !== excludeId);
  if (!matches.length) return note("duplicates_none");
  list.replaceChildren();
  for (const match of matches) {
    const incident = match.incident;
    const item = el("li", { "data-incident-id": String(incident.id) });
    item.append(el("span", {}, `${incidentTitle(incident)} · ${t(`status.${incident.status}`)} · ` +
      t("duplicate_row", { distance: fmtNumber(Math.round(match.distance_m)), minutes: fmtNumber(Math.round(match.minutes_ago)) })), action(match));
    list.append(item);
  }
}
