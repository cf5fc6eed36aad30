// The security view: accounts (manage_accounts), pending role grants (see_grants), security alerts and the audit chain (audit).
import { onLangChange } from "./i18n.js";
import { can, on } from "./store.js";
import { el } from "./ui.js";
import { renderAccounts } from "./accounts.js";
import { renderGrants } from "./grants.js";
import { renderAlerts } from "./alerts.js";

const PANELS = [
  { id: "accounts-panel", permission: "manage_accounts", render: renderAccounts },
  { id: "grants-panel", permission: "see_grants", render: renderGrants },
  { id: "alerts-panel", permission: "audit", render: renderAlerts },
];

function view() {
  return document.getElementById("view-security");
}

/** Whether the account gets the view: its role holds one of the panels' permissions. */
export function securityAllowed() {
  return PANELS.some((panel) => can(panel.permission));
}

export function initSecurity() {
  const refresh = () => {
    if (!view().hidden) showSecurity();
  };
  onLangChange(refresh);
  on("accounts_changed", refresh); // an account, a grant or an alert changed: every panel reads afresh
}

export function showSecurity() {
  const root = view();
  root.replaceChildren();
  for (const panel of PANELS) {
    if (!can(panel.permission)) continue;
    const box = el("section", { class: "card", id: panel.id });
    root.append(box);
    panel.render(box);
  }
}
