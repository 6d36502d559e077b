// Colours shared by the map and its legend, number formats and a small DOM builder.

// Net sentiment, -1 (all negative) to +1 (all positive): red, neutral sand, blue.
export const NET_STOPS = [
  [-1, "#b2182b"], [-0.5, "#ef8a62"], [0, "#f1ede4"], [0.5, "#67a9cf"], [1, "#2166ac"],
];
// Volume, on a square-root scale from 0 to the largest unit shown.
export const VOLUME_COLOURS = ["#fff3c4", "#fdc672", "#f3884a", "#c93f5c", "#6b1d74"];
export const LABEL_COLOURS = { negative: "#d6604d", neutral: "#8c8c8c", positive: "#4393c3" };
export const HOTSPOT_COLOURS = { hot: "#d7191c", cold: "#2c7bb6" };
export const SUPPRESSED_FILL = "#c9c6bf";

export function netColour() {
  return ["interpolate", ["linear"], ["to-number", ["get", "net_sentiment"], 0],
    ...NET_STOPS.flat()];
}

export function volumeStops(max) {
  const top = Math.sqrt(Math.max(max, 1));
  return VOLUME_COLOURS.map((colour, i) => [(top * i) / (VOLUME_COLOURS.length - 1), colour]);
}

export function volumeColour(max) {
  return ["interpolate", ["linear"], ["sqrt", ["to-number", ["get", "mentions"], 0]],
    ...volumeStops(max).flat()];
}

export function metricColour(metric, max) {
  return metric === "volume" ? volumeColour(max) : netColour();
}

export function cssGradient(stops) {
  const first = stops[0][0];
  const span = stops[stops.length - 1][0] - first || 1;
  const parts = stops.map(([value, colour]) => `${colour} ${((value - first) / span) * 100}%`);
  return `linear-gradient(to right, ${parts.join(", ")})`;
}

// A canvas pattern of diagonal lines: how suppressed areas are drawn, on the map and in legends.
export function hatchImage(size = 8) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const context = canvas.getContext("2d");
  context.fillStyle = "#ece9e2";
  context.fillRect(0, 0, size, size);
  context.strokeStyle = "#8f8a80";
  context.lineWidth = 1.4;
  context.beginPath();
  context.moveTo(0, size);
  context.lineTo(size, 0);
  context.moveTo(-size / 2, size / 2);
  context.lineTo(size / 2, -size / 2);
  context.moveTo(size / 2, size * 1.5);
  context.lineTo(size * 1.5, size / 2);
  context.stroke();
  return context.getImageData(0, 0, size, size);
}

const integer = new Intl.NumberFormat("en-GB");

export function fmtInt(value) {
  return value === null || value === undefined ? "–" : integer.format(value);
}

export function fmtNet(value) {
  if (value === null || value === undefined) return "–";
  const text = Math.abs(value).toFixed(2);
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

export function fmtPct(value, digits = 0) {
  return value === null || value === undefined ? "–" : `${(value * 100).toFixed(digits)}%`;
}

export function fmtDate(iso) {
  return new Date(`${iso.slice(0, 10)}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric", month: "short", year: "numeric", timeZone: "UTC",
  });
}

// h("p", {class: "x", onclick: fn}, "text", child): text is always set as text, never as HTML.
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "style") node.style.cssText = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}
