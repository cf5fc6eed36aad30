// Shared state of the console: reference data, open incidents and units, kept live by stream.js.

export const store = {
  me: null,
  types: new Map(), // code -> type
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

export const OPEN_STATUSES = ["received", "dispatched", "en_route", "on_scene"];

export function isOpen(incident) {
  return OPEN_STATUSES.includes(incident.status);
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

export const ROLES = {
  intake: ["call_taker", "dispatcher", "patrol_officer", "supervisor", "admin"],
  dispatch: ["dispatcher", "supervisor", "admin"],
  fieldStatus: ["dispatcher", "patrol_officer", "supervisor", "admin"],
  personalData: ["call_taker", "dispatcher", "patrol_officer", "supervisor"],
  readIncidents: ["call_taker", "dispatcher", "patrol_officer", "analyst", "supervisor", "admin"],
  dutyLevels: ["supervisor", "admin"],
  intakeDesk: ["call_taker", "dispatcher", "supervisor", "admin"], // duplicates, recommendations, hand-offs
  analysis: ["analyst", "supervisor", "admin"],
};

export function can(what) {
  return Boolean(store.me && ROLES[what].includes(store.me.role));
}

export function typeName(code, nameOf) {
  const type = store.types.get(code);
  return type ? nameOf(type) : code;
}
