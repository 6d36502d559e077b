// The page's controls: brand, competitors, source, language, layer, metric, level and view.
import { h } from "./format.js";

const NONE = "-";

function options(select, items, anyLabel) {
  const list = anyLabel ? [{ value: "", label: anyLabel }, ...items] : items;
  select.replaceChildren(...list.map((item) => h("option", { value: item.value }, item.label)));
}

export class Controls {
  constructor(config, brands, update) {
    this.brands = brands;
    this.update = update;
    this.el = (id) => document.getElementById(id);
    options(this.el("brand"), brands.map((b) => ({ value: b.slug, label: b.name })));
    options(this.el("source"), config.sources, "Any source");
    options(this.el("lang"), config.languages, "Any language");
    options(this.el("level"), config.levels.map((l) => ({ value: l.name, label: l.label })));
    this.bind();
  }

  bind() {
    const { el, update } = this;
    el("brand").addEventListener("change", (e) => update({ brand: e.target.value, vs: "", sel: "" }));
    el("source").addEventListener("change", (e) => update({ source: e.target.value }));
    el("lang").addEventListener("change", (e) => update({ lang: e.target.value }));
    el("metric").addEventListener("change", (e) => update({ metric: e.target.value }));
    el("level").addEventListener("change", (e) => update({ level: e.target.value }));
    for (const button of document.querySelectorAll("#layer button")) {
      button.addEventListener("click", () => update({ layer: button.dataset.layer, view: "map" }));
    }
    for (const tab of document.querySelectorAll(".tabs button")) {
      tab.addEventListener("click", () => update({ view: tab.dataset.view, sel: "" }));
    }
    el("competitor-list").addEventListener("change", () => {
      const boxes = [...el("competitor-list").querySelectorAll("input")];
      const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
      const vs = chosen.length === boxes.length ? "" : chosen.join(",") || NONE;
      update({ vs });
    });
    // The competitor list closes on a click elsewhere, like a select.
    document.addEventListener("click", (event) => {
      const details = el("competitors");
      if (details.open && !details.contains(event.target)) details.open = false;
    });
    const toggle = el("filters-toggle");
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      el("filters").classList.toggle("open", open);
    });
  }

  sync(state) {
    const { el } = this;
    el("brand").value = state.brand;
    el("source").value = state.source;
    el("lang").value = state.lang;
    el("metric").value = state.metric;
    el("level").value = state.level;
    el("level-field").hidden = state.layer !== "choropleth";
    el("metric").disabled = state.layer === "points";
    for (const button of document.querySelectorAll("#layer button")) {
      button.setAttribute("aria-pressed", String(button.dataset.layer === state.layer));
    }
    for (const tab of document.querySelectorAll(".tabs button")) {
      tab.setAttribute("aria-selected", String(tab.dataset.view === state.view));
    }
    document.body.dataset.view = state.view;
    el("layer-controls").hidden = state.view !== "map";
    el("places").hidden = state.view !== "places";
    this.syncCompetitors(state);
  }

  syncCompetitors(state) {
    const brand = this.brands.find((b) => b.slug === state.brand);
    const all = brand ? brand.competitors : [];
    const chosen = state.vs ? state.vs.split(",") : all;
    const name = (slug) => this.brands.find((b) => b.slug === slug)?.name || slug;
    this.el("competitor-list").replaceChildren(...(all.length ? all.map((slug) => h("label", {},
      h("input", { type: "checkbox", value: slug, checked: chosen.includes(slug) }), name(slug)))
      : [h("p", { class: "muted" }, "No competitor for this brand.")]));
    const count = all.filter((slug) => chosen.includes(slug)).length;
    this.el("competitors-summary").textContent = !all.length ? "no competitor"
      : count === all.length ? "all competitors" : count ? chosen.map(name).join(", ") : "no competitor";
  }
}
