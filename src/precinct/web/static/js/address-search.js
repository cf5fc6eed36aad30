// Standard addresses in the intake form: search as you type, choose a match, reverse-geocode a map click.
// The chosen address, its station (辖区) and beat (警务区) show before the call is stored.
import { api } from "./api.js";
import { lang } from "./i18n.js";
import { el } from "./ui.js";

const TEXTS = {
  address_matches: ["匹配的标准地址", "Matching standard addresses"],
  address_none: ["没有匹配的标准地址", "No matching standard address"],
  address_station: ["辖区派出所", "Station"],
  address_beat: ["警务区", "Beat"],
  address_none_nearby: ["附近没有登记地址", "No registered address nearby"],
  address_road: ["最近道路", "Nearest road"],
  address_generated: ["生成", "generated"],
  address_failed: ["地址查询失败", "Address lookup failed"],
};
const DEBOUNCE_MS = 120;

function ta(key) {
  const entry = TEXTS[key];
  return lang() === "en" ? entry[1] : entry[0];
}

function unitName(jurisdiction, kind) {
  const value = jurisdiction[`${kind}_name_${lang() === "en" ? "en" : "zh"}`];
  return value || "—";
}

function distanceText(metres) {
  if (metres === null || metres === undefined) return "";
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
}

function matchLabel(match) {
  const text = lang() === "en" && match.text_en ? match.text_en : match.text;
  return text;
}

// Show where the call is: the address (or the road), its station and beat.
export function showPlace(box, { address, jurisdiction, road }) {
  if (!box) return;
  const rows = [];
  if (address) rows.push(el("strong", { class: "address-text" }, matchLabel(address)));
  else rows.push(el("span", { class: "hint" }, ta("address_none_nearby")));
  if (road && !address) rows.push(el("span", {}, `${ta("address_road")}: ${road.name || road.highway} (${distanceText(road.distance_m)})`));
  const where = jurisdiction || (address && address.jurisdiction);
  if (where) {
    rows.push(el("span", { class: "address-station" }, `${ta("address_station")}: ${unitName(where, "station")}`));
    rows.push(el("span", { class: "address-beat" }, `${ta("address_beat")}: ${unitName(where, "beat")}`));
  }
  box.replaceChildren(...rows);
}

// Attach search as you type to the address input. centre() gives the map's centre ({lon, lat}) or null;
// choose(lon, lat) puts the call's scene there.
export function attachAddressSearch(input, { centre, choose }) {
  const list = el("ul", { id: "address-matches", class: "address-matches", role: "listbox", "aria-label": ta("address_matches") });
  const place = el("div", { id: "address-place", class: "address-place", "aria-live": "polite" });
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-controls", "address-matches");
  input.setAttribute("aria-autocomplete", "list");
  input.after(list, place);
  let timer = null;
  let request = 0;
  let matches = [];

  const pickMatch = (match) => {
    input.value = match.text;
    list.replaceChildren();
    showPlace(place, { address: match });
    choose(match.lon, match.lat);
  };

  const search = async () => {
    const q = input.value.trim();
    const mine = ++request;
    if (!q) {
      list.replaceChildren();
      return;
    }
    const query = { q, limit: 8 };
    const c = centre();
    if (c) Object.assign(query, { lon: c.lon.toFixed(6), lat: c.lat.toFixed(6) });
    try {
      const page = await api("/addresses/search", { query });
      if (mine !== request) return;
      matches = page.items;
      list.replaceChildren(...(matches.length ? matches.map((match, i) => {
        const item = el("li", { role: "option", id: `address-match-${i}`, class: "address-match", tabindex: "-1" });
        item.append(el("span", {}, matchLabel(match)),
          el("small", {}, ` ${unitName(match.jurisdiction, "station")} ${distanceText(match.distance_m)}`));
        if (match.generated) item.append(el("em", { class: "generated" }, ` (${ta("address_generated")})`));
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          pickMatch(match);
        });
        return item;
      }) : [el("li", { class: "hint" }, ta("address_none"))]));
    } catch {
      if (mine === request) list.replaceChildren(el("li", { class: "error" }, ta("address_failed")));
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && matches.length && list.querySelector(".address-match")) {
      event.preventDefault();
      pickMatch(matches[0]);
    } else if (event.key === "Escape") {
      list.replaceChildren();
    }
  });
  input.addEventListener("blur", () => setTimeout(() => list.replaceChildren(), 150));
  return place;
}

// What is at a map click: fill the address if the call taker has typed none, show station and beat.
export async function reverseGeocode(lon, lat) {
  const input = document.getElementById("call-address");
  const place = document.getElementById("address-place");
  try {
    const found = await api("/addresses/reverse", { query: { lon: lon.toFixed(6), lat: lat.toFixed(6) } });
    if (input && !input.value && found.address) input.value = found.address.text;
    showPlace(place, found);
  } catch {
    if (place) place.replaceChildren(el("span", { class: "error" }, ta("address_failed")));
  }
}
