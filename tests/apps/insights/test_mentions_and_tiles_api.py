"""The mentions list and the vector tiles through HTTP."""

import mapbox_vector_tile
from django.test import override_settings
from rest_framework.test import APIClient

from apps.insights.rollups import rollup_days_mark_mentions, rollups_refresh_dirty
from apps.insights.selectors.tiles import POINTS_MIN_ZOOM
from apps.mentions.models import Mention
from tests.insights_world import EAST, WEST, Seeder, World, tile_of

MENTIONS = "/api/v1/insights/mentions/"


def test_mentions_page_by_cursor_newest_first(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 25, WEST)
    seen: list[str] = []
    url, params = MENTIONS, {"limit": 10}
    while url:
        body = read_client.get(url, params).json()
        seen += [f["id"] for f in body["features"]]
        url, params = body.get("next"), {}
    assert len(seen) == len(set(seen)) == 25
    assert read_client.get(MENTIONS, {"cursor": "garbage!"}).status_code == 400


def test_only_precise_mentions_are_points_snapped_to_the_grid(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, (1.000123, 47.000456), precision_m=15)
    seed(world.alpha, 11, WEST, precision_m=10_000, provenance="profile")
    body = read_client.get(MENTIONS, {"limit": 100}).json()
    points = [f for f in body["features"] if f["geometry"]]
    assert len(points) == 12 and body["not_placed"] == 11
    lon, lat = points[0]["geometry"]["coordinates"]
    # A 100 m grid: never the raw point, and within half a cell diagonal of it.
    assert (lon, lat) != (1.000123, 47.000456)
    assert abs(lat - 47.000456) * 111_320 <= 71 and abs(lon - 1.000123) * 75_900 <= 71
    properties = points[0]["properties"]
    assert properties["brands"] == ["alpha"] and properties["model_version"] == "test-model"
    assert not {"author_hash", "author_id", "author"} & set(properties)


def test_mentions_without_a_location_count_as_not_placed(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST, precision_m=15)
    unlocated = seed(world.alpha, 11, WEST, precision_m=15)
    Mention.objects.filter(id__in=[m.id for m in unlocated]).update(
        location=None, precision_m=None, location_provenance="none"
    )
    rollup_days_mark_mentions([m.id for m in unlocated])  # as a location correction does
    rollups_refresh_dirty()
    body = read_client.get(MENTIONS, {"limit": 100}).json()
    assert len(body["features"]) == 23 and body["not_placed"] == 11
    assert sum(1 for f in body["features"] if f["geometry"] is None) == 11


@override_settings(INSIGHTS_EXPOSE_TEXT=False)
def test_texts_can_be_withheld(read_client: APIClient, world: World, seed: Seeder) -> None:
    seed(world.alpha, 1, WEST)
    [feature] = read_client.get(MENTIONS).json()["features"]
    assert feature["properties"]["text"] is None


def _tile(client: APIClient, path: str, **params: str) -> dict:
    response = client.get(f"/api/v1/tiles/{path}.mvt", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content)


def test_point_tiles_from_zoom_12_only(read_client: APIClient, world: World, seed: Seeder) -> None:
    seed(world.alpha, 3, WEST, precision_m=10)
    seed(world.alpha, 4, WEST, precision_m=5_000, provenance="profile")
    tile = _tile(read_client, f"points/{tile_of(*WEST, 12)}")
    assert len(tile["points"]["features"]) == 3
    assert {f["properties"]["label"] for f in tile["points"]["features"]} == {"positive"}
    low = read_client.get(f"/api/v1/tiles/points/{tile_of(*WEST, POINTS_MIN_ZOOM - 1)}.mvt")
    assert low.status_code == 400 and "zoom 12" in low.json()["detail"]
    assert read_client.get("/api/v1/tiles/points/3/9/1.mvt").status_code == 400


def test_region_tiles_carry_figures_and_suppression(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST, label="negative")
    seed(world.alpha, 5, EAST)
    tile = _tile(read_client, f"fr-region/{tile_of(2.0, 47.0, 5)}")
    features = {f["properties"]["unit"]: f["properties"] for f in tile["alpha"]["features"]}
    assert features["W"]["mentions"] == 12 and features["W"]["net_sentiment"] == -1.0
    assert features["E"]["suppressed"] is True and "mentions" not in features["E"]


def test_h3_tiles_follow_the_zoom(read_client: APIClient, world: World, seed: Seeder) -> None:
    seed(world.alpha, 12, WEST)
    tile = _tile(read_client, f"h3/{tile_of(*WEST, 8)}")
    [cell] = tile["alpha"]["features"]
    assert cell["properties"]["mentions"] == 12 and cell["properties"]["unit"].startswith("85")
