// A form's refusals in words: the server's message (said in two languages) in the console's language, each field it
// names by the form's own label for it, shown in a line beside the form that screen readers hear.
import { ApiError } from "./api.js";
import { lang, t } from "./i18n.js";
import { el, errorText } from "./ui.js";

/** A message line for a form's refusals, read out when it changes. */
export function alertLine(id) {
  return el("p", { class: "error", id, role: "alert" });
}

/** One language's half of a server message said in both ("中文 / English"); the whole of any other. */
export function oneLanguage(message) {
  const split = [...message.matchAll(/ \/ (?=[A-Za-z])/g)].map((m) => m.index).find((at) => /[\u3400-\u9fff]/.test(message.slice(0, at)));
  if (split === undefined) return message;
  return lang() === "en" ? message.slice(split + 3) : message.slice(0, split);
}

/** A refusal in words, in the console's language: each request field the server named, by its label
 * (`labels`: field -> label), with the server's reason; otherwise the server's own message. */
export function refusalText(error, labels = {}) {
  if (!(error instanceof ApiError)) return errorText(error);
  const label = (field) => labels[field] || labels[field.split(".").pop()] || t("field_other");
  if (error.fields.length) {
    // Each field by its label with the server's reason (a schema's or a rule's, both said in two languages).
    const said = error.fields.map((f) => {
      let reason = oneLanguage(f.reason || "");
      const prefix = /^([\w.]+): /.exec(reason);
      if (prefix) reason = reason.slice(prefix[0].length);
      return reason ? `${label(f.field)}: ${reason}` : label(f.field);
    });
    return `${error.title}: ${said.length > 1 ? said.join("; ") : said[0]}`;
  }
  let message = oneLanguage(error.message);
  const named = /^([\w.]+): /.exec(message);
  if (named) message = `${label(named[1])}: ${message.slice(named[0].length)}`;
  return `${error.title || t("error")}: ${message}`;
}

/** Run `action`, or show its refusal (the server's message in the console's language) in `line`. */
export async function tryOrSay(line, action, labels = {}) {
  line.textContent = "";
  try {
    await action();
  } catch (error) {
    line.textContent = refusalText(error, labels);
  }
}
