// Time series of one area: volume bars over net sentiment with its 95% interval; anomalous
// buckets marked, suppressed buckets hatched (they are gaps, never drawn as zero).
import { NET_STOPS, fmtDate, fmtInt, fmtNet, svg } from "./format.js";

const WIDTH = 360;
const LEFT = 34;
const RIGHT = 8;
const VOLUME = { top: 8, height: 56 };
const NET = { top: 82, height: 70 };
const HEIGHT = NET.top + NET.height + 20;
const ANOMALY = "#d7191c";

function hatchDefs(id) {
  return svg("defs", {},
    svg("pattern", { id, width: 6, height: 6, patternUnits: "userSpaceOnUse",
      patternTransform: "rotate(45)" },
    svg("rect", { width: 6, height: 6, fill: "#ece9e2" }),
    svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#8f8a80", "stroke-width": 2 })));
}

function tooltip(bucket) {
  if (bucket.suppressed) return `${fmtDate(bucket.bucket)}: suppressed (too few authors)`;
  const parts = [`${fmtDate(bucket.bucket)}: ${fmtInt(bucket.mentions)} mentions`];
  if (bucket.net_sentiment !== null && bucket.net_sentiment !== undefined) {
    parts.push(`net ${fmtNet(bucket.net_sentiment)} [${fmtNet(bucket.interval[0])}, ${fmtNet(bucket.interval[1])}]`);
  }
  if (bucket.anomalous) parts.push("anomalous");
  return parts.join(", ");
}

function netY(value) {
  return NET.top + ((1 - value) / 2) * NET.height;
}

function netPath(points) {
  return points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
}

function bandPath(points) {
  const upper = points.map(([x, , high]) => [x, netY(high)]);
  const lower = points.map(([x, low]) => [x, netY(low)]).reverse();
  return `${netPath([...upper, ...lower])}Z`;
}

export function timeseriesChart(buckets, { brandName = "", id = "chart" } = {}) {
  const n = buckets.length;
  const step = (WIDTH - LEFT - RIGHT) / Math.max(n, 1);
  const shown = buckets.filter((b) => !b.suppressed);
  const maxVolume = Math.max(1, ...shown.map((b) => b.mentions || 0));
  const hatch = `${id}-hatch`;
  const bars = [];
  const marks = [];
  const line = [];
  const band = [];
  buckets.forEach((bucket, i) => {
    const x = LEFT + i * step;
    const column = svg("g", { class: "bucket", "data-bucket": bucket.bucket,
      "data-anomalous": bucket.anomalous ? "true" : "false" },
    svg("title", {}, tooltip(bucket)));
    if (bucket.suppressed) {
      column.append(svg("rect", { class: "suppressed", x, y: VOLUME.top, width: Math.max(step - 1, 1),
        height: NET.top + NET.height - VOLUME.top, fill: `url(#${hatch})` }));
    } else {
      const height = ((bucket.mentions || 0) / maxVolume) * VOLUME.height;
      column.append(svg("rect", { class: "bar", x: x + step * 0.1, width: Math.max(step * 0.8, 1),
        y: VOLUME.top + VOLUME.height - height, height,
        fill: bucket.anomalous ? ANOMALY : "#8d99ae" }));
      if (bucket.net_sentiment !== null && bucket.net_sentiment !== undefined) {
        const cx = x + step / 2;
        line.push([cx, netY(bucket.net_sentiment)]);
        band.push([cx, bucket.interval[0], bucket.interval[1]]);
        if (bucket.anomalous) {
          marks.push(svg("circle", { class: "anomaly", cx, cy: netY(bucket.net_sentiment), r: 3.5,
            fill: ANOMALY, stroke: "#fff", "stroke-width": 1 }));
        }
      }
    }
    // The whole column catches the pointer, so that the tooltip shows anywhere in it.
    column.append(svg("rect", { x, y: VOLUME.top, width: step, height: NET.top + NET.height - VOLUME.top,
      fill: "transparent" }));
    bars.push(column);
  });
  const label = (x, y, text, anchor = "start") => svg("text", { x, y, "text-anchor": anchor,
    class: "axis" }, text);
  const first = buckets[0];
  const last = buckets[n - 1];
  return svg("svg", { class: "chart", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img",
    "aria-label": `Volume and net sentiment of ${brandName} over time` },
  hatchDefs(hatch),
  shown.length ? label(LEFT - 4, VOLUME.top + 8, fmtInt(maxVolume), "end") : null,
  shown.length ? label(LEFT - 4, VOLUME.top + VOLUME.height, "0", "end") : null,
  svg("line", { x1: LEFT, x2: WIDTH - RIGHT, y1: netY(0), y2: netY(0), class: "zero" }),
  label(LEFT - 4, netY(1) + 8, "+1", "end"),
  label(LEFT - 4, netY(0) + 3, "0", "end"),
  label(LEFT - 4, netY(-1), "−1", "end"),
  band.length ? svg("path", { class: "band", d: bandPath(band), fill: NET_STOPS[3][1], opacity: 0.25 }) : null,
  bars,
  line.length ? svg("path", { class: "net", d: netPath(line), fill: "none", stroke: NET_STOPS[4][1],
    "stroke-width": 1.8 }) : null,
  marks,
  first ? label(LEFT, HEIGHT - 4, fmtDate(first.bucket)) : null,
  last && n > 1 ? label(WIDTH - RIGHT, HEIGHT - 4, fmtDate(last.bucket), "end") : null);
}

export function chartLegend() {
  return [
    ["bar", "#8d99ae", "mentions"],
    ["stroke", NET_STOPS[4][1], "net sentiment, 95% interval"],
    ["dot", ANOMALY, "anomaly"],
    ["hatch", "#ece9e2", "suppressed"],
  ];
}
