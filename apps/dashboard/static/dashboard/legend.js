// The legend of the current layer: colour ramp, suppressed areas, and what could not be placed.
import {
  NET_STOPS, cssGradient, fmtInt, fmtPct, h, volumeStops,
} from "./format.js";

function ramp({ metric, max }) {
  if (metric === "volume") {
    const stops = volumeStops(max);
    return h("div", { class: "ramp", "data-metric": "volume" },
      h("div", { class: "ramp-bar", style: `background: ${cssGradient(stops)}` }),
      h("div", { class: "ramp-labels" },
        h("span", {}, "0"), h("span", {}, fmtInt(Math.round(max / 4))),
        h("span", {}, `${fmtInt(max)} mentions`)));
  }
  return h("div", { class: "ramp", "data-metric": "net" },
    h("div", { class: "ramp-bar", style: `background: ${cssGradient(NET_STOPS)}` }),
    h("div", { class: "ramp-labels" },
      h("span", {}, "−1 negative"), h("span", {}, "0"), h("span", {}, "+1 positive")));
}

function item({ kind, colour, label }) {
  return h("li", { class: "legend-item" },
    h("span", { class: `swatch swatch-${kind}`, style: `--swatch: ${colour}` }),
    h("span", {}, label));
}

// The share is of every mention of the brand in the period (the time slider's total).
export function notPlacedText({ count, level, scope }, total) {
  if (count === null || count === undefined) {
    return `Mentions not placed at ${level} level: too few authors to say.`;
  }
  const noun = count === 1 ? "mention" : "mentions";
  const where = scope === "view" ? " in view" : "";
  const share = total
    ? ` (${fmtPct(Math.min(1, count / total), 1)} of the brand's ${fmtInt(total)} in the period)`
    : "";
  return `${fmtInt(count)} ${noun}${where}${share} could not be placed at ${level} level.`;
}

export function renderLegend(container, model, { total, onZoom }) {
  if (!model) {
    container.replaceChildren();
    return;
  }
  const parts = [h("h3", { class: "legend-title" }, model.title)];
  if (model.ramp) parts.push(ramp(model.ramp));
  if (model.items?.length) parts.push(h("ul", { class: "legend-items" }, model.items.map(item)));
  if (model.zoomHint) {
    parts.push(h("p", { class: "hint" }, `Points appear from zoom ${model.zoomHint}. `,
      h("button", { type: "button", class: "link", onclick: () => onZoom(model.zoomHint) },
        "Zoom in")));
  }
  if (model.notPlaced) {
    parts.push(h("p", { class: "not-placed", "data-count": model.notPlaced.count ?? "" },
      notPlacedText(model.notPlaced, total)));
  }
  if (model.note) parts.push(h("p", { class: "muted" }, model.note));
  container.replaceChildren(...parts);
}
