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
// choose(lon, lat) puts the call's scene there. ArrowDown/ArrowUp highlight a match (aria-activedescendant),
// Enter takes the highlighted one only: never a match of an earlier query, and never on Ctrl/Cmd+Enter, which
// submits the form (hotkeys.js) with the scene as it is.
export function attachAddressSearch(input, { centre, choose }) {
  const list = el("ul", { id: "address-matches", class: "address-matches", role: "listbox", "aria-label": ta("address_matches") });
  const place = el("div", { id: "address-place", class: "address-place", "aria-live": "polite" });
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-controls", "address-matches");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.after(list, place);
  let timer = null;
  let request = 0;
  let matches = []; // the matches of the query now in the input, [] while its answer is awaited
  let active = -1; // the highlighted match

  const highlight = (index) => {
    active = index;
    list.querySelectorAll(".address-match").forEach((item, i) => {
      item.setAttribute("aria-selected", String(i === index));
      item.classList.toggle("active", i === index);
      item.style.background = i === index ? "#eef3fb" : "";
    });
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", `address-match-${index}`);
      list.children[index]?.scrollIntoView?.({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const close = () => {
    matches = [];
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    highlight(-1);
  };

  const pickMatch = (match) => {
    input.value = match.text;
    close();
    showPlace(place, { address: match });
    choose(match.lon, match.lat);
  };

  const show = (items) => {
    list.removeAttribute("aria-busy");
    list.replaceChildren(...items);
    input.setAttribute("aria-expanded", String(items.length > 0));
    highlight(-1);
  };

  const search = async () => {
    const q = input.value.trim();
    const mine = ++request;
    if (!q) {
      close();
      return;
    }
    const query = { q, limit: 8 };
    const c = centre();
    if (c) Object.assign(query, { lon: c.lon.toFixed(6), lat: c.lat.toFixed(6) });
    try {
      const page = await api("/addresses/search", { query });
      if (mine !== request) return;
      matches = page.items;
      show(matches.length ? matches.map((match, i) => {
        const item = el("li", { role: "option", id: `address-match-${i}`, class: "address-match", tabindex: "-1",
          "aria-selected": "false" });
        item.append(el("span", {}, matchLabel(match)),
          el("small", {}, ` ${unitName(match.jurisdiction, "station")} ${distanceText(match.distance_m)}`));
        if (match.generated) item.append(el("em", { class: "generated" }, ` (${ta("address_generated")})`));
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          pickMatch(match);
        });
        return item;
      }) : [el("li", { class: "hint" }, ta("address_none"))]);
    } catch {
      if (mine === request) show([el("li", { class: "error" }, ta("address_failed"))]);
    }
  };

  input.addEventListener("input", () => {
    // A new query: the shown matches are an earlier query's until its answer comes; the keys take none of them
    // (a click still takes the one clicked: what is seen).
    matches = [];
    highlight(-1);
    if (list.children.length) list.setAttribute("aria-busy", "true");
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      if (event.ctrlKey || event.metaKey) return; // submits the call (hotkeys.js): the scene stays as chosen
      if (active >= 0 && matches[active]) {
        event.preventDefault();
        pickMatch(matches[active]);
      } else if (list.querySelector(".address-match")) {
        event.preventDefault(); // the list is open: Enter alone neither submits nor guesses a match
      }
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && matches.length) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(active < 0 ? (step > 0 ? 0 : matches.length - 1) : (active + step + matches.length) % matches.length);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
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
