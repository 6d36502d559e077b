"""Rollups: the same answers as the mentions table, recomputed per day, never stale."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.test import APIClient

from apps.insights.aggregates import h3_unit
from apps.insights.filters import InsightFilter
from apps.insights.models import DirtyRollupDay, UnitDayRollup
from apps.insights.rollup_reads import MAX_PENDING_DAYS, rollup_counts_and_unplaced
from apps.insights.rollups import (
    rollup_days_mark_mentions,
    rollups_refresh_all,
    rollups_refresh_dirty,
)
from apps.insights.sql import insight_cursor
from apps.insights.tasks import refresh_rollups
from apps.mentions.corrections import mention_correct_label
from apps.mentions.models import Mention, MentionBrand, MentionRegion
from apps.mentions.services import author_erase
from tests.insights_world import DAY, EAST, WEST, Seeder, World

QUERIES = [
    ("regions/", {"layer": "fr-region", "geometry": "false"}),
    ("regions/", {"layer": "fr-commune", "geometry": "false", "from": "2026-11-03T00:00:00Z"}),
    ("regions/", {"layer": "fr-region", "geometry": "false", "bbox": "0.5,46.5,1.5,47.5"}),
    ("h3/", {"res": 5}),
    ("h3/", {"res": 5, "brand": "alpha"}),  # not the cell where only its competitor is
    ("h3/", {"res": 7, "near": "47.0,1.0,3000"}),
    ("timeseries/", {"interval": "day"}),
    ("timeseries/", {"interval": "week", "to": "2026-11-06T00:00:00Z"}),
    ("share-of-voice/", {"layer": "fr-region"}),
    ("places/", {}),
]


@pytest.fixture
def varied(world: World, seed: Seeder) -> World:
    for day in range(6):
        when = DAY + dt.timedelta(days=day)
        seed(world.alpha, 10 + day, WEST, when=when, label=("positive", "negative")[day % 2])
        seed(world.alpha, 9 + day, EAST, when=when, label="neutral", authors=8 + day)
        seed(world.beta, 12, WEST, when=when)
        seed(world.beta, 12, (WEST[0] + 0.3, WEST[1] + 0.3), when=when)
        seed(world.alpha, 11, WEST, when=when, precision_m=20_000, provenance="profile")
    return world


def both_ways(client: APIClient, url: str, params: dict) -> tuple[dict, dict]:
    """The answer read from the rollups, then from the mentions table."""
    answers = []
    for use_rollups in (True, False):
        with override_settings(INSIGHTS_USE_ROLLUPS=use_rollups):
            answers.append(client.get(url, params).json())
    return answers[0], answers[1]


@pytest.mark.parametrize(("path", "params"), QUERIES)
def test_rollups_answer_exactly_as_the_mentions_table(
    read_client: APIClient, varied: World, path: str, params: dict
) -> None:
    url = f"/api/v1/insights/{path}"
    from_rollups, from_mentions = both_ways(read_client, url, params)
    assert from_rollups == from_mentions
    assert '"suppressed": false' in json.dumps(from_rollups)  # not two empty answers


@pytest.mark.parametrize("path", ["share-of-voice/", "regions/"])
def test_a_region_where_only_a_competitor_is_stays_out_both_ways(
    read_client: APIClient, world: World, seed: Seeder, path: str
) -> None:
    seed(world.alpha, 12, WEST)
    seed(world.beta, 12, WEST)
    seed(world.beta, 15, EAST)  # kept atoms of the competitor alone
    url, params = f"/api/v1/insights/{path}", {"layer": "fr-region", "brand": "alpha"}
    from_rollups, from_mentions = both_ways(read_client, url, params)
    assert from_rollups == from_mentions
    units = from_rollups.get("regions") or from_rollups["features"]
    assert [unit.get("region") or unit["id"] for unit in units] == ["W"]


@pytest.mark.parametrize("params", [{"res": 5}, {"layer": "fr-region"}])
def test_hotspots_answer_exactly_as_the_mentions_table(
    read_client: APIClient, varied: World, seed: Seeder, params: dict
) -> None:
    # Enough touching cells with kept atoms for Gi* to run (it needs three units).
    for step in range(1, 4):
        for day in range(3):
            when, label = DAY + dt.timedelta(days=day), ("positive", "negative")[step % 2]
            seed(varied.alpha, 10 + step, (WEST[0] + 0.12 * step, WEST[1]), when=when, label=label)
    url = "/api/v1/insights/hotspots/"
    from_rollups, from_mentions = both_ways(read_client, url, params)
    assert from_rollups == from_mentions
    alpha = from_rollups["brands"]["alpha"]
    assert len(alpha) >= (3 if "res" in params else 2)  # not two empty answers
    if "res" in params:
        assert {unit["volume"]["z"] for unit in alpha} != {0.0}  # the statistic ran


def _west_alpha(client: APIClient) -> int:
    body = client.get(
        "/api/v1/insights/regions/", {"layer": "fr-region", "geometry": "false"}
    ).json()
    return {f["id"]: f["properties"] for f in body["features"]}["W"]["brands"]["alpha"]["mentions"]


def test_queries_read_the_rollups_unless_a_day_is_pending(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST)
    assert _west_alpha(read_client) == 12
    UnitDayRollup.objects.filter(level__startswith="region:", brand=world.alpha).update(mentions=99)
    assert _west_alpha(read_client) == 99  # read from the rollups…
    DirtyRollupDay.objects.create(day=DAY.date(), marked_at=DAY)
    assert _west_alpha(read_client) == 12  # …but never while one of their days is pending
    refresh_rollups()
    assert _west_alpha(read_client) == 12 and not DirtyRollupDay.objects.exists()


def test_a_pending_day_is_read_from_the_mentions_beside_the_others_rollups(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    for day in range(2):
        seed(world.alpha, 12, WEST, when=DAY + dt.timedelta(days=day))
    assert _west_alpha(read_client) == 24
    UnitDayRollup.objects.filter(level__startswith="region:", brand=world.alpha).update(mentions=99)
    DirtyRollupDay.objects.create(day=DAY.date(), marked_at=DAY)
    # The second day from its (altered) rollups, the pending first day from the mentions.
    assert _west_alpha(read_client) == 99 + 12
    # Past MAX_PENDING_DAYS pending days, the whole query reads the mentions.
    for day in range(1, MAX_PENDING_DAYS + 1):
        DirtyRollupDay.objects.create(day=(DAY + dt.timedelta(days=day)).date(), marked_at=DAY)
    assert _west_alpha(read_client) == 24


@pytest.mark.parametrize(("path", "params"), QUERIES)
def test_answers_with_a_pending_day_are_those_of_the_mentions_table(
    read_client: APIClient, varied: World, path: str, params: dict
) -> None:
    # A day changed after its rollups were made, its refresh still pending.
    day = (DAY + dt.timedelta(days=2)).date()
    changed = Mention.objects.filter(created_at__date=day, brand_ids__contains=[varied.alpha.pk])
    assert changed.update(opinion_label="negative") > 0
    DirtyRollupDay.objects.create(day=day, marked_at=DAY)
    url = f"/api/v1/insights/{path}"
    from_rollups, from_mentions = both_ways(read_client, url, params)
    assert from_rollups == from_mentions


MENTION_PAGES = [{}, {"from": "2026-11-03T00:00:00Z"}, {"bbox": "0.5,46.5,1.5,47.5"},
                 {"source": "post"}]  # fmt: skip


@pytest.mark.parametrize("params", MENTION_PAGES)
def test_the_mentions_not_placed_count_is_the_same_from_the_rollups(
    read_client: APIClient, varied: World, params: dict
) -> None:
    url = "/api/v1/insights/mentions/"
    from_rollups, from_mentions = both_ways(read_client, url, params | {"brand": "alpha"})
    assert from_rollups == from_mentions
    assert from_rollups["not_placed"]  # the imprecise mentions of the fixture, each day


@pytest.mark.parametrize(("days", "shown"), [(1, None), (2, 12)])
def test_a_not_placed_count_of_days_each_under_k_is_shown_only_when_they_add_up_to_k(
    read_client: APIClient, world: World, seed: Seeder, days: int, shown: int | None
) -> None:
    for day in range(days):  # six new people a day, fewer than k on any one day
        seed(world.alpha, 6, WEST, when=DAY + dt.timedelta(days=day), precision_m=1_000_000,
             provenance="profile")  # fmt: skip
    seed(world.alpha, 12, WEST)
    for path in ("mentions/", "regions/"):
        params = {"brand": "alpha", "layer": "fr-region", "geometry": "false"}
        from_rollups, from_mentions = both_ways(read_client, f"/api/v1/insights/{path}", params)
        assert from_rollups["not_placed"] == from_mentions["not_placed"] == shown


def test_a_first_page_without_an_area_counts_from_the_rollups(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 11, WEST, precision_m=20_000, provenance="profile")
    url, alpha = "/api/v1/insights/mentions/", {"brand": "alpha"}
    assert read_client.get(url, alpha).json()["not_placed"] == 11
    UnitDayRollup.objects.filter(level="unplaced:point").update(mentions=99)
    assert read_client.get(url, alpha).json()["not_placed"] == 99
    # With an area, or several brands, the page's own statement counts them.
    area = alpha | {"bbox": "0.5,46.5,1.5,47.5"}
    assert read_client.get(url, area).json()["not_placed"] == 11
    assert read_client.get(url, {"brand": "alpha,beta"}).json()["not_placed"] == 11


def test_a_mention_about_two_brands_is_not_placed_once(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    both = seed(world.alpha, 11, WEST, precision_m=20_000, provenance="profile")
    Mention.objects.filter(id__in=[m.id for m in both]).update(
        brand_ids=[world.alpha.pk, world.beta.pk]
    )
    MentionBrand.objects.bulk_create(MentionBrand(mention=m, brand=world.beta) for m in both)
    rollup_days_mark_mentions([m.id for m in both])
    rollups_refresh_dirty()
    body = read_client.get("/api/v1/insights/mentions/", {"brand": "alpha,beta"}).json()
    assert body["not_placed"] == 11 and len(body["features"]) == 11


def test_an_author_of_several_days_counts_once_from_the_rollups(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    # The same 12 people on three days: per-day atoms hold their keys three times.
    for day in range(3):
        seed(world.alpha, 12, WEST, when=DAY + dt.timedelta(days=day))
        seed(world.alpha, 10, WEST, when=DAY + dt.timedelta(days=day), precision_m=1_000_000,
             provenance="profile")  # fmt: skip
    mentions = list(Mention.objects.all())
    for mention in mentions:
        mention.author_hash = "same-" + mention.author_hash.rsplit("-", 1)[1]
    Mention.objects.bulk_update(mentions, ["author_hash"])
    rollups_refresh_all()
    params = {"layer": "fr-region", "geometry": "false", "brand": "alpha"}
    answers = both_ways(read_client, "/api/v1/insights/regions/", params)
    assert answers[0] == answers[1]
    west = {f["id"]: f["properties"] for f in answers[0]["features"]}["W"]["brands"]["alpha"]
    assert (west["mentions"], west["authors"]) == (36, 12)
    assert answers[0]["not_placed"] == 30


def test_a_deleted_brand_leaves_the_rollups_refreshable(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    seed(world.alpha, 12, WEST)
    seed(world.beta, 12, WEST)
    world.beta.delete()  # its id stays in its mentions' brand_ids
    DirtyRollupDay.objects.create(day=DAY.date(), marked_at=DAY)
    refresh_rollups()
    assert not DirtyRollupDay.objects.exists()
    assert _west_alpha(read_client) == 12


def test_a_label_correction_refreshes_its_day(
    read_client: APIClient, world: World, seed: Seeder
) -> None:
    mentions = seed(world.alpha, 12, WEST, label="positive")
    user = get_user_model().objects.create_user("editor", is_staff=True)
    mention_correct_label(mentions[0], "negative", user=user, reason="sarcasm")
    assert DirtyRollupDay.objects.filter(day=DAY.date()).exists()
    refresh_rollups()
    row = UnitDayRollup.objects.get(level="all", brand=world.alpha, day=DAY.date())
    assert (row.positive, row.negative) == (11, 1)


def test_an_erasure_refreshes_its_days(world: World, seed: Seeder) -> None:
    from apps.mentions.services import author_pseudonymise  # noqa: PLC0415

    mentions = seed(world.alpha, 12, WEST)
    Mention.objects.filter(pk=mentions[0].pk).update(author_hash=author_pseudonymise("someone"))
    assert author_erase("someone") == 1
    refresh_rollups()
    assert UnitDayRollup.objects.get(level="all", brand=world.alpha, day=DAY.date()).mentions == 11


def test_recomputing_everything_is_idempotent(varied: World) -> None:
    def snapshot() -> list[tuple]:
        return sorted(
            UnitDayRollup.objects.values_list(
                "level", "unit", "brand_id", "day", "mentions", "positive", "authors"
            )
        )

    before = snapshot()
    assert rollups_refresh_all() == 6
    assert snapshot() == before and len(before) > 50


def test_the_not_placed_count_with_a_pending_day_is_that_of_the_mentions(
    read_client: APIClient, varied: World
) -> None:
    day = (DAY + dt.timedelta(days=2)).date()
    precise = Mention.objects.filter(created_at__date=day, precision_m__lt=100)
    assert precise.update(precision_m=20_000) > 0  # now too imprecise for a point
    DirtyRollupDay.objects.create(day=day, marked_at=DAY)
    url, alpha = "/api/v1/insights/mentions/", {"brand": "alpha"}
    answers = both_ways(read_client, url, alpha)
    from_rollups, from_mentions = (answer["not_placed"] for answer in answers)
    assert from_rollups == from_mentions


@pytest.mark.parametrize("path", ["regions/", "h3/"])
def test_a_choropleths_not_placed_count_with_a_pending_day_is_that_of_the_mentions(
    read_client: APIClient, varied: World, path: str
) -> None:
    params = {"brand": "alpha", "layer": "fr-region", "geometry": "false", "res": "5"}
    before = read_client.get(f"/api/v1/insights/{path}", params).json()["not_placed"]
    day = (DAY + dt.timedelta(days=2)).date()
    on_day = Mention.objects.filter(created_at__date=day, brand_ids__contains=[varied.alpha.pk])
    # Placed no more, as a new location would leave them: their rollups still place them.
    assert MentionRegion.objects.filter(mention__in=on_day).delete()[0] > 0
    assert on_day.update(h3_r5="") > 0
    DirtyRollupDay.objects.create(day=day, marked_at=DAY)
    from_rollups, from_mentions = both_ways(read_client, f"/api/v1/insights/{path}", params)
    assert from_rollups == from_mentions
    assert from_rollups["not_placed"] > before


def test_a_not_placed_count_is_not_read_with_the_counts_of_an_area(world: World) -> None:
    query = InsightFilter(brand_ids=(world.alpha.pk,), bbox=(0.5, 46.5, 1.5, 47.5))
    with pytest.raises(ValueError, match="whole level"), insight_cursor() as cursor:
        rollup_counts_and_unplaced(cursor, query, h3_unit(5), 10, [world.alpha.pk], pending=[])
