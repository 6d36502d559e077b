"""Playwright helpers for the dashboard's end-to-end tests (Debian's chromium, never a download)."""

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import ConsoleMessage, Error, Page, ViewportSize

# WebGL without a GPU: SwiftShader, which Debian's chromium ships.
CHROMIUM_ARGS = ("--use-angle=swiftshader", "--enable-unsafe-swiftshader")
DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)

RENDERED_JS = """(layers) => voxpop.map.queryRenderedFeatures({
    layers: layers.filter((id) => voxpop.map.getLayer(id)),
}).map((f) => ({
    layer: f.layer.id, sourceLayer: f.sourceLayer || null, properties: f.properties,
}))"""


def chromium_path() -> str:
    return shutil.which("chromium") or "/usr/bin/chromium"


class Dashboard:
    """One page of the dashboard, with the console errors it logged."""

    def __init__(self, page: Page, base_url: str, artifacts: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.artifacts = artifacts
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _page_error(self, error: Error) -> None:
        self.errors.append(str(error))

    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.base_url}/dashboard/{query}")
        self.page.wait_for_function("window.voxpop && window.voxpop.started", timeout=30_000)
        self.settle()

    def settle(self) -> None:
        assert self.page.evaluate("voxpop.settled()"), "the dashboard never came to rest"

    def state(self) -> dict[str, str]:
        return self.page.evaluate("voxpop.state")

    def rendered(self, *layers: str) -> list[dict[str, Any]]:
        """Features the map drew on these layers (from its render, not from the DOM)."""
        return self.page.evaluate(RENDERED_JS, list(layers))

    def units(self, *layers: str) -> dict[str, dict[str, Any]]:
        """Rendered features by unit (a region split across tiles counts once)."""
        return {str(f["properties"]["unit"]): f["properties"] for f in self.rendered(*layers)}

    def click_map(self, lon: float, lat: float) -> None:
        x, y = self.page.evaluate(
            "([lon, lat]) => { const p = voxpop.map.project([lon, lat]); return [p.x, p.y]; }",
            [lon, lat],
        )
        box = self.page.locator("#map").bounding_box()
        assert box is not None
        self.page.mouse.click(box["x"] + x, box["y"] + y)

    def jump(self, lon: float, lat: float, zoom: float) -> None:
        self.page.evaluate(
            "([lon, lat, zoom]) => voxpop.map.jumpTo({center: [lon, lat], zoom})", [lon, lat, zoom]
        )
        self.settle()

    def api(self, endpoint: str, **params: Any) -> Any:
        """The insights API as the page's session sees it."""
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        response = self.page.request.get(f"{self.base_url}/api/v1/insights/{endpoint}/?{query}")
        assert response.ok, response.text()
        return response.json()

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path
