// The public insights API, called with the staff session cookie (GET only: no CSRF token).

export class ApiError extends Error {}

export function isAbort(error) {
  return error && error.name === "AbortError";
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export class Api {
  constructor(urls) {
    this.urls = urls;
    this.pending = new Set();
    this.channels = new Map();
  }

  // GET an endpoint by name; a newer call on the same channel aborts the older one.
  async get(name, params, channel = null) {
    if (channel) this.channels.get(channel)?.abort();
    const controller = new AbortController();
    if (channel) this.channels.set(channel, controller);
    const request = this.fetchJson(`${this.urls[name]}${query(params)}`, controller.signal);
    this.pending.add(request);
    try {
      return await request;
    } finally {
      this.pending.delete(request);
      if (channel && this.channels.get(channel) === controller) this.channels.delete(channel);
    }
  }

  async fetchJson(url, signal) {
    const response = await fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal,
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = body && (body.detail || body.title);
      throw new ApiError(detail ? String(detail) : `The API answered ${response.status}.`);
    }
    return body;
  }

  absolute(path) {
    return `${window.location.origin}${path}`;
  }

  // A MapLibre tile URL template ({z}/{x}/{y} left for MapLibre to fill in).
  tiles(layer, params) {
    return this.absolute(this.urls.tiles.replace("{layer}", encodeURIComponent(layer)))
      + query(params);
  }

  settled() {
    return Promise.allSettled([...this.pending]);
  }
}
