// The log-in screen: user name and password, then the second factor (authenticator or recovery code) where the role needs one.
import { logIn } from "./api.js";
import { fmtNumber, t } from "./i18n.js";
import { errorText } from "./ui.js";

const $ = (id) => document.getElementById(id);
const INPUTS = { otp: "login-otp", recovery_code: "login-recovery" };
let factor = null; // null: the password step; "otp" or "recovery_code": the second factor the server asked for
let signedIn = async () => {};

/** Wire the form; `onSignedIn` runs once a token is kept (it boots the console). */
export function initLogin(onSignedIn) {
  signedIn = onSignedIn;
  $("login-form").addEventListener("submit", submit);
  $("login-factor-switch").addEventListener("click", () => ask(factor === "otp" ? "recovery_code" : "otp"));
  $("login-restart").addEventListener("click", () => showLogin());
}

/** Show the log-in screen at its first step, with an error or (kind "note") a notice. */
export function showLogin(message = "", kind = "error") {
  $("app").hidden = true;
  $("enrol-screen").hidden = true;
  $("login-screen").hidden = false;
  ask(null);
  $("login-error").textContent = kind === "error" ? message : "";
  $("login-note").textContent = kind === "note" ? message : "";
  $("login-note").hidden = kind !== "note" || !message;
  $("login-username").focus();
}

/** Switch between the password step (null) and a second factor, keeping the user name and password. */
function ask(kind) {
  factor = kind;
  $("login-password-step").hidden = kind !== null;
  $("login-code-step").hidden = kind === null;
  $("login-otp-field").hidden = kind !== "otp";
  $("login-recovery-field").hidden = kind !== "recovery_code";
  setText($("login-code-intro"), kind === "recovery_code" ? "login_recovery_intro" : "mfa_intro");
  setText($("login-factor-switch"), kind === "recovery_code" ? "use_authenticator" : "use_recovery_code");
  $("login-error").textContent = "";
  for (const id of Object.values(INPUTS)) $(id).value = "";
  if (kind) $(INPUTS[kind]).focus();
}

/** A static text that follows the language switch (data-i18n). */
function setText(node, key) {
  node.dataset.i18n = key;
  node.textContent = t(key);
}

/** The second factor to send ({} at the password step), or null for a code that is not six digits. */
function secondFactor() {
  if (!factor) return {};
  const value = $(INPUTS[factor]).value.replace(/\s/g, "");
  if (factor === "otp" && !/^\d{6}$/.test(value)) return null;
  return { [factor]: value };
}

function refusal(error) {
  if (error.code === "too_many_attempts") return t("login_wait", { s: fmtNumber(error.retryAfterS ?? 1) });
  if (error.code === "account_locked") return `${t("login_locked")} (${error.message})`;
  if (error.code === "authentication_failed" && factor) return t(factor === "otp" ? "mfa_wrong_code" : "recovery_wrong_code");
  return errorText(error);
}

async function submit(event) {
  event.preventDefault();
  const given = secondFactor();
  if (!given) {
    $("login-error").textContent = t("mfa_code_format");
    $(INPUTS.otp).focus();
    return;
  }
  const button = $("login-submit");
  button.disabled = true;
  $("login-error").textContent = "";
  let waitS = 0;
  try {
    await logIn($("login-username").value.trim(), $("login-password").value, given);
    $("login-password").value = "";
    ask(null);
    await signedIn();
  } catch (error) {
    if (error.code === "mfa_required") {
      ask("otp");
    } else {
      $("login-error").textContent = refusal(error);
      if (factor) $(INPUTS[factor]).select();
      waitS = error.retryAfterS || 0;
    }
  } finally {
    setTimeout(() => { button.disabled = false; }, waitS * 1000);
  }
}
