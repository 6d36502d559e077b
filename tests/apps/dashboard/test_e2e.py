"""The dashboard end to end: Debian's chromium (Playwright) against a live server over
generated data. What is drawn is read from the map's render (queryRenderedFeatures) and
compared with the public insights API the page reads."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from playwright.sync_api import Browser

from tests.apps.dashboard.browser import DESKTOP, PHONE, Dashboard
from tests.apps.dashboard.conftest import LiveWorld, open_dashboard

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db]

AREAS = ("areas-fill", "areas-suppressed")
CELLS = ("cells-fill", "cells-suppressed")
PARIS = (2.3522, 48.8566)
MINUS = "\N{MINUS SIGN}"  # how the page writes negative figures
H3_CELL = re.compile(r"^8[4-9][0-9a-f]{13}$")


def _figures(collection: dict, brand: str) -> dict[str, dict]:
    return {f["properties"]["code"]: f["properties"]["brands"][brand]
            for f in collection["features"]}  # fmt: skip


def test_staff_sign_in_leads_to_the_dashboard(browser: Browser, live_world: LiveWorld) -> None:
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"{live_world.url}/dashboard/?brand=lidl")
        assert "/admin/login/" in page.url
        page.fill("#id_username", live_world.world.username)
        page.fill("#id_password", live_world.world.password)
        page.click("input[type=submit]")
        page.wait_for_function("window.voxpop && window.voxpop.started")
        assert page.url.startswith(f"{live_world.url}/dashboard/?brand=lidl")
    finally:
        context.close()


def test_loads_without_console_errors_and_draws_the_selected_brand(dashboard: Dashboard) -> None:
    dashboard.open("?brand=carrefour")
    drawn = dashboard.rendered(*AREAS)
    assert drawn, "no région drawn"
    assert {f["sourceLayer"] for f in drawn} == {"carrefour"}
    regions = dashboard.api("regions", brand="carrefour", layer="fr-region", geometry="false")
    api = _figures(regions, "carrefour")
    for code, properties in dashboard.units(*AREAS).items():
        assert properties["suppressed"] == api[code]["suppressed"]
        if not properties["suppressed"]:
            assert properties["net_sentiment"] == pytest.approx(api[code]["net_sentiment"])
    legend = dashboard.page.locator("#legend").inner_text()
    assert "Net sentiment by région" in legend and "could not be placed at région level" in legend
    not_placed = dashboard.page.locator("#legend .not-placed").get_attribute("data-count")
    assert not_placed == str(regions["not_placed"])
    dashboard.settle()
    assert dashboard.errors == []


def test_switching_layer_brand_and_period_changes_what_is_drawn(dashboard: Dashboard) -> None:
    dashboard.open("?brand=carrefour")
    regions = dashboard.units(*AREAS)

    dashboard.page.click("#layer button[data-layer=h3]")
    dashboard.settle()
    cells = dashboard.units(*CELLS)
    assert cells and all(H3_CELL.match(unit) for unit in cells)
    assert not dashboard.rendered(*AREAS)
    assert "H3 cell (resolution 4)" in dashboard.page.locator("#legend").inner_text()
    dashboard.screenshot("hexagons.png")

    dashboard.page.select_option("#brand", "lidl")
    dashboard.settle()
    assert dashboard.units(*CELLS) != cells

    dashboard.page.click("#layer button[data-layer=hotspots]")
    dashboard.page.select_option("#metric", "volume")
    dashboard.settle()
    spots = dashboard.api("hotspots", brand="lidl", res=4)["brands"]["lidl"]
    significant = {s["cell"]: s["volume"]["class"] for s in spots
                   if s["volume"]["class"] != "not_significant"}  # fmt: skip
    drawn = {unit: p["cls"] for unit, p in dashboard.units("hotspots-line").items()}
    assert drawn and drawn == significant
    assert "Hotspots of volume" in dashboard.page.locator("#legend").inner_text()
    dashboard.screenshot("hotspots.png")
    dashboard.jump(*PARIS, 9.2)
    assert "resolution 5" in dashboard.page.locator("#legend").inner_text()

    dashboard.page.click("#layer button[data-layer=points]")
    dashboard.jump(*PARIS, 12.6)
    points = dashboard.rendered("points-circle")
    assert points and {p["properties"]["brand"] for p in points} == {"lidl"}
    dashboard.screenshot("points.png")

    dashboard.page.click("#layer button[data-layer=choropleth]")
    dashboard.page.evaluate(
        "voxpop.map.jumpTo(voxpop.map.cameraForBounds([[-5.2, 41.3], [9.6, 51.1]]))"
    )
    dashboard.settle()
    assert {f["sourceLayer"] for f in dashboard.rendered(*AREAS)} == {"lidl"}
    assert dashboard.units(*AREAS) != regions

    before = sum(p.get("mentions") or 0 for p in dashboard.units(*AREAS).values())
    dashboard.page.click(".presets button[data-days='7']")
    dashboard.settle()
    assert dashboard.state()["from"]
    after = sum(p.get("mentions") or 0 for p in dashboard.units(*AREAS).values())
    assert 0 < after < before


def test_clicking_a_region_shows_its_figures_and_chart(
    dashboard: Dashboard, live_world: LiveWorld
) -> None:
    dashboard.open("?brand=carrefour")
    dashboard.click_map(*live_world.world.inside["fr-region:11"])
    details = dashboard.page.locator("#details[data-state=ready]")
    details.wait_for()
    dashboard.settle()
    assert dashboard.state()["sel"] == "fr-region:11"
    assert "Île-de-France" in details.locator("h2").inner_text()
    region = dashboard.api("regions", brand="carrefour", layer="fr-region",
                           region="fr-region:11", geometry="false")  # fmt: skip
    api = _figures(region, "carrefour")["11"]
    figures = details.locator(".figures")
    assert figures.get_attribute("data-mentions") == str(api["mentions"])
    low, high = (f"{bound:+.2f}".replace("-", MINUS) for bound in api["interval"])
    assert f"[{low}, {high}]" in figures.inner_text()
    series = dashboard.api("timeseries", brand="carrefour", region="fr-region:11")["series"]
    buckets = series["carrefour"]
    chart = details.locator("svg.chart")
    assert chart.locator(".bucket").count() == len(buckets)
    anomalous = sum(1 for b in buckets if b.get("anomalous"))
    assert chart.locator(".bucket[data-anomalous=true]").count() == anomalous
    assert details.locator(".share-list li[data-brand=carrefour]").count() == 1
    assert details.locator(".mention").count() > 0
    assert dashboard.units("areas-selected").keys() == {"11"}
    dashboard.screenshot("dashboard.png")

    with override_settings(INSIGHTS_EXPOSE_TEXT=False):
        details.locator("button.close").click()
        dashboard.click_map(*live_world.world.inside["fr-region:11"])
        details.wait_for()
        dashboard.settle()
        assert details.locator(".withheld").count() == details.locator(".mention").count() > 0


def test_suppressed_areas_render_as_suppressed(dashboard: Dashboard, live_world: LiveWorld) -> None:
    dashboard.open("?brand=carrefour&level=fr-departement")
    api = _figures(dashboard.api("regions", brand="carrefour", layer="fr-departement",
                                 geometry="false"), "carrefour")  # fmt: skip
    suppressed = dashboard.units("areas-suppressed")
    shown = dashboard.units("areas-fill")
    assert suppressed and shown
    assert all(api[code]["suppressed"] for code in suppressed)
    assert not any(api[code]["suppressed"] for code in shown)
    pattern = "voxpop.map.getPaintProperty('areas-suppressed', 'fill-pattern')"
    assert dashboard.page.evaluate(pattern) == "voxpop-hatch"
    count = sum(1 for figures in api.values() if figures["suppressed"])
    assert (
        f"Suppressed: fewer than 3 authors ({count} areas)"
        in dashboard.page.locator("#legend").inner_text()
    )
    code = sorted(suppressed)[0]
    dashboard.click_map(*live_world.world.inside[f"fr-departement:{code}"])
    dashboard.page.locator("#details[data-state=ready]").wait_for()
    assert dashboard.page.locator("#details .figures").get_attribute("data-suppressed") == "true"
    dashboard.settle()
    dashboard.screenshot("suppressed.png")


def test_the_url_round_trips_the_state(
    dashboard: Dashboard, browser: Browser, live_world: LiveWorld
) -> None:
    dashboard.open("?brand=carrefour")
    dashboard.page.select_option("#brand", "intermarche")
    dashboard.page.click("#competitors summary")
    dashboard.page.locator("#competitor-list input[value=lidl]").uncheck()
    dashboard.page.click("#competitors summary")
    dashboard.page.select_option("#metric", "volume")
    dashboard.page.select_option("#lang", "fr")
    dashboard.page.locator("#period-from").fill("3")  # the time slider's first-day handle
    dashboard.page.click("#layer button[data-layer=h3]")
    dashboard.jump(4.85, 45.76, 6.3)
    dashboard.click_map(*_shown_cell_nearest(dashboard, (4.85, 45.76)))
    dashboard.page.locator("#details[data-state=ready]").wait_for()
    dashboard.settle()
    url = dashboard.page.url
    state = dashboard.state()
    assert state["sel"].startswith("h3:")
    query = parse_qs(urlsplit(url).query)
    assert query["brand"] == ["intermarche"] and query["layer"] == ["h3"]
    assert "lidl" not in query["vs"][0] and query["metric"] == ["volume"]
    assert query["lang"] == ["fr"] and query["from"] == ["2026-11-03"]
    drawn = dashboard.units(*CELLS)

    context, again = open_dashboard(browser, live_world, viewport=DESKTOP)
    try:
        again.open("?" + urlsplit(url).query)
        assert again.state() == state
        assert again.page.url == url
        assert again.units(*CELLS) == drawn
        assert again.page.locator("#brand").input_value() == "intermarche"
        assert again.page.locator("#metric").input_value() == "volume"
        assert again.page.locator("#lang").input_value() == "fr"
        assert again.page.locator("#period-from").input_value() == "3"
        assert not again.page.locator("#competitor-list input[value=lidl]").is_checked()
        assert again.page.locator("#details .figures").count() == 1
        assert again.errors == []
    finally:
        context.close()


def _shown_cell_nearest(dashboard: Dashboard, where: tuple[float, float]) -> tuple[float, float]:
    """The centre of the drawn, unsuppressed cell nearest to a point (away from the controls)."""
    centres = dashboard.page.evaluate(
        """() => voxpop.map.getSource('cells').serialize().data.features
            .filter((f) => !f.properties.suppressed)
            .map((f) => f.geometry.coordinates[0].slice(1))
            .map((ring) => [ring.reduce((s, p) => s + p[0], 0) / ring.length,
                            ring.reduce((s, p) => s + p[1], 0) / ring.length])"""
    )
    return min(centres, key=lambda c: (c[0] - where[0]) ** 2 + (c[1] - where[1]) ** 2)


def test_places_view_ranks_the_stores(dashboard: Dashboard) -> None:
    dashboard.open("?brand=carrefour")
    dashboard.page.click("#tab-places")
    dashboard.settle()
    api = dashboard.api("places", brand="carrefour")["places"]
    rows = dashboard.page.locator("#places-table tbody tr")
    assert rows.count() == len(api) > 0
    assert [rows.nth(i).get_attribute("data-place") for i in range(rows.count())] == [
        place["external_id"] for place in api
    ]
    assert set(dashboard.units("places-circle", "places-hollow")) == {p["external_id"] for p in api}
    rows.first.click()
    dashboard.page.locator("#details[data-state=ready]").wait_for()
    dashboard.settle()
    assert dashboard.state()["sel"] == f"place:{api[0]['external_id']}"
    dashboard.screenshot("places.png")


def test_phone_viewport(browser: Browser, live_world: LiveWorld) -> None:
    context, phone = open_dashboard(browser, live_world, viewport=PHONE, is_mobile=True,
                                    has_touch=True)  # fmt: skip
    try:
        phone.open("?brand=carrefour")
        assert phone.rendered(*AREAS)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        assert not phone.page.locator("#source").is_visible()
        phone.page.click("#filters-toggle")
        assert phone.page.locator("#source").is_visible()
        phone.click_map(*live_world.world.inside["fr-region:84"])
        phone.page.locator("#details[data-state=ready]").wait_for()
        phone.settle()
        assert phone.page.locator("#details svg.chart").is_visible()
        phone.screenshot("phone.png", full_page=True)
        assert phone.errors == []
    finally:
        context.close()
