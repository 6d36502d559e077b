// Map modes drawn from vector tiles: areas (a choropleth of a boundary layer) and points.
import { LABEL_COLOURS, metricColour } from "./format.js";
import {
  SUPPRESSED_SWATCH, addUnitLayers, bboxParam, contains, maxMentions, paddedBounds, removeAll,
  selectUnit, viewBounds,
} from "./layers.js";
import { apiFilters } from "./state.js";

// Communes are too many to rank nation-wide on every view: their legend covers the view.
const VIEW_BOUND_LEVELS = new Set(["fr-commune"]);
const AREA_TILE_MAX_ZOOM = 14;

function levelLabel(ctx, level) {
  const found = ctx.config.levels.find((item) => item.name === level);
  return found ? found.label.toLowerCase() : level;
}

export function metricTitle(metric) {
  return metric === "volume" ? "Mentions" : "Net sentiment";
}

export class AreasMode {
  constructor(ctx) {
    this.ctx = ctx;
    this.layers = [];
    this.names = new Map();
    this.box = null;
    this.stats = null;
    this.max = 0;
  }

  get hitLayers() {
    return ["areas-fill", "areas-suppressed"];
  }

  get viewBound() {
    return VIEW_BOUND_LEVELS.has(this.ctx.state.level);
  }

  async mount() {
    const { map, api, state } = this.ctx;
    await this.loadStats();
    if (this.dead) return;
    map.addSource("areas", {
      type: "vector",
      tiles: [api.tiles(state.level, apiFilters(state))],
      maxzoom: AREA_TILE_MAX_ZOOM,
    });
    this.layers = addUnitLayers(map, "areas", "areas", metricColour(state.metric, this.max), {
      sourceLayer: state.brand,
    });
    this.highlight(state.sel);
  }

  async loadStats() {
    const { map, api, state } = this.ctx;
    const params = { ...apiFilters(state), layer: state.level, geometry: "false" };
    if (this.viewBound) {
      this.box = paddedBounds(map);
      params.bbox = bboxParam(this.box);
    }
    this.stats = await api.get("regions", params, "layer");
    this.max = maxMentions(this.stats.features, state.brand);
    this.names = new Map(this.stats.features.map((f) => [f.properties.code, f.properties.name]));
  }

  async moved() {
    if (!this.viewBound || contains(this.box, viewBounds(this.ctx.map))) return false;
    await this.loadStats();
    if (this.dead) return false;
    const { map, state } = this.ctx;
    map.setPaintProperty("areas-fill", "fill-color", metricColour(state.metric, this.max));
    return true;
  }

  unmount() {
    this.dead = true;
    removeAll(this.ctx.map, this.layers, ["areas"]);
  }

  selectionOf(feature) {
    return `${this.ctx.state.level}:${feature.properties.unit}`;
  }

  highlight(sel) {
    const [layer, code] = splitSelection(sel);
    selectUnit(this.ctx.map, "areas", layer === this.ctx.state.level ? code : "");
  }

  describe(feature) {
    const name = this.names.get(String(feature.properties.unit)) || feature.properties.unit;
    return describeFigures(name, feature.properties, this.ctx.state.metric);
  }

  legend() {
    const { state } = this.ctx;
    const level = levelLabel(this.ctx, state.level);
    const suppressed = this.stats.features.filter((f) => f.properties.suppressed).length;
    return {
      title: `${metricTitle(state.metric)} by ${level}`,
      ramp: { metric: state.metric, max: this.max },
      items: [{ ...SUPPRESSED_SWATCH, label: suppressedLabel(this.stats.min_authors, suppressed) }],
      notPlaced: {
        count: this.stats.not_placed,
        level,
        scope: this.viewBound ? "view" : "all",
      },
    };
  }
}

export class PointsMode {
  constructor(ctx) {
    this.ctx = ctx;
    this.stats = null;
    this.visible = false;
  }

  get hitLayers() {
    return ["points-circle"];
  }

  get minZoom() {
    return this.ctx.config.pointsMinZoom;
  }

  async mount() {
    const { map, api, state } = this.ctx;
    this.stats = await api.get("mentions", { ...apiFilters(state), limit: 1 }, "layer");
    if (this.dead) return;
    map.addSource("points", {
      type: "vector",
      tiles: [api.tiles("points", apiFilters(state))],
      minzoom: this.minZoom,
      maxzoom: 16,
    });
    map.addLayer({
      id: "points-circle", type: "circle", source: "points", "source-layer": "points",
      minzoom: this.minZoom,
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 12, 4, 16, 8],
        "circle-color": ["match", ["get", "label"], "negative", LABEL_COLOURS.negative,
          "positive", LABEL_COLOURS.positive, LABEL_COLOURS.neutral],
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 1,
        "circle-opacity": 0.9,
      },
    });
    this.visible = map.getZoom() >= this.minZoom;
  }

  async moved() {
    const visible = this.ctx.map.getZoom() >= this.minZoom;
    const changed = visible !== this.visible;
    this.visible = visible;
    return changed;
  }

  unmount() {
    this.dead = true;
    removeAll(this.ctx.map, ["points-circle"], ["points"]);
  }

  selectionOf() {
    return null;
  }

  highlight() {}

  describe(feature) {
    const { label, score, source } = feature.properties;
    return `${label} (${Number(score).toFixed(2)}), ${source}`;
  }

  legend() {
    const items = Object.entries(LABEL_COLOURS).map(([label, colour]) => ({
      kind: "circle", colour, label,
    }));
    return {
      title: "Precisely located mentions",
      items,
      zoomHint: this.visible ? null : this.minZoom,
      notPlaced: { count: this.stats.not_placed, level: "point", scope: "all" },
      note: "Only mentions located precisely enough are drawn, snapped to a grid.",
    };
  }
}

export function splitSelection(sel) {
  const at = (sel || "").indexOf(":");
  return at < 0 ? ["", ""] : [sel.slice(0, at), sel.slice(at + 1)];
}

export function suppressedLabel(minAuthors, count) {
  const areas = count === 1 ? "1 area" : `${count} areas`;
  return `Suppressed: fewer than ${minAuthors} authors (${areas})`;
}

export function describeFigures(name, properties, metric) {
  if (properties.suppressed) return `${name}: suppressed`;
  const value = metric === "volume"
    ? `${properties.mentions} mentions`
    : `net ${Number(properties.net_sentiment).toFixed(2)}`;
  return `${name}: ${value}`;
}
