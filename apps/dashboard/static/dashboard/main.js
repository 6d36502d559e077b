// The dashboard: a reference client of the public insights API. The state lives in the URL.
import { Api, isAbort } from "./api.js";
import { Controls } from "./controls.js";
import { renderDetails, renderPoint } from "./details.js";
import { h } from "./format.js";
import { HexagonMode } from "./hexagons.js";
import { renderLegend } from "./legend.js";
import { createMap } from "./map.js";
import { AreasMode, PointsMode } from "./modes.js";
import { PlacesMode } from "./places.js";
import { formatAt, readState, writeUrl } from "./state.js";
import { Timeline } from "./timeline.js";

const PLACES_RADIUS_M = 500;
const PHONE = window.matchMedia("(max-width: 760px)");
const MAP_KEYS = ["brand", "source", "lang", "from", "to", "layer", "level", "metric", "view"];
const DETAIL_KEYS = ["brand", "vs", "source", "lang", "from", "to"];

const config = JSON.parse(document.getElementById("dashboard-config").textContent);
const api = new Api(config.api);
const tasks = new Set();
const $ = (id) => document.getElementById(id);
let state = readState(window.location.search, config);
let brands = [];
let controls = null;
let timeline = null;
let map = null;
let mode = null;

function toast(message) {
  const box = $("toast");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

function report(error) {
  if (error && !isAbort(error)) toast(error.message || String(error));
}

// Every asynchronous step is tracked, so that `settled()` knows when the page is at rest.
function track(promise) {
  const tracked = Promise.resolve(promise).catch(report).finally(() => tasks.delete(tracked));
  tasks.add(tracked);
  return tracked;
}

const ctx = {
  api,
  config,
  placesRadius: PLACES_RADIUS_M,
  get map() { return map; },
  get state() { return state; },
  get brands() { return brands; },
  periodDays: () => timeline.periodDays(),
  select: (sel, { fly } = {}) => {
    if (fly && !map.getBounds().contains(fly)) map.easeTo({ center: fly });
    track(update({ sel }));
  },
};

function modeFor() {
  if (state.view === "places") return new PlacesMode(ctx, $("places-table"), $("places-note"));
  if (state.layer === "h3") return new HexagonMode(ctx);
  if (state.layer === "hotspots") return new HexagonMode(ctx, { hotspots: true });
  if (state.layer === "points") return new PointsMode(ctx);
  return new AreasMode(ctx);
}

function showLegend() {
  if (!mode || !mode.mounted) return;
  renderLegend($("legend"), mode.legend(), {
    total: timeline.total(),
    onZoom: (zoom) => map.easeTo({ zoom: zoom + 0.2 }),
  });
  const places = $("places").querySelector(".legend");
  if (places) places.remove();
  if (state.view === "places") {
    const legend = h("div", { class: "legend" });
    renderLegend(legend, mode.legend(), { total: timeline.total(), onZoom: () => {} });
    $("places").append(legend);
  }
}

async function remount() {
  mode?.unmount();
  const next = modeFor();
  mode = next;
  $("legend").replaceChildren(h("p", { class: "muted" }, "Loading…"));
  await next.mount();
  if (mode !== next) return;
  next.mounted = true;
  showLegend();
}

async function showDetails() {
  const container = $("details");
  mode?.highlight(state.sel);
  if (!state.sel) {
    container.hidden = true;
    container.replaceChildren();
    return;
  }
  await renderDetails(ctx, container, state.sel, () => track(update({ sel: "" })));
  if (PHONE.matches) container.scrollIntoView({ block: "start" });
}

async function update(patch) {
  const before = state;
  state = { ...state, ...patch };
  const changed = (keys) => keys.some((key) => before[key] !== state[key]);
  writeUrl(state);
  controls.sync(state);
  if (changed(["brand", "source", "lang"])) await timeline.load(state);
  else if (changed(["from", "to"])) timeline.show(state);
  if (changed(MAP_KEYS)) {
    await remount();
    if (changed(["view"]) && state.view === "places") mode.fit?.();
  }
  if (changed(["sel"]) || (state.sel && changed(DETAIL_KEYS))) await showDetails();
}

let moveTimer = null;

function moved() {
  state.at = formatAt(map);
  writeUrl(state);
  clearTimeout(moveTimer);
  moveTimer = setTimeout(() => {
    moveTimer = null;
    const current = mode;
    track(current?.mounted && current.moved().then((redrawn) => {
      if (redrawn && mode === current) showLegend();
    }));
  }, 150);
}

function hitLayers() {
  return mode ? mode.hitLayers.filter((id) => map.getLayer(id)) : [];
}

function clicked(event) {
  hovered.tip.hidden = true;
  const [feature] = map.queryRenderedFeatures(event.point, { layers: hitLayers() });
  if (!feature) return;
  if (mode instanceof PointsMode) {
    renderPoint($("details"), feature.properties, () => { $("details").hidden = true; });
    return;
  }
  const sel = mode.selectionOf(feature);
  if (sel) track(update({ sel }));
}

function hovered(event) {
  const tip = hovered.tip;
  const [feature] = map.queryRenderedFeatures(event.point, { layers: hitLayers() });
  map.getCanvas().style.cursor = feature ? "pointer" : "";
  tip.hidden = !feature;
  if (!feature) return;
  tip.textContent = mode.describe(feature);
  tip.style.transform = `translate(${event.point.x + 12}px, ${event.point.y + 12}px)`;
}

// For tests and scripts: wait until no request, no step and no tile is pending.
async function settled() {
  for (let round = 0; round < 60; round += 1) {
    await Promise.allSettled([...tasks]);
    await api.settled();
    await new Promise((resolve) => { map.once("idle", resolve); map.triggerRepaint(); });
    if (!tasks.size && !api.pending.size && moveTimer === null) return true;
  }
  return false;
}

async function start() {
  brands = (await api.get("brands")).results;
  if (!brands.some((brand) => brand.slug === state.brand)) state.brand = brands[0]?.slug || "";
  controls = new Controls(config, brands, (patch) => track(update(patch)));
  controls.sync(state);
  if (!state.brand) {
    toast("No brand to show: load a brand catalogue first.");
    return;
  }
  map = await createMap($("map"), config, api, state.at, report);
  hovered.tip = h("div", { class: "hover", hidden: true });
  map.getContainer().append(hovered.tip);
  timeline = new Timeline($("timeline"), api, (period) => track(update(period)));
  map.on("moveend", moved);
  map.on("click", clicked);
  map.on("mousemove", hovered);
  map.on("mouseout", () => { hovered.tip.hidden = true; });
  await Promise.all([timeline.load(state), remount()]);
  showLegend();
  if (state.sel) await showDetails();
  writeUrl(state);
}

window.voxpop = {
  get map() { return map; },
  get state() { return { ...state }; },
  get mode() { return mode; },
  settled,
  started: false,
};
track(start().then(() => { window.voxpop.started = true; }));
