// The console's UI kit: the small DOM helpers every view and panel builds with.
import { ApiError } from "./api.js";
import { t } from "./i18n.js";

/** An element with attributes (set as attributes, so `data-*`, `aria-*` and `for` work) and optional text. */
export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Text made safe for the HTML of map tooltips and icons. */
export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** A short message in the top bar's toast box; kind "error" colours it. */
export function toast(message, kind = "info") {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.dataset.kind = kind;
  box.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("show"), 5000);
}

/** An error as the user reads it: the API's title and message, in the chosen language. */
export function errorText(error) {
  if (error instanceof ApiError) return `${error.title || t("error")}: ${error.message}`;
  return `${t("error")}: ${error.message || error}`;
}

export function button(text, attrs = {}, onClick) {
  const node = el("button", { type: "button", ...attrs }, text);
  if (onClick) node.addEventListener("click", onClick);
  return node;
}

/** A badge; kind is a CSS suffix: p1–p4 (priority), status, sim. */
export function badge(text, kind, extra = {}) {
  return el("span", { class: `badge badge-${kind}`, ...extra }, text);
}

/** The priority and status badges of an incident. */
export function incidentBadges(incident, statusAttrs = {}) {
  return [badge(t("priority_n", { n: incident.priority }), `p${incident.priority}`),
    badge(t(`status.${incident.status}`), "status", { "data-status": incident.status, ...statusAttrs })];
}

/** A titled section of a card (h3). */
export function section(titleKey, id) {
  const box = el("section", { class: "card-section", id });
  box.append(el("h3", {}, t(titleKey)));
  return box;
}

/** A labelled form control. */
export function field(labelKey, control, id = control.id) {
  const wrap = el("div", { class: "field" });
  wrap.append(el("label", { for: id }, t(labelKey)), control);
  return wrap;
}

/** A select from [value, label] pairs, with a first empty-valued option when `blank` is given. */
export function select(attrs, entries, { blank } = {}) {
  const node = el("select", attrs);
  if (blank !== undefined) node.append(el("option", { value: "" }, blank));
  for (const [value, label] of entries) node.append(el("option", { value: String(value) }, label));
  return node;
}

/** [code, translated name] pairs for a code list: choices(meta.dispositions, "disposition"). */
export function choices(codes, keyPrefix) {
  return codes.map((code) => [code, t(`${keyPrefix}.${code}`)]);
}

/** A button that runs an async action: disabled while it runs, its error shown in the toast. */
export function actionButton(text, attrs, action) {
  const node = button(text, attrs, async () => {
    node.disabled = true;
    try {
      await action();
    } catch (error) {
      toast(errorText(error), "error");
    } finally {
      node.disabled = false;
    }
  });
  return node;
}

/** A button that asks before it acts: the first click shows "Confirm" and "Cancel" (with `questionKey`'s text)
 * in its place; only Confirm runs `action`. For closing and transferring an incident. */
export function confirmButton(text, attrs, questionKey, action) {
  const node = button(text, attrs, () => {
    const ask = el("span", { class: "confirm-ask", role: "group" });
    const yes = button(t("confirm"), { id: `${attrs.id || "action"}-confirm`, class: "danger confirm-yes" }, () => {
      ask.replaceWith(node);
      action();
    });
    const no = button(t("cancel_action"), { class: "confirm-no" }, () => ask.replaceWith(node));
    ask.append(el("span", { class: "confirm-question" }, t(questionKey)), yes, no);
    node.replaceWith(ask);
    yes.focus();
  });
  return node;
}

/** A table with a header row of translated column names (an empty key: an empty header); rows go to its tBodies[0]. */
export function dataTable(attrs, headKeys) {
  const table = el("table", { class: "data", ...attrs });
  const head = el("tr");
  for (const key of headKeys) head.append(el("th", { scope: "col" }, key ? t(key) : ""));
  table.append(el("thead"), el("tbody"));
  table.tHead.append(head);
  return table;
}

/** A table row; each cell is text (inserted as text) or a node, or a list of them. */
export function tableRow(attrs, cells) {
  const row = el("tr", attrs);
  for (const cell of cells) {
    const td = el("td");
    td.append(...[cell ?? ""].flat());
    row.append(td);
  }
  return row;
}

const SVG_NS = "http://www.w3.org/2000/svg";
const SVG_ALLOWED = { svg: ["width", "height", "viewBox", "class"], g: ["transform", "class"],
  path: ["d", "transform", "stroke", "stroke-width", "fill", "class"], rect: ["x", "y", "width", "height", "fill", "class"] };

/** A drawing from the server's SVG (a QR code), rebuilt from allowed elements and attributes only:
 * no script, link, style or event handler can come through, whatever the markup holds. */
export function svgFromServer(markup, label) {
  const copy = (node) => {
    const attrs = SVG_ALLOWED[node.localName];
    if (!attrs) return null;
    const out = document.createElementNS(SVG_NS, node.localName);
    for (const attr of attrs) if (node.hasAttribute(attr)) out.setAttribute(attr, node.getAttribute(attr));
    for (const child of node.children) {
      const kept = copy(child);
      if (kept) out.append(kept);
    }
    return out;
  };
  const parsed = new DOMParser().parseFromString(markup, "text/html").querySelector("svg"); // scripts never run here
  const svg = parsed ? copy(parsed) : null;
  if (!svg) return el("p", { class: "error" }, t("error"));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  return svg;
}
