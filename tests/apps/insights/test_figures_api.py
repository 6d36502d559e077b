"""The aggregate endpoints through HTTP: figures, precision honesty, suppression below k."""

import datetime as dt

import orjson
from rest_framework.test import APIClient

from apps.brands.selectors import brands_entitled
from apps.insights.filters import InsightFilter
from apps.insights.selectors import spatial
from apps.insights.selectors.scope import brand_scope
from tests.insights_world import DAY, EAST, WEST, Seeder, World

REGIONS = "/api/v1/insights/regions/"


def test_regions_give_counts_interval_and_share_of_voice(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST, label="positive")
    seed(world.alpha, 10, WEST, label="negative")
    seed(world.beta, 11, WEST, label="neutral")
    body = read_client.get(REGIONS, {"layer": "fr-region", "brand": "alpha"}).json()
    [west] = body["features"]
    alpha = west["properties"]["brands"]["alpha"]
    assert (alpha["mentions"], alpha["positive"], alpha["negative"]) == (22, 12, 10)
    assert alpha["net_sentiment"] == round(2 / 22, 4)
    low, high = alpha["interval"]
    assert low < alpha["net_sentiment"] < high and high - low < 1
    assert alpha["share_of_voice"] == round(22 / 33, 4)
    assert west["geometry"]["type"] == "MultiPolygon"
    assert body["not_placed"] == 0


def test_a_country_located_mention_colours_no_region(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST)
    seed(world.alpha, 15, WEST, precision_m=500_000, provenance="country")
    regions = read_client.get(REGIONS, {"layer": "fr-region"}).json()
    assert regions["features"][0]["properties"]["brands"]["alpha"]["mentions"] == 12
    assert regions["not_placed"] == 15
    cells = read_client.get("/api/v1/insights/h3/", {"res": 6}).json()
    assert sum(f["properties"]["brands"]["alpha"]["mentions"] for f in cells["features"]) == 12
    assert cells["not_placed"] == 15


def test_commune_needs_a_finer_precision_than_its_region(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST, precision_m=20_000, provenance="profile")
    communes = read_client.get(REGIONS, {"layer": "fr-commune"}).json()
    regions = read_client.get(REGIONS, {"layer": "fr-region"}).json()
    assert communes["features"] == [] and communes["not_placed"] == 12
    assert regions["features"][0]["properties"]["brands"]["alpha"]["mentions"] == 12


def test_regions_below_k_authors_are_suppressed_without_counts(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST)
    seed(world.alpha, 30, EAST, authors=9)  # many mentions, too few people
    body = read_client.get(REGIONS, {"layer": "fr-region"}).json()
    by_code = {f["id"]: f["properties"] for f in body["features"]}
    assert by_code["E"]["suppressed"] is True
    assert by_code["E"]["brands"]["alpha"] == {"suppressed": True}
    assert by_code["W"]["suppressed"] is False


