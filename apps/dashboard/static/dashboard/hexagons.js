// H3 hexagons and their hotspots, read as GeoJSON for the view at a resolution that follows
// the zoom (the cells' exact outlines are then at hand to ask about one cell).
import { HOTSPOT_COLOURS, metricColour } from "./format.js";
import {
  SUPPRESSED_SWATCH, addUnitLayers, bboxParam, contains, flatFigures, maxMentions, paddedBounds,
  removeAll, selectUnit, viewBounds,
} from "./layers.js";
import { describeFigures, metricTitle, splitSelection, suppressedLabel } from "./modes.js";
import { apiFilters } from "./state.js";

// Up to this resolution (zoom 9), every cell of France is few enough to read in one go; finer
// ones are read for the view only.
const NATIONWIDE_UP_TO_RES = 5;

// Outlines of the cells seen so far, by cell id: the polygon filter of a selected cell.
const outlines = new Map();

export function cellOutline(cell) {
  return outlines.get(cell) || null;
}

// The same rule as the API's H3 tiles: about one resolution per two zoom levels.
export function resolutionFor(zoom, resolutions) {
  const wanted = Math.floor(zoom / 2) + 1;
  return Math.min(Math.max(wanted, resolutions[0]), resolutions[resolutions.length - 1]);
}

function collection(features) {
  return { type: "FeatureCollection", features };
}

export class HexagonMode {
  constructor(ctx, { hotspots = false } = {}) {
    this.ctx = ctx;
    this.hotspots = hotspots;
    this.layers = [];
    this.cells = null;
    this.spots = [];
    this.res = null;
    this.box = null;
  }

  get hitLayers() {
    return ["cells-fill", "cells-suppressed"];
  }

  get viewBound() {
    return this.res > NATIONWIDE_UP_TO_RES;
  }

  async mount() {
    const { map, state } = this.ctx;
    await this.load();
    if (this.dead) return;
    map.addSource("cells", { type: "geojson", data: this.cellData() });
    this.layers = addUnitLayers(map, "cells", "cells", metricColour(state.metric, this.max), {
      opacity: this.hotspots ? 0.55 : 0.85,
    });
    if (this.hotspots) {
      map.addSource("hotspots", { type: "geojson", data: this.spotData() });
      map.addLayer({
        id: "hotspots-line", type: "line", source: "hotspots",
        filter: ["!=", ["get", "cls"], "not_significant"],
        paint: {
          "line-color": ["match", ["get", "cls"], "hot", HOTSPOT_COLOURS.hot,
            HOTSPOT_COLOURS.cold],
          "line-width": 3,
        },
      });
      this.layers.push("hotspots-line");
    }
    this.highlight(state.sel);
  }

  async load() {
    const { map, api, state, config } = this.ctx;
    this.res = resolutionFor(map.getZoom(), config.h3Resolutions);
    this.box = this.viewBound ? paddedBounds(map) : null;
    const params = { ...apiFilters(state), res: this.res };
    if (this.box) params.bbox = bboxParam(this.box);
    const [cells, spots] = await Promise.all([
      api.get("h3", params, "layer"),
      this.hotspots ? api.get("hotspots", params, "hotspots") : null,
    ]);
    this.cells = cells;
    this.max = maxMentions(cells.features, state.brand);
    for (const feature of cells.features) outlines.set(feature.properties.cell, feature.geometry);
    this.spots = spots ? spots.brands[state.brand] || [] : [];
  }

  cellData() {
    const { brand } = this.ctx.state;
    return collection(this.cells.features.map((feature) => ({
      type: "Feature",
      geometry: feature.geometry,
      properties: flatFigures(feature.properties.cell, feature.properties.brands[brand]),
    })));
  }

  spotData() {
    const statistic = this.ctx.state.metric === "volume" ? "volume" : "sentiment";
    return collection(this.spots.map((spot) => ({
      type: "Feature",
      geometry: spot.geometry,
      properties: {
        unit: spot.cell, cls: spot[statistic].class, z: spot[statistic].z, p: spot[statistic].p,
      },
    })));
  }

  async moved() {
    const { map, config, state } = this.ctx;
    const res = resolutionFor(map.getZoom(), config.h3Resolutions);
    if (res === this.res && (!this.box || contains(this.box, viewBounds(map)))) return false;
    await this.load();
    if (this.dead) return false;
    map.getSource("cells")?.setData(this.cellData());
    map.getSource("hotspots")?.setData(this.spotData());
    map.setPaintProperty("cells-fill", "fill-color", metricColour(state.metric, this.max));
    return true;
  }

  unmount() {
    this.dead = true;
    removeAll(this.ctx.map, this.layers, ["cells", "hotspots"]);
  }

  selectionOf(feature) {
    return `h3:${feature.properties.unit}`;
  }

  highlight(sel) {
    const [kind, cell] = splitSelection(sel);
    selectUnit(this.ctx.map, "cells", kind === "h3" ? cell : "");
  }

  describe(feature) {
    return describeFigures(`Cell ${feature.properties.unit}`, feature.properties,
      this.ctx.state.metric);
  }

  legend() {
    const { state } = this.ctx;
    const suppressed = this.cells.features.filter((f) => f.properties.suppressed).length;
    const items = [{ ...SUPPRESSED_SWATCH, label: suppressedLabel(this.cells.min_authors, suppressed) }];
    let title = `${metricTitle(state.metric)} by H3 cell (resolution ${this.res})`;
    let note = null;
    if (this.hotspots) {
      const count = (cls) => this.spotData().features.filter((f) => f.properties.cls === cls).length;
      const what = state.metric === "volume" ? "volume" : "net sentiment";
      title = `Hotspots of ${what}, H3 resolution ${this.res}`;
      items.unshift(
        { kind: "line", colour: HOTSPOT_COLOURS.hot, label: `Hot: high ${what} cluster (${count("hot")})` },
        { kind: "line", colour: HOTSPOT_COLOURS.cold, label: `Cold: low ${what} cluster (${count("cold")})` },
      );
      note = `Getis-Ord Gi* over the cells${this.box ? " in view" : ""}, `
        + "false discovery rate 5%.";
    }
    return {
      title,
      ramp: { metric: state.metric, max: this.max },
      items,
      note,
      notPlaced: {
        count: this.cells.not_placed,
        level: `resolution ${this.res} cell`,
        scope: this.box ? "view" : "all",
      },
    };
  }
}
