// The accounts panel (manage_accounts): every account and its state, the actions on one, and a new account.
import { api } from "./api.js";
import { fmtDateTime, name, t } from "./i18n.js";
import { can, emit, rolesHolding, store } from "./store.js";
import { actionButton, badge, button, choices, dataTable, el, errorText, field, select, tableRow, toast } from "./ui.js";

let openUsername = null; // the account whose actions are shown, kept while the panel reads afresh

export async function renderAccounts(box) {
  const title = () => el("h2", {}, t("accounts"));
  box.replaceChildren(title(), el("p", {}, t("loading")));
  let users, grants;
  try {
    [users, grants] = await Promise.all([api("/users"),
      can("see_grants") ? api("/role-grants", { query: { status: "pending" } }) : []]);
  } catch (error) {
    box.replaceChildren(title(), el("p", { class: "error" }, errorText(error)));
    return;
  }
  const pending = new Map(grants.map((grant) => [grant.user_id, grant]));
  const detail = el("section", { class: "account-detail", id: "account-detail", hidden: "" });
  const table = dataTable({ id: "account-list" }, ["username", "display_name", "role", "status", "second_factor", ""]);
  for (const user of users) {
    const grant = pending.get(user.id);
    table.tBodies[0].append(tableRow({ "data-username": user.username, "data-state": accountState(user, grant) }, [
      user.username, user.display_name, t(`role.${user.role}`), stateBadges(user, grant),
      user.mfa_enrolled_at ? t("mfa_set", { time: fmtDateTime(user.mfa_enrolled_at) }) : t("mfa_not_set"),
      button(t("manage"), { class: "account-manage", "aria-label": `${t("manage")} ${user.username}` }, () => {
        showAccount(detail, user, grant);
        detail.scrollIntoView({ block: "nearest" });
      }),
    ]));
  }
  box.replaceChildren(title(), table, detail, createForm());
  const open = users.find((user) => user.username === openUsername);
  if (open) showAccount(detail, open, pending.get(open.id));
}

/** active, disabled, or pending: a new account waiting for its role grant. */
function accountState(user, grant) {
  if (user.is_active) return "active";
  return grant && !grant.previous_role ? "pending" : "disabled";
}

function lockedUntil(user) {
  return user.locked_until && new Date(user.locked_until) > new Date() ? user.locked_until : null;
}

function stateBadges(user, grant) {
  const state = accountState(user, grant);
  const badges = [badge(t(`account_${state}`), `account-${state}`, { "data-state": state })];
  const until = lockedUntil(user);
  if (until) badges.push(badge(t("account_locked_until", { time: fmtDateTime(until) }), "account-locked", { "data-state": "locked" }));
  if (grant?.previous_role) badges.push(badge(t("role_change_pending", { role: t(`role.${grant.role}`) }), "account-pending"));
  return badges;
}

// The one-click actions, each shown when it applies to the account.
const ACTIONS = [
  { key: "account_disable", path: "disable", applies: (user, state, self) => state === "active" && !self },
  { key: "account_enable", path: "enable", applies: (user, state) => state === "disabled" },
  { key: "account_unlock", path: "unlock", applies: (user) => Boolean(lockedUntil(user)) },
  { key: "account_revoke", path: "revoke-tokens", applies: () => true },
  { key: "account_mfa_reset", path: "mfa/reset", applies: (user) => Boolean(user.mfa_enrolled_at) },
];

/** POST /users/{username}/{path}, then say it was done (`done(result)`, or the action `key` done) and let every
 * security panel read afresh. */
async function change(user, path, key, { body, done } = {}) {
  const result = await api(`/users/${encodeURIComponent(user.username)}/${path}`, { method: "POST", body });
  toast(done ? done(result) : t("account_done", { username: user.username, action: t(key) }));
  emit("accounts_changed");
}

