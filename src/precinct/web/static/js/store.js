// Shared state: the account, the server's tables (GET /meta), reference data, live incidents and units.
import { fmtList, name, t } from "./i18n.js";

export const store = {
  me: null, // GET /auth/me, with the role's permissions
  meta: null, // GET /meta: permissions, status machines, code lists, local_timezone
  types: new Map(), // code -> type
  bureaus: new Map(), // id -> org unit of the city tier
  districts: new Map(), // id -> org unit
  stations: new Map(),
  incidents: new Map(), // id -> IncidentRead (open ones, plus any the user opened)
  units: new Map(), // id -> UnitRead
};

const listeners = new Map();

export function on(event, fn) {
  if (!listeners.has(event)) listeners.set(event, new Set());
  listeners.get(event).add(fn);
}

export function emit(event, payload) {
  for (const fn of listeners.get(event) || []) {
    try {
      fn(payload);
    } catch (error) {
      console.error(`listener for ${event} failed`, error);
    }
  }
}

/** The open (not final) incident statuses, from the server's incident status machine. */
export function openStatuses() {
  return store.meta.incident.open;
}

export function isOpen(incident) {
  return openStatuses().includes(incident.status);
}

/** Not yet dispatched: the incident status machine can still move it to "dispatched" (by assigning a unit). */
export function awaitingDispatch(incident) {
  return (store.meta.incident.transitions[incident.status] || []).includes("dispatched");
}

/** The statuses a user may move a record to from `status`, by the server's "incident" or "unit" machine. */
export function manualMoves(machineName, status) {
  const machine = store.meta[machineName];
  return (machine.transitions[status] || []).filter((target) => machine.manual_targets.includes(target));
}

/** Put a fresh incident into the store (ignoring stale versions) and tell the listeners. */
export function upsertIncident(incident) {
  const known = store.incidents.get(incident.id);
  if (known && known.version > incident.version) return;
  store.incidents.set(incident.id, incident);
  emit("incident", incident);
}

export function upsertUnit(unit) {
  store.units.set(unit.id, unit);
  emit("unit", unit);
}

/** The tier the account works at: "station", "district", or "city" (a city bureau's account). */
export function myTier() {
  const unit = store.me?.org_unit_id;
  if (unit == null) return "city";
  if (store.stations.has(unit)) return "station";
  return store.districts.has(unit) ? "district" : "city";
}

/** Whether the account's role holds a permission, by its name in the server's table (GET /meta). */
export function can(permission) {
  return Boolean(store.me?.permissions?.includes(permission));
}

/** The roles that hold a permission, named in the chosen language ("值班领导和管理员"). */
export function rolesHolding(permission) {
  const holders = store.meta.permissions[permission] || [];
  return fmtList(store.meta.roles.filter((role) => holders.includes(role)).map((role) => t(`role.${role}`)));
}

export function typeName(code) {
  const type = store.types.get(code);
  return type ? name(type) : code;
}

/** "#12 盗窃": an incident's number and type. */
export function incidentTitle(incident) {
  return `#${incident.id} ${typeName(incident.type_code)}`;
}

/** The numeral of a duty level ("I" .. "IV"), from the server's table. */
export function dutyNumeral(level) {
  return store.meta.duty_levels.find((spec) => spec.level === level)?.numeral || String(level);
}
