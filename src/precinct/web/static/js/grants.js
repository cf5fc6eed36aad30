// The role grants panel (see_grants): requests for roles that read personal data, decided by a second person (approve_grants).
import { api } from "./api.js";
import { fmtDateTime, t } from "./i18n.js";
import { can, emit, store } from "./store.js";
import { actionButton, el, errorText, toast } from "./ui.js";

export async function renderGrants(box) {
  const title = () => el("h2", {}, t("grants"));
  box.replaceChildren(title(), el("p", {}, t("loading")));
  let grants;
  try {
    grants = await api("/role-grants", { query: { status: "pending" } });
  } catch (error) {
    box.replaceChildren(title(), el("p", { class: "error" }, errorText(error)));
    return;
  }
  if (!grants.length) {
    box.replaceChildren(title(), el("p", { class: "muted", id: "grants-none", "data-state": "no_data" }, t("grants_none")));
    return;
  }
  const list = el("ul", { class: "grant-list", id: "grant-list" });
  for (const grant of grants) list.append(grantItem(grant));
  box.replaceChildren(title(), list);
}

function grantItem(grant) {
  const item = el("li", { class: "grant", "data-grant-id": String(grant.id), "data-user-id": String(grant.user_id) });
  const from = grant.previous_role ? t(`role.${grant.previous_role}`) : t("grant_new_account");
  item.append(el("strong", {}, `${grant.username} · ${t("grant_summary", { id: grant.user_id, from, to: t(`role.${grant.role}`) })}`),
    el("p", { class: "grant-reason" }, grant.reason),
    el("p", { class: "muted" }, t("grant_requested", { who: grant.requested_by, time: fmtDateTime(grant.requested_at) })));
  if (!can("approve_grants")) return item;
  if (grant.requested_by === store.me.username || grant.user_id === store.me.id) {
    item.append(el("p", { class: "muted grant-own" }, t("grant_own")));
    return item;
  }
  const note = el("input", { class: "grant-note", maxlength: "1000", "aria-label": t("grant_note"), placeholder: t("grant_note") });
  const decide = (verb, doneKey) => actionButton(t(`grant_${verb}`), { class: `grant-${verb}` }, async () => {
    await api(`/role-grants/${grant.id}/${verb}`, { method: "POST", body: { note: note.value } });
    toast(t(doneKey));
    emit("accounts_changed");
  });
  const row = el("div", { class: "row wrap" });
  row.append(note, decide("approve", "grant_approved"), decide("refuse", "grant_refused"));
  item.append(row);
  return item;
}
