// The MapLibre map and its basemap: our own boundary layers (countries and French régions),
// or an external style where the deployment sets DASHBOARD_STYLE_URL.
import * as maplibregl from "maplibre-gl";

import { parseAt } from "./state.js";

export const FRANCE = [[-5.2, 41.3], [9.6, 51.1]];

export function baseStyle(config, api) {
  if (config.styleUrl) return config.styleUrl;
  const layer = (name) => ["==", ["get", "layer"], name];
  return {
    version: 8,
    sources: { basemap: { type: "geojson", data: api.absolute(config.api.basemap) } },
    layers: [
      { id: "basemap-sea", type: "background", paint: { "background-color": "#dbe5ea" } },
      {
        id: "basemap-land", type: "fill", source: "basemap",
        filter: ["in", ["get", "layer"], ["literal", ["country", "fr-region"]]],
        paint: { "fill-color": "#f6f4ef" },
      },
      {
        id: "basemap-countries-line", type: "line", source: "basemap", filter: layer("country"),
        paint: { "line-color": "#b8b2a6", "line-width": 0.7 },
      },
      {
        id: "basemap-regions-line", type: "line", source: "basemap", filter: layer("fr-region"),
        paint: {
          "line-color": "#7f796d",
          "line-width": ["interpolate", ["linear"], ["zoom"], 4, 0.6, 10, 1.6],
        },
      },
    ],
  };
}

export function createMap(container, config, api, at, onError) {
  const view = parseAt(at);
  const position = view
    ? { center: view.center, zoom: view.zoom }
    : { bounds: FRANCE, fitBoundsOptions: { padding: 16 } };
  const map = new maplibregl.Map({
    container,
    style: baseStyle(config, api),
    ...position,
    minZoom: 2,
    maxZoom: 18,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    attributionControl: { compact: true },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-left");
  // With a listener, MapLibre reports errors to it instead of the console.
  map.on("error", (event) => onError(event.error));
  return new Promise((resolve) => {
    map.once("load", () => resolve(map));
  });
}
