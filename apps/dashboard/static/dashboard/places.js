// The places view: the brand's stores ranked by the sentiment of the mentions around them, on
// the map and in a table.
import { fmtInt, fmtNet, h, netColour } from "./format.js";
import { removeAll } from "./layers.js";
import { splitSelection } from "./modes.js";
import { apiFilters } from "./state.js";

let ranked = [];

export function placeById(id) {
  return ranked.find((place) => place.external_id === id) || null;
}

function hasFigure(place) {
  return !place.suppressed && place.net_sentiment !== null && place.net_sentiment !== undefined;
}

export class PlacesMode {
  constructor(ctx, table, note) {
    this.ctx = ctx;
    this.table = table;
    this.note = note;
    this.data = null;
  }

  get hitLayers() {
    return ["places-circle", "places-hollow"];
  }

  async mount() {
    const { map, api, state } = this.ctx;
    this.data = await api.get("places", { ...apiFilters(state), radius_m: this.ctx.placesRadius },
      "layer");
    if (this.dead) return;
    ranked = this.data.places.filter((place) => place.brand === state.brand);
    map.addSource("places", { type: "geojson", data: this.geojson() });
    const common = { type: "circle", source: "places" };
    map.addLayer({ ...common, id: "places-hollow", filter: ["!=", ["get", "figure"], true],
      paint: { "circle-radius": 7, "circle-color": "#ffffff", "circle-stroke-color": "#6b6b6b",
        "circle-stroke-width": 2 } });
    map.addLayer({ ...common, id: "places-circle", filter: ["==", ["get", "figure"], true],
      paint: { "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "mentions"]], 0, 6, 30, 16],
        "circle-color": netColour(), "circle-stroke-color": "#333333", "circle-stroke-width": 1.2 } });
    map.addLayer({ ...common, id: "places-selected", filter: ["==", ["get", "unit"], ""],
      paint: { "circle-radius": 18, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#111111",
        "circle-stroke-width": 2.5 } });
    this.renderTable();
    this.highlight(state.sel);
  }

  geojson() {
    return {
      type: "FeatureCollection",
      features: ranked.map((place) => ({
        type: "Feature",
        geometry: { type: "Point", coordinates: place.location },
        properties: {
          unit: place.external_id, name: place.name, figure: hasFigure(place),
          suppressed: Boolean(place.suppressed), mentions: place.mentions || 0,
          net_sentiment: place.net_sentiment ?? null,
        },
      })),
    };
  }

  renderTable() {
    const { state } = this.ctx;
    const rows = ranked.map((place, i) => {
      const net = hasFigure(place)
        ? [h("div", {}, fmtNet(place.net_sentiment)), h("div", { class: "muted" },
          `[${fmtNet(place.interval[0])}, ${fmtNet(place.interval[1])}]`)]
        : place.suppressed ? "suppressed" : "no mention";
      return h("tr", { "data-place": place.external_id, tabindex: 0,
        class: state.sel === `place:${place.external_id}` ? "selected" : null,
        onclick: () => this.ctx.select(`place:${place.external_id}`, { fly: place.location }),
        onkeydown: (event) => {
          if (event.key === "Enter") this.ctx.select(`place:${place.external_id}`, { fly: place.location });
        } },
      h("td", {}, hasFigure(place) ? String(i + 1) : "–"),
      h("td", {}, h("div", {}, place.name), h("div", { class: "muted" }, place.address)),
      h("td", { class: "num" }, place.suppressed ? "–" : fmtInt(place.mentions)),
      h("td", { class: "num" }, net),
      h("td", { class: "num" }, place.vs_brand === undefined ? "–" : fmtNet(place.vs_brand)));
    });
    this.table.querySelector("tbody").replaceChildren(...rows);
    const brandFigures = this.data.brands[state.brand];
    this.note.textContent = `Mentions within ${this.data.radius_m} m of each store; `
      + `“vs brand” compares with the brand's net sentiment overall`
      + (brandFigures && !brandFigures.suppressed ? ` (${fmtNet(brandFigures.net_sentiment)}).` : ".");
  }

  async moved() {
    return false;
  }

  // Frame every store of the brand (on entering the view).
  fit() {
    if (!ranked.length) return;
    const lons = ranked.map((place) => place.location[0]);
    const lats = ranked.map((place) => place.location[1]);
    this.ctx.map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons),
      Math.max(...lats)]], { padding: 60, maxZoom: 11, duration: 0 });
  }

  unmount() {
    this.dead = true;
    removeAll(this.ctx.map, ["places-selected", "places-circle", "places-hollow"], ["places"]);
    this.table.querySelector("tbody").replaceChildren();
  }

  selectionOf(feature) {
    return `place:${feature.properties.unit}`;
  }

  highlight(sel) {
    const [kind, id] = splitSelection(sel);
    const { map } = this.ctx;
    if (map.getLayer("places-selected")) {
      map.setFilter("places-selected", ["==", ["get", "unit"], kind === "place" ? id : ""]);
    }
    for (const row of this.table.querySelectorAll("tbody tr")) {
      row.classList.toggle("selected", kind === "place" && row.dataset.place === id);
    }
  }

  describe(feature) {
    const p = feature.properties;
    return p.figure ? `${p.name}: net ${fmtNet(p.net_sentiment)}` : `${p.name}: no figure`;
  }

  legend() {
    return {
      title: `Stores by net sentiment within ${this.data.radius_m} m`,
      ramp: { metric: "net", max: 0 },
      items: [
        { kind: "circle", colour: "#ffffff", label: "No figure: too few authors or no mention" },
      ],
      note: "Circle size grows with the number of mentions.",
    };
  }
}
