// The map view's side panel: its tabs, which panel shows, and which incident card is open.
import { onLangChange } from "./i18n.js";
import { can } from "./store.js";

const TABS = ["queue", "call", "overdue", "units", "duty"];
const renderers = new Map(); // tab -> render(), registered by the panel's own module

/** The console map, the tab last chosen, and the id of the incident whose card is open (or null). */
export const side = { map: null, panel: "queue", incidentId: null };

export function registerPanel(tab, render) {
  renderers.set(tab, render);
}

export function initSide(consoleMap) {
  side.map = consoleMap;
  document.getElementById("stab-call").hidden = !can("intake");
  document.getElementById("stab-duty").hidden = false;
  for (const tab of document.querySelectorAll("#side-tabs [data-panel]")) tab.addEventListener("click", () => showPanel(tab.dataset.panel));
  onLangChange(() => {
    if (!side.incidentId) showPanel(side.panel);
  });
}

/** Show one tab's panel (and close the incident card). */
export function showPanel(tab) {
  side.panel = tab;
  for (const p of TABS) {
    document.getElementById(`panel-${p}`).hidden = p !== tab;
    const button = document.getElementById(`stab-${p}`);
    button.setAttribute("aria-selected", String(p === tab));
    button.classList.toggle("active", p === tab);
  }
  document.getElementById("panel-incident").hidden = true;
  side.incidentId = null;
  side.map.highlight(null);
  renderers.get(tab)?.();
  document.getElementById("map").classList.toggle("picking", tab === "call");
}

/** Hide the tabs' panels for the incident card; returns the card's element. */
export function showIncidentPanel(id) {
  side.incidentId = id;
  for (const p of TABS) document.getElementById(`panel-${p}`).hidden = true;
  document.getElementById("map").classList.remove("picking");
  const panel = document.getElementById("panel-incident");
  panel.hidden = false;
  return panel;
}