function showAccount(detail, user, grant) {
  openUsername = user.username;
  detail.hidden = false;
  detail.dataset.username = user.username;
  const self = user.username === store.me.username;
  const state = accountState(user, grant);
  const actions = el("div", { class: "row wrap", id: "account-actions" });
  for (const action of ACTIONS) {
    if (!action.applies(user, state, self)) continue;
    actions.append(actionButton(t(action.key), { id: `account-${action.path.replace("/", "-")}` }, () => change(user, action.path, action.key)));
  }
  detail.replaceChildren(el("h3", {}, `${user.username} · ${user.display_name} · ${t(`role.${user.role}`)}`));
  if (self) detail.append(el("p", { class: "muted" }, t("account_self")));
  const badges = el("p", { class: "account-badges" });
  badges.append(...stateBadges(user, grant));
  detail.append(badges, actions, passwordForm(user), roleForm(user, grant));
}

function passwordForm(user) {
  const password = el("input", { id: "account-password", type: "password", autocomplete: "new-password", maxlength: "256" });
  const wrap = el("div", { class: "row wrap account-form" });
  wrap.append(field("password_new", password), actionButton(t("account_password_reset"), { id: "account-password-reset" },
    () => change(user, "password", "account_password_reset", { body: { password: password.value } })));
  return wrap;
}

function roleForm(user, grant) {
  const role = select({ id: "account-role" }, choices(store.meta.roles, "role"));
  role.value = user.role;
  const reason = el("input", { id: "account-role-reason", maxlength: "1000" });
  const wrap = el("div", { class: "row wrap account-form" });
  const submit = actionButton(t("account_role_change"), { id: "account-role-change" }, () => change(user, "role", "account_role_change", {
    body: { role: role.value, reason: reason.value },
    done: (result) => t(result.grant ? "role_change_requested" : "role_changed"),
  }));
  if (grant) submit.disabled = true; // one request at a time: the pending one is decided first
  wrap.append(field("role", role), field("grant_reason", reason), submit);
  return wrap;
}

function createForm() {
  const form = el("form", { id: "account-create", class: "account-create", novalidate: "" });
  // every account belongs to a unit, its scope: the city bureau's works city-wide (the server refuses none)
  const orgUnits = [...store.bureaus.values(), ...store.districts.values(), ...store.stations.values()]
    .map((unit) => [unit.id, name(unit)]);
  const units = [...store.units.values()].sort((a, b) => a.call_sign.localeCompare(b.call_sign)).map((u) => [u.id, u.call_sign]);
  const controls = {
    username: el("input", { id: "new-username", autocomplete: "off", maxlength: "64", required: "" }),
    display_name: el("input", { id: "new-display-name", maxlength: "128" }),
    password: el("input", { id: "new-password", type: "password", autocomplete: "new-password", maxlength: "256", required: "" }),
    role: select({ id: "new-role", required: "" }, choices(store.meta.roles, "role"), { blank: "" }),
    org_unit_id: select({ id: "new-org-unit", required: "" }, orgUnits, { blank: t("org_unit_choose") }),
    unit_id: select({ id: "new-unit" }, units, { blank: t("none") }),
    reason: el("textarea", { id: "new-reason", rows: "2", maxlength: "1000" }),
  };
  const labels = { username: "username", display_name: "display_name", password: "password", role: "role",
    org_unit_id: "org_unit", unit_id: "unit", reason: "grant_reason" };
  const grid = el("div", { class: "filter-grid" });
  for (const [key, control] of Object.entries(controls)) grid.append(field(labels[key], control));
  const error = el("p", { class: "error", id: "account-create-error", role: "alert" });
  const submit = el("button", { type: "submit", class: "primary", id: "account-create-submit" }, t("create_account"));
  form.append(el("h3", {}, t("create_account")), el("p", { class: "muted" }, t("approval_roles", { roles: rolesHolding("personal_data") })),
    grid, error, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(Object.entries(controls).map(([key, control]) => [key, control.value.trim()]));
    for (const key of ["org_unit_id", "unit_id"]) body[key] = body[key] ? Number(body[key]) : null;
    body.password = controls.password.value; // every character counts
    submit.disabled = true;
    error.textContent = "";
    try {
      const user = await api("/users", { method: "POST", body });
      toast(t(user.is_active ? "account_created" : "account_created_pending", { username: user.username }));
      emit("accounts_changed");
    } catch (failure) {
      error.textContent = errorText(failure);
      submit.disabled = false;
    }
  });
  return form;
}
