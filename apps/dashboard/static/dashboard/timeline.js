// The period: a time slider over the brand's daily volume (two handles, first and last day).
import { isAbort } from "./api.js";
import { fmtDate, fmtInt, svg } from "./format.js";
import { apiFilters } from "./state.js";

export class Timeline {
  constructor(root, api, onChange) {
    this.api = api;
    this.onChange = onChange;
    this.days = [];
    this.bars = root.querySelector("#timeline-bars");
    this.from = root.querySelector("#period-from");
    this.to = root.querySelector("#period-to");
    this.label = root.querySelector("#period-label");
    this.from.addEventListener("input", () => this.dragged("from"));
    this.to.addEventListener("input", () => this.dragged("to"));
    this.from.addEventListener("change", () => this.commit());
    this.to.addEventListener("change", () => this.commit());
    for (const button of root.querySelectorAll(".presets button")) {
      button.addEventListener("click", () => this.preset(Number(button.dataset.days)));
    }
  }

  // The whole series of the brand (every date), whatever the period chosen.
  async load(state) {
    try {
      const data = await this.api.get("timeseries", { ...apiFilters(state, { dates: false }),
        interval: "day" }, "timeline");
      this.days = data.series[state.brand] || [];
    } catch (error) {
      if (isAbort(error)) return;
      this.days = [];
      throw error;
    }
    const last = Math.max(this.days.length - 1, 0);
    for (const input of [this.from, this.to]) {
      input.max = String(last);
      input.disabled = this.days.length < 2;
    }
    this.show(state);
  }

  indexOf(date, fallback) {
    if (!date || !this.days.length) return fallback;
    const index = this.days.findIndex((day) => day.bucket >= date);
    return index < 0 ? this.days.length - 1 : index;
  }

  lastIndexOf(date, fallback) {
    if (!date || !this.days.length) return fallback;
    let index = -1;
    this.days.forEach((day, i) => { if (day.bucket <= date) index = i; });
    return index < 0 ? 0 : index;
  }

  show(state) {
    const last = Math.max(this.days.length - 1, 0);
    this.from.value = String(this.indexOf(state.from, 0));
    this.to.value = String(this.lastIndexOf(state.to, last));
    this.draw();
  }

  range() {
    return [Number(this.from.value), Number(this.to.value)];
  }

  draw() {
    const [start, end] = this.range();
    const max = Math.max(1, ...this.days.map((d) => (d.suppressed ? 0 : d.mentions)));
    const n = Math.max(this.days.length, 1);
    this.bars.setAttribute("viewBox", `0 0 ${n} 100`);
    this.bars.replaceChildren(...this.days.map((day, i) => {
      const height = day.suppressed ? 0 : (day.mentions / max) * 96;
      const inside = i >= start && i <= end;
      return svg("rect", { x: i + 0.1, width: 0.8, y: 100 - height, height,
        class: `${inside ? "in" : "out"}${day.anomalous ? " anomalous" : ""}` });
    }));
    if (!this.days.length) {
      this.label.textContent = "No mention for these filters";
      return;
    }
    const first = this.days[start].bucket;
    const lastDay = this.days[end].bucket;
    const count = end - start + 1;
    this.label.textContent = `${fmtDate(first)} – ${fmtDate(lastDay)} · ${count} day${count > 1 ? "s" : ""}`
      + ` · ${fmtInt(this.totalBetween(start, end))} mentions`;
  }

  dragged(which) {
    const [start, end] = this.range();
    if (start > end) {
      if (which === "from") this.to.value = String(start);
      else this.from.value = String(end);
    }
    this.draw();
  }

  commit() {
    const [start, end] = this.range();
    const last = this.days.length - 1;
    this.onChange({
      from: start > 0 ? this.days[start].bucket : "",
      to: end < last ? this.days[end].bucket : "",
    });
  }

  preset(days) {
    const last = this.days.length - 1;
    if (last < 0) return;
    this.from.value = String(days ? Math.max(0, last - days + 1) : 0);
    this.to.value = String(last);
    this.draw();
    this.commit();
  }

  totalBetween(start, end) {
    return this.days.slice(start, end + 1)
      .reduce((sum, day) => sum + (day.suppressed ? 0 : day.mentions), 0);
  }

  // Mentions of the brand in the chosen period, all places together (the legend's base).
  total() {
    const [start, end] = this.range();
    return this.days.length ? this.totalBetween(start, end) : 0;
  }

  periodDays() {
    const [start, end] = this.range();
    return end - start + 1;
  }
}
