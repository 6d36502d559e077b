// Map layers shared by every mode: where they go in the style, and the suppressed hatching.
import { SUPPRESSED_FILL, hatchImage } from "./format.js";

export const HATCH = "voxpop-hatch";
const BASEMAP_LINES = "basemap-regions-line";

export function ensureHatch(map) {
  if (!map.hasImage(HATCH)) map.addImage(HATCH, hatchImage(), { pixelRatio: 1 });
}

// Fills go under our own boundary lines (when the basemap is ours), outlines above them.
export function fillBefore(map) {
  return map.getLayer(BASEMAP_LINES) ? BASEMAP_LINES : undefined;
}

export function removeAll(map, layerIds, sourceIds) {
  for (const id of layerIds) if (map.getLayer(id)) map.removeLayer(id);
  for (const id of sourceIds) if (map.getSource(id)) map.removeSource(id);
}

// Four layers for polygons with figures: filled, suppressed (hatched), outlines, selection.
export function addUnitLayers(map, prefix, source, colour, { sourceLayer, opacity = 0.85 } = {}) {
  ensureHatch(map);
  const common = { source, ...(sourceLayer ? { "source-layer": sourceLayer } : {}) };
  const before = fillBefore(map);
  map.addLayer({
    id: `${prefix}-fill`, type: "fill", ...common,
    filter: ["!=", ["get", "suppressed"], true],
    paint: { "fill-color": colour, "fill-opacity": opacity },
  }, before);
  map.addLayer({
    id: `${prefix}-suppressed`, type: "fill", ...common,
    filter: ["==", ["get", "suppressed"], true],
    paint: { "fill-pattern": HATCH, "fill-opacity": 0.9 },
  }, before);
  map.addLayer({
    id: `${prefix}-line`, type: "line", ...common,
    paint: { "line-color": "#ffffff", "line-width": 0.6, "line-opacity": 0.9 },
  });
  map.addLayer({
    id: `${prefix}-selected`, type: "line", ...common,
    filter: ["==", ["get", "unit"], ""],
    paint: { "line-color": "#111111", "line-width": 2.5 },
  });
  return [`${prefix}-fill`, `${prefix}-suppressed`, `${prefix}-line`, `${prefix}-selected`];
}

export function selectUnit(map, prefix, unit) {
  if (map.getLayer(`${prefix}-selected`)) {
    map.setFilter(`${prefix}-selected`, ["==", ["get", "unit"], unit || ""]);
  }
}

// The viewport's bounds grown by a quarter on each side, clipped to valid coordinates.
export function paddedBounds(map, pad = 0.25) {
  const bounds = map.getBounds();
  const west = bounds.getWest();
  const east = bounds.getEast();
  const south = bounds.getSouth();
  const north = bounds.getNorth();
  const dx = (east - west) * pad;
  const dy = (north - south) * pad;
  return [
    Math.max(-180, west - dx), Math.max(-85, south - dy),
    Math.min(180, east + dx), Math.min(85, north + dy),
  ];
}

export function contains(outer, inner) {
  return outer && outer[0] <= inner[0] && outer[1] <= inner[1]
    && outer[2] >= inner[2] && outer[3] >= inner[3];
}

export function viewBounds(map) {
  return paddedBounds(map, 0);
}

export function bboxParam(bounds) {
  return bounds.map((value) => value.toFixed(5)).join(",");
}

// Per-brand figures of a feature from the JSON endpoints, flattened like the vector tiles'.
export function flatFigures(unit, perBrand) {
  const figures = perBrand || { suppressed: true };
  return {
    unit,
    suppressed: Boolean(figures.suppressed),
    mentions: figures.mentions ?? null,
    authors: figures.authors ?? null,
    net_sentiment: figures.net_sentiment ?? null,
    net_low: figures.interval ? figures.interval[0] : null,
    net_high: figures.interval ? figures.interval[1] : null,
  };
}

export function maxMentions(features, brand) {
  let max = 0;
  for (const feature of features) {
    const figures = feature.properties.brands?.[brand];
    if (figures && !figures.suppressed) max = Math.max(max, figures.mentions || 0);
  }
  return max;
}

export const SUPPRESSED_SWATCH = { kind: "hatch", colour: SUPPRESSED_FILL };
