// The panel of a selected area (region, H3 cell or store): its figures with their interval, its
// time series, its share of voice against the chosen competitors, and a sample of its mentions.
import { isAbort } from "./api.js";
import { chartLegend, timeseriesChart } from "./chart.js";
import { cellOutline } from "./hexagons.js";
import { splitSelection } from "./modes.js";
import { placeById } from "./places.js";
import { LABEL_COLOURS, fmtDate, fmtInt, fmtNet, fmtPct, h } from "./format.js";
import { apiFilters, competitorsOf } from "./state.js";

const SAMPLE_SIZE = 6;
const DAILY_UP_TO_DAYS = 120;

// What a selection is: a title, the API's area filter for it, and where its figures come from.
function resolveArea(ctx, sel) {
  const [kind, id] = splitSelection(sel);
  const level = ctx.config.levels.find((item) => item.name === kind);
  if (level) {
    return { kind: "region", title: `${level.label} ${id}`, params: { region: sel },
      figures: { endpoint: "regions", params: { layer: kind, geometry: "false" },
        pick: (features) => features.find((f) => f.properties.code === id) } };
  }
  if (kind === "h3") {
    const outline = cellOutline(id);
    if (!outline) return null;
    return { kind: "cell", title: `H3 cell ${id}`, params: { polygon: JSON.stringify(outline) },
      figures: { endpoint: "h3", params: { res: parseInt(id[1], 16) },
        pick: (features) => features.find((f) => f.properties.cell === id) } };
  }
  if (kind === "place") {
    const place = placeById(id);
    if (!place) return null;
    const [lon, lat] = place.location;
    return { kind: "place", title: place.name, place,
      params: { near: `${lat},${lon},${ctx.placesRadius}` } };
  }
  return null;
}

function netInterval(figures) {
  const [low, high] = figures.interval;
  const x = (value) => ((value + 1) / 2) * 100;
  return h("div", { class: "interval", title: "95% interval of the net sentiment" },
    h("span", { class: "interval-range", style: `left: ${x(low)}%; width: ${x(high) - x(low)}%` }),
    h("span", { class: "interval-point", style: `left: ${x(figures.net_sentiment)}%` }),
    h("span", { class: "interval-zero" }));
}

function labelBar(figures) {
  const total = figures.positive + figures.neutral + figures.negative || 1;
  const part = (label) => h("span", {
    style: `width: ${(figures[label] / total) * 100}%; background: ${LABEL_COLOURS[label]}`,
    title: `${label}: ${fmtInt(figures[label])}`,
  });
  return h("div", { class: "label-bar" }, part("negative"), part("neutral"), part("positive"));
}

function figuresBlock(figures, minAuthors) {
  if (figures?.suppressed) {
    return h("div", { class: "figures", "data-suppressed": "true" },
      h("p", { class: "suppressed-note" },
        `Suppressed: fewer than ${minAuthors} distinct authors a day here, so no figure is shown.`));
  }
  if (!figures?.mentions) {
    return h("div", { class: "figures", "data-suppressed": "false", "data-mentions": 0 },
      h("p", { class: "muted" }, "No mention here in this period."));
  }
  return h("div", { class: "figures", "data-suppressed": "false",
    "data-mentions": figures.mentions, "data-net": figures.net_sentiment },
  h("div", { class: "stats" },
    h("div", {}, h("strong", {}, fmtInt(figures.mentions)), h("span", {}, "mentions")),
    h("div", {}, h("strong", {}, fmtInt(figures.authors)), h("span", {}, "authors")),
    h("div", {}, h("strong", { class: "net-value" }, fmtNet(figures.net_sentiment)),
      h("span", {}, `net [${fmtNet(figures.interval[0])}, ${fmtNet(figures.interval[1])}]`))),
  netInterval(figures),
  labelBar(figures),
  h("p", { class: "muted" }, `${fmtInt(figures.positive)} positive, ${fmtInt(figures.neutral)} `
    + `neutral, ${fmtInt(figures.negative)} negative; 95% interval of the net sentiment.`));
}

function shareBlock(perBrand, members, names) {
  const rows = members.map((slug) => ({ slug, figures: perBrand?.[slug] }));
  const shown = rows.filter((row) => row.figures && !row.figures.suppressed);
  const total = shown.reduce((sum, row) => sum + row.figures.mentions, 0);
  if (members.length < 2) return h("p", { class: "muted" }, "No competitor chosen.");
  if (!total) return h("p", { class: "muted" }, "No figure to compare here.");
  const palette = ["#2166ac", "#f4a582", "#92c5de", "#d6604d", "#b8a9c9", "#80cdc1", "#dfc27d"];
  const colour = (i) => palette[i % palette.length];
  return h("div", { class: "share" },
    h("div", { class: "share-bar" }, rows.map((row, i) => (row.figures && !row.figures.suppressed
      ? h("span", { style: `width: ${(row.figures.mentions / total) * 100}%; background: ${colour(i)}`,
        title: names(row.slug) }) : null))),
    h("ul", { class: "share-list" }, rows.map((row, i) => h("li", { "data-brand": row.slug },
      h("span", { class: "swatch swatch-fill", style: `--swatch: ${colour(i)}` }),
      h("span", { class: "share-name" }, names(row.slug)),
      h("span", {}, row.figures && !row.figures.suppressed
        ? `${fmtPct(row.figures.mentions / total)} (${fmtInt(row.figures.mentions)})`
        : "suppressed")))));
}

