// The dashboard's state lives in the URL's query string, so that a view can be shared.

export const LAYERS = ["choropleth", "h3", "hotspots", "points"];
export const METRICS = ["net", "volume"];
export const VIEWS = ["map", "places"];

export const DEFAULTS = Object.freeze({
  view: "map",
  brand: "",
  vs: "", // competitor slugs, comma-separated; empty: every competitor
  layer: "choropleth",
  level: "fr-region",
  metric: "net",
  from: "", // YYYY-MM-DD, inclusive
  to: "", // YYYY-MM-DD, inclusive
  source: "",
  lang: "",
  sel: "", // "fr-region:11", "h3:<cell>" or "place:<external id>"
  at: "", // "zoom/lat/lon"
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function oneOf(value, allowed, fallback) {
  return allowed.includes(value) ? value : fallback;
}

export function readState(search, config) {
  const params = new URLSearchParams(search);
  const state = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    if (params.has(key)) state[key] = params.get(key).trim();
  }
  state.view = oneOf(state.view, VIEWS, DEFAULTS.view);
  state.layer = oneOf(state.layer, LAYERS, DEFAULTS.layer);
  state.metric = oneOf(state.metric, METRICS, DEFAULTS.metric);
  const levels = config.levels.map((level) => level.name);
  state.level = oneOf(state.level, levels, levels[0] || DEFAULTS.level);
  state.source = oneOf(state.source, config.sources.map((s) => s.value), "");
  state.lang = oneOf(state.lang, config.languages.map((l) => l.value), "");
  if (!DATE.test(state.from)) state.from = "";
  if (!DATE.test(state.to)) state.to = "";
  if (state.from && state.to && state.from > state.to) state.to = "";
  return state;
}

export function stateQuery(state) {
  const params = new URLSearchParams();
  for (const [key, fallback] of Object.entries(DEFAULTS)) {
    if (state[key] && state[key] !== fallback) params.set(key, state[key]);
  }
  return params.toString();
}

export function writeUrl(state) {
  const query = stateQuery(state);
  const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
  if (url !== `${window.location.pathname}${window.location.search}`) {
    window.history.replaceState(null, "", url);
  }
}

export function nextDay(date) {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

// The insights API's filter parameters for the state: dates become [from, to) instants.
export function apiFilters(state, { dates = true } = {}) {
  const params = { brand: state.brand, source: state.source, lang: state.lang };
  if (dates && state.from) params.from = `${state.from}T00:00:00Z`;
  if (dates && state.to) params.to = `${nextDay(state.to)}T00:00:00Z`;
  return params;
}

export function competitorsOf(state, brands) {
  const brand = brands.find((b) => b.slug === state.brand);
  const all = brand ? brand.competitors : [];
  const chosen = state.vs ? state.vs.split(",").filter((slug) => all.includes(slug)) : all;
  return chosen;
}

export function formatAt(map) {
  const { lng, lat } = map.getCenter();
  return `${map.getZoom().toFixed(2)}/${lat.toFixed(4)}/${lng.toFixed(4)}`;
}

export function parseAt(at) {
  const parts = (at || "").split("/").map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [zoom, lat, lng] = parts;
  if (zoom < 0 || zoom > 22 || Math.abs(lat) > 85 || Math.abs(lng) > 180) return null;
  return { zoom, center: [lng, lat] };
}