def test_h3_cells_carry_figures_and_polygons(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST)
    body = read_client.get("/api/v1/insights/h3/", {"res": 7}).json()
    [cell] = body["features"]
    assert cell["properties"]["brands"]["alpha"]["mentions"] == 12
    ring = cell["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and all(len(str(c).split(".")[-1]) <= 5 for c in ring[0])
    assert read_client.get("/api/v1/insights/h3/", {"res": 12}).status_code == 400


def test_share_of_voice_per_region(read_client: APIClient, world: World, seed: Seeder) -> None:
    seed(world.alpha, 10, WEST)
    seed(world.beta, 30, WEST)
    seed(world.beta, 12, EAST)  # a region alpha is absent from: not listed for alpha
    body = read_client.get(
        "/api/v1/insights/share-of-voice/", {"layer": "fr-region", "brand": "alpha"}
    ).json()
    [west] = body["regions"]
    shares = west["brands"]["alpha"]["shares"]
    assert shares["alpha"]["share"] == 0.25 and shares["beta"]["share"] == 0.75


def test_a_competitor_without_a_kept_atom_is_left_out_of_the_shares(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, EAST)
    seed(world.beta, 5, EAST)  # fewer authors than k: not even named
    body = read_client.get(
        "/api/v1/insights/share-of-voice/", {"layer": "fr-region", "brand": "alpha"}
    ).json()
    [east] = body["regions"]
    assert east["brands"]["alpha"]["shares"] == {"alpha": {"suppressed": False, "mentions": 12,
                                                           "share": 1.0}}  # fmt: skip


def test_timeseries_fills_the_calendar_and_suppresses_thin_days(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST, when=DAY)
    seed(world.alpha, 3, WEST, when=DAY + dt.timedelta(days=1))
    seed(world.alpha, 11, WEST, when=DAY + dt.timedelta(days=3))
    body = read_client.get("/api/v1/insights/timeseries/", {"interval": "day"}).json()
    buckets = body["series"]["alpha"]
    assert [b["bucket"] for b in buckets] == [
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
        "2026-11-05",
    ]
    assert [b.get("mentions") for b in buckets] == [12, None, 0, 11]
    assert buckets[1] == {"bucket": "2026-11-03", "suppressed": True}
    week = read_client.get("/api/v1/insights/timeseries/", {"interval": "week"}).json()
    assert week["series"]["alpha"][0]["mentions"] == 23  # the thin day's atom stays out


def test_places_rank_by_local_sentiment(read_client: APIClient, world: World, seed: Seeder) -> None:
    from django.contrib.gis.geos import Point  # noqa: PLC0415

    from tests.factories import PlaceFactory  # noqa: PLC0415

    PlaceFactory(brand=world.alpha, external_id="good", point=Point(*WEST, srid=4326))
    PlaceFactory(brand=world.alpha, external_id="bad", point=Point(*EAST, srid=4326))
    PlaceFactory(brand=world.alpha, external_id="quiet", point=Point(2.0, 47.0, srid=4326))
    seed(world.alpha, 12, WEST, label="positive")
    seed(world.alpha, 12, EAST, label="negative")
    seed(world.alpha, 12, (EAST[0] + 0.02, EAST[1]), label="positive")  # ~1.5 km away
    body = read_client.get("/api/v1/insights/places/", {"radius_m": 500}).json()
    ranked = [(p["external_id"], p.get("mentions")) for p in body["places"]]
    assert ranked == [("good", 12), ("bad", 12), ("quiet", 0)]
    assert body["brands"]["alpha"]["mentions"] == 36
    assert body["places"][0]["vs_brand"] == round(1 - 12 / 36, 4)


def test_compare_two_periods_gives_differences(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST, when=DAY)
    seed(world.alpha, 20, WEST, when=DAY + dt.timedelta(days=8), label="negative")
    body = read_client.get("/api/v1/insights/compare/", {
        "figure": "regions", "layer": "fr-region",
        "a_from": "2026-11-01T00:00:00Z", "a_to": "2026-11-08T00:00:00Z",
        "b_from": "2026-11-08T00:00:00Z", "b_to": "2026-11-15T00:00:00Z",
    }).json()  # fmt: skip
    [difference] = body["differences"]
    assert difference == {"unit": "W", "brand": "alpha", "mentions": 8, "net_sentiment": -2.0}


def test_compare_two_periods_on_h3_skips_suppressed_cells(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST, when=DAY)
    seed(world.alpha, 3, EAST, when=DAY)  # too few people: a suppressed cell in period a
    seed(world.alpha, 20, WEST, when=DAY + dt.timedelta(days=8), label="negative")
    response = read_client.get("/api/v1/insights/compare/", {
        "figure": "h3", "res": "5",
        "a_from": "2026-11-01T00:00:00Z", "a_to": "2026-11-08T00:00:00Z",
        "b_from": "2026-11-08T00:00:00Z", "b_to": "2026-11-15T00:00:00Z",
    })  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    [difference] = body["differences"]
    assert difference["mentions"] == 8 and difference["net_sentiment"] == -2.0
    assert [f["properties"]["suppressed"] for f in body["a"]["features"]].count(True) == 1


def test_h3_cells_written_as_json_at_once_are_the_json_of_their_dicts(
    world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST)
    seed(world.alpha, 3, EAST)  # alpha suppressed, beta not: a cell built as dicts
    seed(world.beta, 12, EAST)
    seed(world.alpha, 4, (2.0, 47.0))  # every brand suppressed: a cell written at once
    scope = brand_scope((world.alpha.pk, world.beta.pk), brands_entitled(None))
    query = InsightFilter(brand_ids=scope.focus_ids)
    written, built = (
        orjson.dumps(spatial.h3_figures(query, scope, 5, serialised=serialised))
        for serialised in (True, False)
    )
    assert written == built
    assert b'"suppressed":true,"brands"' in written and b'"suppressed":false' in written


def test_compare_two_brands(read_client: APIClient, world: World, seed: Seeder) -> None:
    seed(world.alpha, 12, WEST)
    seed(world.beta, 14, WEST)
    body = read_client.get(
        "/api/v1/insights/compare/", {"figure": "timeseries", "a_brand": "alpha", "b_brand": "beta"}
    ).json()
    assert body["a"]["series"]["alpha"][0]["mentions"] == 12
    assert body["b"]["series"]["beta"][0]["mentions"] == 14
    bad = read_client.get("/api/v1/insights/compare/", {"figure": "regions"})
    assert bad.status_code == 400 and "two periods" in bad.json()["detail"]
    # The figure's own parameters are validated as on its endpoint: a 400, never a 500.
    params = {"figure": "h3", "res": "abc", "a_brand": "alpha", "b_brand": "beta"}
    bad_res = read_client.get("/api/v1/insights/compare/", params)
    assert bad_res.status_code == 400 and "res" in bad_res.json()["detail"]
