"""Hotspots and anomalies find what the generator planted, and nothing on data without a pattern.

The world is a 24 x 24 grid of communes with skewed populations. The privacy threshold is set
to one author here so that the statistics see every cell; suppression has its own tests.
"""

import datetime as dt

import numpy as np
import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from apps.insights.rollups import rollups_refresh_all
from apps.insights.synthetic.patterns import Hotspot
from apps.insights.synthetic.services import GenerationSummary, mentions_generate
from apps.partners.models import Partner
from apps.regions.services import rebuild_region_parts
from geo.distance import haversine_m
from tests.factories import BoundaryLayerFactory, BrandFactory, RegionFactory, square

GRID, STEP, WEST_LON, SOUTH_LAT = 24, 0.1, 2.0, 46.0
END = dt.date(2026, 11, 15)


@pytest.fixture
def grid(partner: Partner) -> None:
    rng = np.random.default_rng(5)
    regions = BoundaryLayerFactory.create(name="fr-region")
    communes = BoundaryLayerFactory.create(name="fr-commune", parent_layer=regions)
    centre = (WEST_LON + GRID * STEP / 2, SOUTH_LAT + GRID * STEP / 2)
    region = RegionFactory.create(layer=regions, code="R", geom=square(*centre, GRID * STEP / 2))
    populations = rng.lognormal(8, 1.2, size=GRID * GRID).astype(int) + 100
    for index, population in enumerate(populations):
        lon = WEST_LON + STEP * (index % GRID + 0.5)
        lat = SOUTH_LAT + STEP * (index // GRID + 0.5)
        RegionFactory.create(layer=communes, code=f"C{index:03d}", population=int(population),
                             parent=region, geom=square(lon, lat, STEP / 2))  # fmt: skip
    rebuild_region_parts("fr-region")
    rebuild_region_parts("fr-commune")
    brands = [BrandFactory.create(slug=s, name=s.title()) for s in ("alpha", "beta")]
    brands[0].competitors.add(brands[1])
    partner.brands.add(*brands)


def _generate(patterns: bool) -> GenerationSummary:
    summary = mentions_generate(30_000, seed=3, days=42, end=END, patterns=patterns)
    rollups_refresh_all()
    return summary


def _cold_cells(read_client: APIClient, brand: str) -> list[dict]:
    response = read_client.get("/api/v1/insights/hotspots/", {"brand": brand, "res": "5"})
    assert response.status_code == 200, response.content
    body = response.json()
    return [c for c in body["brands"][brand] if c["sentiment"]["class"] != "not_significant"]


@override_settings(INSIGHTS_MIN_AUTHORS=1)
def test_hotspots_find_the_planted_negative_discs(read_client: APIClient, grid: None) -> None:
    summary = _generate(patterns=True)
    assert summary.patterns.hotspots
    for hotspot in summary.patterns.hotspots:
        flagged = _cold_cells(read_client, hotspot.brand_slug)
        near = [c for c in flagged if _distance_m(c, hotspot) <= hotspot.radius_m + 10_000]
        assert near, f"no significant cell near {hotspot}"
        assert all(c["sentiment"]["class"] == "cold" for c in near)
        # What is flagged is the disc, not noise elsewhere.
        far = [c for c in flagged if not _near_any(c, summary.patterns.hotspots)]
        assert len(far) <= len(near) // 5


@override_settings(INSIGHTS_MIN_AUTHORS=1)
def test_no_hotspot_and_no_anomaly_without_a_pattern(read_client: APIClient, grid: None) -> None:
    _generate(patterns=False)
    for brand in ("alpha", "beta"):
        assert _cold_cells(read_client, brand) == []
        series = read_client.get("/api/v1/insights/timeseries/", {"brand": brand}).json()
        assert [b["bucket"] for b in series["series"][brand] if b.get("anomalous")] == []


@override_settings(INSIGHTS_MIN_AUTHORS=1)
def test_the_anomaly_is_the_planted_spike(read_client: APIClient, grid: None) -> None:
    summary = _generate(patterns=True)
    spike = summary.patterns.spike
    assert spike is not None
    series = read_client.get("/api/v1/insights/timeseries/", {"brand": spike.brand_slug}).json()
    flagged = [b["bucket"] for b in series["series"][spike.brand_slug] if b.get("anomalous")]
    assert flagged == [spike.day.isoformat()]


def _centre(cell: dict) -> tuple[float, float]:
    ring = np.array(cell["geometry"]["coordinates"][0][:-1])
    return float(ring[:, 0].mean()), float(ring[:, 1].mean())


def _distance_m(cell: dict, hotspot: Hotspot) -> float:
    lon, lat = _centre(cell)
    return float(haversine_m(np.array([lon]), np.array([lat]), hotspot.lon, hotspot.lat)[0])


def _near_any(cell: dict, spots: tuple[Hotspot, ...]) -> bool:
    return any(_distance_m(cell, h) <= h.radius_m + 10_000 for h in spots)
