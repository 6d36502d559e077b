"""k-anonymity: groups of fewer than k authors are suppressed everywhere, even by difference."""

import datetime as dt

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings
from rest_framework.test import APIClient

from apps.brands.models import Place
from tests.insights_world import DAY, EAST, WEST, Seeder, World, tile_of

THIN = 4  # authors of the small group every test tries to recover


@pytest.fixture
def thin_group(world: World, seed: Seeder) -> World:
    """12 authors in the west on DAY, and a group of 4 in the east on the next day."""
    seed(world.alpha, 12, WEST, when=DAY)
    seed(world.alpha, 12, EAST, when=DAY)
    seed(world.alpha, THIN, EAST, when=DAY + dt.timedelta(days=1), label="negative")
    Place.objects.create(brand=world.alpha, external_id="p", name="P", point=Point(*EAST))
    return world


def _every_count(body: object) -> list[int]:
    """Every integer named `mentions` anywhere in a response."""
    found: list[int] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "mentions" and isinstance(value, int):
                found.append(value)
            else:
                found += _every_count(value)
    elif isinstance(body, list):
        for value in body:
            found += _every_count(value)
    return found


ENDPOINTS = [
    ("regions/", {"layer": "fr-region", "geometry": "false"}),
    ("h3/", {"res": 6}),
    ("timeseries/", {"interval": "day"}),
    ("timeseries/", {"interval": "week"}),
    ("share-of-voice/", {"layer": "fr-region"}),
    ("places/", {"radius_m": 1000}),
    ("hotspots/", {"res": 6}),
    (
        "compare/",
        {"figure": "regions", "a_to": "2026-11-03T00:00:00Z", "b_from": "2026-11-03T00:00:00Z"},
    ),
]


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
def test_no_endpoint_shows_a_count_built_from_fewer_than_k_authors(
    read_client: APIClient, thin_group: World, path: str, params: dict
) -> None:
    for window in ({}, {"from": "2026-11-03T00:00:00Z"}, {"sentiment": "negative"}):
        body = read_client.get(f"/api/v1/insights/{path}", {**params, **window}).json()
        counts = _every_count(body)
        assert all(count == 0 or count >= 10 for count in counts), (window, counts)
        assert THIN not in counts and 12 + THIN not in counts and 24 + THIN not in counts


def test_the_east_on_the_thin_day_is_marked_suppressed(
    read_client: APIClient, thin_group: World
) -> None:
    body = read_client.get(
        "/api/v1/insights/regions/", {"layer": "fr-region", "from": "2026-11-03T00:00:00Z"}
    ).json()
    [east] = body["features"]
    assert east["properties"] == {**east["properties"], "suppressed": True}
    assert east["properties"]["brands"]["alpha"] == {"suppressed": True}


def test_overlapping_periods_do_not_reveal_the_small_group_by_difference(
    read_client: APIClient, thin_group: World
) -> None:
    def east(**params: str) -> int:
        body = read_client.get("/api/v1/insights/regions/", {"layer": "fr-region", **params}).json()
        props = {f["id"]: f["properties"] for f in body["features"]}["E"]
        return props["brands"]["alpha"].get("mentions", 0)

    both_days = east(to="2026-11-04T00:00:00Z")
    first_day = east(to="2026-11-03T00:00:00Z")
    assert both_days - first_day == 0  # and never THIN


def test_overlapping_areas_do_not_reveal_the_small_group_by_difference(
    read_client: APIClient, thin_group: World, seed: Seeder, world: World
) -> None:
    # Four more authors a few km from the west cluster, inside région W.
    seed(world.alpha, THIN, (WEST[0] - 0.3, WEST[1]), when=DAY)

    def west(bbox: str) -> int:
        body = read_client.get(
            "/api/v1/insights/regions/", {"layer": "fr-region", "bbox": bbox}
        ).json()
        props = {f["id"]: f["properties"] for f in body["features"]}["W"]
        return props["brands"]["alpha"]["mentions"]

    wide, narrow = west("0.5,46.5,1.5,47.5"), west("0.9,46.9,1.1,47.1")
    assert wide - narrow == 0


def test_tiles_suppress_like_the_json(read_client: APIClient, thin_group: World) -> None:
    response = read_client.get(
        f"/api/v1/tiles/fr-region/{tile_of(2.0, 47.0, 5)}.mvt", {"from": "2026-11-03T00:00:00Z"}
    )
    [feature] = mapbox_vector_tile.decode(response.content)["alpha"]["features"]
    assert feature["properties"]["suppressed"] is True
    assert "mentions" not in feature["properties"]


@override_settings(INSIGHTS_MIN_AUTHORS=3)
def test_k_is_a_setting(read_client: APIClient, thin_group: World) -> None:
    body = read_client.get(
        "/api/v1/insights/regions/", {"layer": "fr-region", "from": "2026-11-03T00:00:00Z"}
    ).json()
    assert body["features"][0]["properties"]["brands"]["alpha"]["mentions"] == THIN


def test_the_mentions_list_hides_a_thin_unplaced_count(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST)
    seed(world.alpha, THIN, WEST, precision_m=5_000, provenance="profile")
    body = read_client.get("/api/v1/insights/mentions/").json()
    assert body["not_placed"] is None