function mentionItem(feature) {
  const p = feature.properties;
  return h("li", { class: "mention" },
    h("div", { class: "mention-head" },
      h("span", { class: `badge badge-${p.label}` }, `${p.label} ${Number(p.score).toFixed(2)}`),
      h("span", { class: "muted" }, `${fmtDate(p.created_at)} · ${p.source} · ${p.lang}`)),
    p.text === null || p.text === undefined
      ? h("p", { class: "muted withheld" }, "Text withheld by the privacy settings.")
      : h("p", { class: "mention-text" }, p.text));
}

function section(title, body) {
  return h("section", { class: "detail-section" }, h("h3", {}, title), body);
}

export async function renderDetails(ctx, container, sel, onClose) {
  const area = resolveArea(ctx, sel);
  container.hidden = false;
  container.dataset.state = "loading";
  const close = h("button", { type: "button", class: "close", "aria-label": "Close",
    onclick: onClose }, "×");
  if (!area) {
    container.replaceChildren(close, h("p", { class: "muted" }, "Select an area on the map."));
    container.dataset.state = "ready";
    return;
  }
  const { api, state, brands } = ctx;
  const names = (slug) => brands.find((b) => b.slug === slug)?.name || slug;
  const members = [state.brand, ...competitorsOf(state, brands)];
  const filters = { ...apiFilters(state), ...area.params };
  const heading = h("h2", {}, area.title);
  container.replaceChildren(close, heading, h("p", { class: "muted" }, "Loading…"));
  const interval = ctx.periodDays() > DAILY_UP_TO_DAYS ? "week" : "day";
  const figuresRequest = area.figures
    ? api.get(area.figures.endpoint, { ...filters, ...area.figures.params,
      brand: members.join(",") }, "details-figures")
    : Promise.resolve(null);
  try {
    const [figures, series, sample] = await Promise.all([
      figuresRequest,
      api.get("timeseries", { ...filters, interval }, "details-series"),
      api.get("mentions", { ...filters, limit: SAMPLE_SIZE }, "details-mentions"),
    ]);
    const feature = figures ? area.figures.pick(figures.features) : null;
    if (feature?.properties.name) heading.textContent = `${feature.properties.name}`;
    const perBrand = feature?.properties.brands;
    const own = area.place || perBrand?.[state.brand] || null;
    const buckets = series.series[state.brand] || [];
    const minAuthors = series.min_authors;
    container.replaceChildren(
      close, heading,
      h("p", { class: "muted subtitle" }, area.kind === "region" ? sel : area.kind === "place"
        ? `Store ${area.place.external_id}, mentions within ${ctx.placesRadius} m` : "H3 cell"),
      figuresBlock(own, minAuthors),
      section(`${interval === "day" ? "Daily" : "Weekly"} volume and sentiment`, buckets.length
        ? [timeseriesChart(buckets, { brandName: names(state.brand), id: "detail-chart" }),
          h("ul", { class: "chart-legend" }, chartLegend().map(([kind, colour, label]) => h("li", {},
            h("span", { class: `swatch swatch-${kind}`, style: `--swatch: ${colour}` }), label)))]
        : h("p", { class: "muted" }, "No mention in this period.")),
      area.place ? null : section("Share of voice", shareBlock(perBrand, members, names)),
      section("Sample of mentions", sample.features.length
        ? h("ul", { class: "mentions" }, sample.features.map(mentionItem))
        : h("p", { class: "muted" }, "No mention to show.")),
    );
    container.dataset.state = "ready";
  } catch (error) {
    if (isAbort(error)) return;
    container.replaceChildren(close, heading, h("p", { class: "error" }, error.message));
    container.dataset.state = "error";
  }
}

// A point of the points layer: what its vector tile says of it.
export function renderPoint(container, properties, onClose) {
  container.hidden = false;
  container.replaceChildren(
    h("button", { type: "button", class: "close", "aria-label": "Close", onclick: onClose }, "×"),
    h("h2", {}, "Mention"),
    h("p", {}, h("span", { class: `badge badge-${properties.label}` },
      `${properties.label} ${Number(properties.score).toFixed(2)}`)),
    h("p", { class: "muted" }, `${properties.source}, ${fmtDate(new Date(properties.created * 1000)
      .toISOString())}; location snapped to a grid.`),
  );
  container.dataset.state = "ready";
}
