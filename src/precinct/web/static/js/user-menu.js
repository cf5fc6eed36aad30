// The top bar's user menu: who is signed in, the own password (every session ends: log in again), log out.
import { api } from "./api.js";
import { onLangChange, t } from "./i18n.js";
import { store } from "./store.js";
import { errorText } from "./ui.js";

const $ = (id) => document.getElementById(id);

/** Wire the menu; `logOut(message, kind)` ends the session and shows the log-in screen with the message. */
export function initUserMenu(logOut) {
  $("who").addEventListener("click", () => openMenu($("user-menu").hidden));
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".user-menu")) openMenu(false);
  });
  $("user-menu").addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    openMenu(false);
    $("who").focus();
  });
  $("logout").addEventListener("click", () => logOut());
  $("change-password").addEventListener("click", openPasswordDialog);
  $("password-cancel").addEventListener("click", () => $("password-dialog").close());
  $("password-form").addEventListener("submit", (event) => changePassword(event, logOut));
  onLangChange(() => {
    if (store.me) renderWho();
  });
}

export function renderWho() {
  $("who").textContent = `${store.me.display_name || store.me.username} · ${t(`role.${store.me.role}`)}`;
}

function openMenu(open) {
  $("user-menu").hidden = !open;
  $("who").setAttribute("aria-expanded", String(open));
  if (open) $("user-menu").querySelector("button").focus();
}

function openPasswordDialog() {
  openMenu(false);
  $("password-form").reset();
  $("password-error").textContent = "";
  $("password-dialog").showModal();
  $("password-current").focus();
}

async function changePassword(event, logOut) {
  event.preventDefault();
  const [current, next, repeat] = ["password-current", "password-new", "password-repeat"].map((id) => $(id).value);
  const error = $("password-error");
  if (next !== repeat) {
    error.textContent = t("password_mismatch");
    $("password-repeat").focus();
    return;
  }
  const submit = $("password-submit");
  submit.disabled = true;
  error.textContent = "";
  try {
    // A wrong current password answers 401: it is this form's to show, not the end of the session.
    await api("/auth/password", { method: "POST", body: { current_password: current, new_password: next }, keepSession: true });
    logOut(t("password_changed"), "note");
  } catch (failure) {
    error.textContent = failure.code === "authentication_failed" ? t("password_current_wrong") : errorText(failure);
    submit.disabled = false;
  }
}
