"""Every filter of the shared grammar, and the bad inputs each gets a 400 for, through HTTP."""

import datetime as dt
from typing import Any

import orjson
import psycopg
import pytest
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from tests.insights_world import DAY, EAST, WEST, Seeder, World

REGIONS = "/api/v1/insights/regions/"


def alpha_total(client: APIClient, **params: Any) -> int:
    """alpha's mentions over the daily series: filters apply to single mentions there."""
    body = client.get("/api/v1/insights/timeseries/", params).json()
    return sum(bucket.get("mentions", 0) for bucket in body["series"].get("alpha", []))


def alpha_by_region(client: APIClient, **params: Any) -> dict[str, int]:
    body = client.get(REGIONS, {"layer": "fr-region", "geometry": "false", **params}).json()
    return {
        f["id"]: f["properties"]["brands"]["alpha"].get("mentions", 0) for f in body["features"]
    }


@pytest.fixture
def mixed(world: World, seed: Seeder) -> World:
    seed(world.alpha, 10, WEST, label="positive", source="post", lang="fr")
    seed(world.alpha, 11, WEST, label="negative", source="app_review", lang="en",
         when=DAY + dt.timedelta(days=10))  # fmt: skip
    seed(world.alpha, 12, EAST, label="neutral", precision_m=2_000, source="post", lang="fr")
    seed(world.beta, 13, EAST)
    return world


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 33),
        ({"brand": "alpha"}, 33),
        ({"from": "2026-11-05T00:00:00Z"}, 11),
        ({"to": "2026-11-05T00:00:00Z"}, 22),
        ({"bbox": "0.4,46.4,1.6,47.6"}, 21),
        ({"near": "47.0,3.0,5000"}, 12),
        ({"near": "47.0,3.0,1000"}, 0),  # the mentions there are located to 2 km only
        ({"region": "fr-region:E"}, 12),
        ({"source": "app_review"}, 11),
        ({"lang": "fr"}, 22),
        ({"sentiment": "negative,neutral"}, 23),
        ({"min_precision_m": 100}, 21),
        ({"polygon": orjson.dumps({"type": "Polygon", "coordinates": [
            [[2.5, 46.5], [3.5, 46.5], [3.5, 47.5], [2.5, 47.5], [2.5, 46.5]]]}).decode()}, 12),
    ],
)  # fmt: skip
def test_each_filter_narrows_the_figures(
    read_client: APIClient, mixed: World, params: dict[str, str], expected: int
) -> None:
    assert alpha_total(read_client, **params) == expected


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"brand": "gamma"}, "Unknown brand gamma"),  # exists, but belongs to partner B
        ({"brand": "nope"}, "Unknown brand nope"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-11-05T00:00:00Z", "to": "2026-11-01T00:00:00Z"}, "after"),
        ({"bbox": "1,2,3"}, "4 comma-separated"),
        ({"bbox": "3,47,1,48"}, "min < max"),
        ({"bbox": "0,0,200,10"}, "longitude"),
        ({"near": "47,3,-5"}, "radius"),
        ({"near": "nan,3,10"}, "finite"),
        ({"region": "fr-region:ZZ"}, "Unknown region"),
        ({"source": "fax"}, "Unknown source fax"),
        ({"sentiment": "angry"}, "Unknown sentiment"),
        ({"min_precision_m": "-1"}, "min_precision_m"),
        ({"layer": "nowhere"}, "Unknown layer"),
    ],
)
def test_bad_filters_get_400_with_a_reason(
    read_client: APIClient, world: World, params: dict[str, str], reason: str
) -> None:
    response = read_client.get(REGIONS, {"layer": "fr-region", **params})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert reason in response.content.decode()


@pytest.mark.parametrize(
    ("polygon", "reason"),
    [
        ("{not json", "not valid GeoJSON"),
        ('{"type": "Point", "coordinates": [1, 2]}', "Polygon or MultiPolygon"),
        ('{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}', "no area"),
        ('{"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}', "not valid GeoJSON"),
    ],
)
def test_bad_polygons_are_rejected_with_a_reason(
    read_client: APIClient, world: World, polygon: str, reason: str
) -> None:
    response = read_client.get(REGIONS, {"polygon": polygon})
    assert response.status_code == 400
    assert reason in response.json()["detail"]


def test_areas_select_whole_regions_on_region_figures(read_client: APIClient, mixed: World) -> None:
    # A 1 km circle holds no mention precise enough, but touches région E: E counts whole,
    # so that no two overlapping areas can split a région's mentions differently.
    assert alpha_by_region(read_client, near="47.0,3.0,1000") == {"E": 12}
    assert alpha_by_region(read_client, bbox="1.4,46.9,2.6,47.1") == {"W": 21, "E": 12}


def test_a_self_intersecting_polygon_is_repaired(read_client: APIClient, mixed: World) -> None:
    bowtie = {"type": "Polygon", "coordinates": [
        [[2.5, 46.5], [3.5, 47.5], [3.5, 46.5], [2.5, 47.5], [2.5, 46.5]]]}  # fmt: skip
    assert alpha_total(read_client, polygon=orjson.dumps(bowtie).decode()) == 12


def test_a_huge_polygon_is_refused_before_any_query(read_client: APIClient, world: World) -> None:
    ring = [[1 + 0.5 * (i % 2) * 1e-3 + i * 1e-4, 47 + (i % 7) * 1e-4] for i in range(10_001)]
    ring.append(ring[0])
    polygon = orjson.dumps({"type": "Polygon", "coordinates": [ring]}).decode()
    response = read_client.get(REGIONS, {"polygon": polygon})
    assert response.status_code == 400
    assert "10,002 vertices; the limit is 10,000" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
@override_settings(INSIGHTS_STATEMENT_TIMEOUT_MS=300)
@pytest.mark.parametrize("path", ["regions/?layer=fr-region", "timeseries/", "mentions/"])
def test_a_query_past_the_statement_timeout_answers_503(
    read_client: APIClient, mixed: World, path: str
) -> None:
    # Another session holds the table: the query waits on the lock until the timeout stops it.
    settings = connection.settings_dict
    dsn = " ".join(
        f"{key}={settings[name] or default}"
        for key, name, default in (
            ("host", "HOST", ""),
            ("port", "PORT", 5432),
            ("dbname", "NAME", ""),
            ("user", "USER", ""),
        )
    )
    with psycopg.connect(dsn) as locker:
        locker.execute(
            "LOCK TABLE mentions_mention, insights_unitdayrollup IN ACCESS EXCLUSIVE MODE"
        )
        response = read_client.get(f"/api/v1/insights/{path}")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "longer than 0.3 s" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/insights/regions/?layer=nowhere",
        "/api/v1/insights/share-of-voice/?layer=nowhere",
        "/api/v1/insights/hotspots/?layer=nowhere",
        "/api/v1/tiles/nowhere/6/32/22.mvt",
    ],
)
def test_an_unknown_layer_gets_400_naming_the_known_ones(
    read_client: APIClient, world: World, url: str
) -> None:
    response = read_client.get(url)
    assert response.status_code == 400, response.content
    assert "Unknown layer 'nowhere'; known layers:" in response.content.decode()
    assert "fr-region" in response.content.decode()
