// The platform API: bearer token, Accept-Language, one error shape.
import { lang } from "./i18n.js";

const TOKEN_KEY = "precinct.token";
export const API = "/api/v1";

export class ApiError extends Error {
  constructor(status, body, headers) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || "error";
    this.title = error.title || "";
    this.fields = error.fields || [];
    this.retryAfterS = Number(headers?.get("Retry-After")) || null; // 429: seconds to wait
  }

  /** A 404 or 405 for a whole route: the endpoint is not there (yet). */
  get missingEndpoint() {
    // A missing route answers 404 "Not Found"; a missing record answers 404 with its own message.
    return this.status === 405 || (this.status === 404 && this.message === "Not Found");
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

let onUnauthorised = () => {};
export function whenUnauthorised(fn) {
  onUnauthorised = fn;
}

function queryString(query) {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Call the API; returns parsed JSON, or null for 204. Throws ApiError.
 * A 401 ends the session (whenUnauthorised) unless `keepSession`: then the caller reads it (a wrong current password). */
export async function api(path, { method = "GET", body, form, query, signal, keepSession = false } = {}) {
  const headers = { Accept: "application/json", "Accept-Language": lang() };
  const current = token();
  if (current) headers.Authorization = `Bearer ${current}`;
  let payload;
  if (form) {
    payload = new URLSearchParams(form);
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(API + path + queryString(query), { method, headers, body: payload, signal });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data, response.headers);
    if (response.status === 401 && !keepSession && !path.startsWith("/auth/token")) onUnauthorised(error);
    throw error;
  }
  return data;
}

/** For endpoints that may not exist yet: {available: false} on 404/405, else {available: true, data}. */
export async function optional(path, options) {
  try {
    return { available: true, data: await api(path, options) };
  } catch (error) {
    if (error instanceof ApiError && error.missingEndpoint) return { available: false, data: null };
    throw error;
  }
}

/** Every page of a paged list (items/total/page/page_size), up to maxItems. */
export async function allPages(path, query = {}, { pageSize = 500, maxItems = 20000 } = {}) {
  const items = [];
  for (let page = 1; ; page += 1) {
    const data = await api(path, { query: { ...query, page, page_size: pageSize } });
    items.push(...data.items);
    if (items.length >= data.total || data.items.length === 0 || items.length >= maxItems) {
      return { items, total: data.total };
    }
  }
}

/** Log in; `factor` is {} or the second factor, {otp} or {recovery_code}. Keeps the token; returns TokenRead (with its scope). */
export async function logIn(username, password, factor = {}) {
  const data = await api("/auth/token", { method: "POST", form: { username, password, ...factor } });
  setToken(data.access_token);
  return data;
}
