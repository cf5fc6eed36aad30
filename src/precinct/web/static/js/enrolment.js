// Setting up the second factor: the server's QR code and secret, a code to confirm it, the recovery codes shown once.
import { api, setToken } from "./api.js";
import { onLangChange, t } from "./i18n.js";
import { button, el, errorText, field, svgFromServer } from "./ui.js";

const $ = (id) => document.getElementById(id);
// The step shown: enrolment is POST /auth/mfa/enrol's answer, codes the recovery codes once confirmed.
let state = null;

/** Whether the account must set up its second factor before it may use the console. */
export function needsEnrolment(me) {
  return me.token_scope === "mfa_enrolment" || (me.mfa_required && !me.mfa_enrolled_at);
}

export function initEnrolment() {
  onLangChange(() => {
    if (state && !$("enrol-screen").hidden) render();
  });
}

/** Show the set-up for the signed-in account `me`; `onDone` runs (with the new full token kept) once the codes are saved. */
export async function showEnrolment(me, { onDone, onLogOut }) {
  $("login-screen").hidden = true;
  $("app").hidden = true;
  $("enrol-screen").hidden = false;
  state = { me, onDone, onLogOut, enrolment: null, codes: null };
  const card = $("enrol-card");
  card.replaceChildren(el("h1", {}, t("mfa_setup_title")), el("p", {}, t("loading")));
  try {
    state.enrolment = await api("/auth/mfa/enrol", { method: "POST" });
    render();
  } catch (error) {
    card.append(el("p", { class: "error", role: "alert" }, errorText(error)), logOutButton());
  }
}

function render() {
  $("enrol-card").replaceChildren(...(state.codes ? recoveryStep() : secretStep()));
  document.body.dataset.screen = state.codes ? "recovery-codes" : "enrolment";
}

function logOutButton() {
  return button(t("log_out"), { class: "link", id: "enrol-log-out" }, () => state.onLogOut());
}

function secretStep() {
  const { secret, qr_svg: qrSvg } = state.enrolment;
  const qr = el("figure", { class: "enrol-qr", id: "enrol-qr" });
  qr.append(svgFromServer(qrSvg, t("mfa_qr_label")));
  const form = el("form", { id: "enrol-form", novalidate: "" });
  const code = el("input", { id: "enrol-code", inputmode: "numeric", pattern: "[0-9]{6}", maxlength: "6",
    autocomplete: "one-time-code", required: "" });
  const error = el("p", { class: "error", id: "enrol-error", role: "alert" });
  const submit = el("button", { type: "submit", class: "primary", id: "enrol-confirm" }, t("mfa_confirm"));
  form.append(field("mfa_confirm_code", code), error, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = "";
    try {
      const done = await api("/auth/mfa/confirm", { method: "POST", body: { code: code.value.replace(/\s/g, "") } });
      setToken(done.token.access_token); // the enrolment token has stopped working
      state.codes = done.recovery_codes;
      render();
    } catch (failure) {
      error.textContent = failure.status === 422 ? `${t("mfa_wrong_code")} (${failure.message})` : errorText(failure);
      submit.disabled = false;
      code.select();
    }
  });
  setTimeout(() => code.focus());
  return [
    el("h1", {}, t("mfa_setup_title")),
    el("p", {}, t("mfa_setup_intro", { role: t(`role.${state.me.role}`) })),
    qr,
    el("p", { class: "muted" }, t("mfa_secret_manual")),
    el("code", { class: "enrol-secret", id: "enrol-secret" }, secret.match(/.{1,4}/g).join(" ")),
    form,
    logOutButton(),
  ];
}

function recoveryStep() {
  const list = el("ol", { class: "recovery-codes", id: "recovery-codes" });
  for (const code of state.codes) list.append(el("li", {}, code));
  const saved = button(t("recovery_saved"), { class: "primary", id: "recovery-saved" }, () => {
    const { onDone } = state;
    state = null;
    document.body.dataset.screen = "";
    onDone();
  });
  setTimeout(() => saved.focus());
  return [el("h1", {}, t("recovery_title")), el("p", { class: "ok" }, t("mfa_enrolled")), el("p", {}, t("recovery_codes_intro")), list, saved];
}
