// The event log and the drill replay in words, in the chosen language (not raw codes such as "assigned").
import { fmtDateTime, known, pair, t } from "./i18n.js";
import { store, typeName } from "./store.js";

const statusName = (code) => (code ? t(`status.${code}`) : "—");
const unitStatusName = (code) => (code ? t(`unit.${code}`) : "—");

function fieldValue(key, value) {
  if (key === "type_code") return typeName(value);
  if (key === "priority") return t("priority_n", { n: value });
  return `“${String(value ?? "").slice(0, 60)}”`;
}

function changesText(changes) {
  return Object.entries(changes || {}).map(([key, change]) =>
    `${t(`field.${key}`)} ${fieldValue(key, change.from)} → ${fieldValue(key, change.to)}`).join(t("list_separator"));
}

/** The closing (or transfer) note of a status event in words: a duplicate's original, else the note as written. */
export function closingNote(event) {
  const data = event.data || {};
  if (data.duplicate_of) return t("closing.duplicate_of", { id: data.duplicate_of });
  return data.note || "";
}

/** One incident event as a sentence: what happened (with its unit, statuses, reason), without the time. */
export function eventText(event) {
  const data = event.data || {};
  const unit = data.call_sign || (data.unit_id && store.units.get(data.unit_id)?.call_sign) || (data.unit_id ? `#${data.unit_id}` : "");
  switch (event.kind) {
    case "created": return t("event.created");
    case "assigned": return t("event.assigned", { unit });
    case "acknowledged": return t("event.acknowledged", { unit });
    case "status": {
      let text = t("event.status", { from: statusName(event.from_status), to: statusName(event.to_status) });
      if (data.disposition) text += ` · ${t(`disposition.${data.disposition}`)}`;
      if (data.agency) text += ` · ${t(`agency.${data.agency}`)}`;
      if (unit) text += ` (${unit})`;
      if (data.reason === "last_unit_cleared") text += ` · ${t("event.back_to_queue")}`;
      const note = closingNote(event);
      if (note) text += ` · ${t("closing_note")}: ${note}`;
      return text;
    }
    case "escalated": return t("event.escalated", { text: data.zh || data.en ? pair(data) : data.reason || "" });
    case "deadline_breached": return t("event.deadline_breached", { stage: t(`stage.${data.stage}`) });
    case "edited": return t("event.edited", { changes: changesText(data.changes) });
    case "reopened": return t("event.reopened", { reason: data.reason || "" });
    case "duplicate_attached": return t("event.duplicate_attached", { id: data.duplicate_id });
    case "joint_handling": return t("event.joint_handling", { agency: t(`agency.${data.agency}`) });
    default:
      return known(`event.${event.kind}`) ? t(`event.${event.kind}`) : t("event_other", { kind: event.kind });
  }
}

/** "10:02:03 · dispatcher · 派出警力 W-1". */
export function eventLine(event) {
  return `${fmtDateTime(event.at)} · ${event.actor} · ${eventText(event)}`;
}

/** One step of a drill's replay in words: "第 2 步 · 盗窃 #41 · 派出警力 W-1". */
export function replayText(event) {
  const unit = event.call_sign || (event.unit_id ? `#${event.unit_id}` : "");
  let text;
  if (event.kind.startsWith("incident.")) {
    text = eventText({ ...event, kind: event.kind.slice("incident.".length) });
  } else if (event.kind === "unit.status") {
    text = t("drill.unit.status", { unit, from: unitStatusName(event.from_status), to: unitStatusName(event.to_status) });
  } else {
    text = known(`drill.${event.kind}`) ? t(`drill.${event.kind}`, { unit }) : event.kind;
  }
  const who = event.actor && !event.kind.startsWith("assignment.") ? ` · ${event.actor}` : "";
  return `${fmtDateTime(event.at)} · ${t("drill_step")} ${(event.step ?? 0) + 1} · #${event.incident_id ?? ""} ${text}${who}`;
}
