// Keyboard-driven work in the map view: Alt+N new call, Alt+Q incidents, Alt+U units, Alt+O overdue board,
// Ctrl+Enter submits the form being typed in, Esc leaves an incident card; a form's error clears as it is edited.
import { showPanel, side } from "./side.js";
import { can } from "./store.js";

const PANEL_KEYS = { n: "call", q: "queue", u: "units", o: "overdue" };

export function initHotkeys() {
  document.addEventListener("keydown", onKey);
  // A stale error goes as soon as the user changes what it was about.
  document.addEventListener("input", (event) => {
    const form = event.target.closest?.("form");
    for (const error of form?.querySelectorAll(".error[role=alert]") || []) error.textContent = "";
  });
}

function onKey(event) {
  if (document.body.dataset.view !== "map" || document.querySelector("dialog[open]")) return;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    const form = event.target.closest?.("form");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
    return;
  }
  if (event.altKey && !event.ctrlKey && PANEL_KEYS[event.key.toLowerCase()]) {
    const panel = PANEL_KEYS[event.key.toLowerCase()];
    if ((panel === "call" && !can("intake")) || (panel === "overdue" && !can("see_deadlines"))) return;
    event.preventDefault();
    showPanel(panel);
    const first = document.querySelector(`#panel-${panel} input, #panel-${panel} select, #panel-${panel} button`);
    first?.focus();
    return;
  }
  if (event.key === "Escape" && side.incidentId && !event.target.closest?.("input, textarea, select")) {
    event.preventDefault();
    showPanel(side.panel);
  }
}
