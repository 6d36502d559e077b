import uuid
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from apps.mentions import tasks
from apps.mentions.models import LocationProvenance, Mention, MentionBrand, MentionRegion, Status
from apps.mentions.pipeline.stages import h3_cells, mentions_locate, mentions_match
from apps.regions.services import rebuild_region_parts
from tests.factories import (
    BoundaryLayerFactory,
    BrandFactory,
    MentionFactory,
    RegionFactory,
    square,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def layers() -> None:
    small = BoundaryLayerFactory.create(name="small")
    big = BoundaryLayerFactory.create(name="big")
    RegionFactory.create(layer=small, code="S", geom=square(2.35, 48.85, 0.01))  # about 1 km across
    RegionFactory.create(layer=big, code="B", geom=square(2.35, 48.85, 1.0))
    rebuild_region_parts("small")
    rebuild_region_parts("big")


def test_match_detects_language_and_brands_with_spans() -> None:
    BrandFactory.create(slug="intermarche", name="Intermarché", aliases={"fr": ["Intermarché"]},
                 hashtags=["#intermarche"])  # fmt: skip
    BrandFactory.create(slug="free", name="Free", aliases={"fr": ["Free Mobile"]})
    text = "Franchement INTERMARCHE c'est mieux que Free Mobile #intermarche, freedom"
    mention = MentionFactory.create(text=text, lang="", status=Status.RECEIVED)
    assert mentions_match([mention.id]) == [mention.id]
    mention.refresh_from_db()
    assert mention.lang == "fr"
    assert mention.status == Status.MATCHED
    matches = {m.brand.slug: m.spans for m in MentionBrand.objects.select_related("brand")}
    assert [text[s:e] for s, e in matches["intermarche"]] == ["INTERMARCHE", "#intermarche"]
    assert [text[s:e] for s, e in matches["free"]] == ["Free Mobile"]
    # The ids kept on the mention for the insights' indexes are the brands matched.
    assert mention.brand_ids == sorted(MentionBrand.objects.values_list("brand_id", flat=True))


def test_match_is_idempotent_and_skips_other_statuses() -> None:
    BrandFactory.create(slug="acme", name="Acme")
    mention = MentionFactory.create(text="acme rocks", status=Status.RECEIVED)
    mentions_match([mention.id])
    Mention.objects.filter(id=mention.id).update(status=Status.RECEIVED)
    mentions_match([mention.id])
    assert MentionBrand.objects.count() == 1
    assert mentions_match([mention.id]) == []  # now matched: nothing to do


def test_locate_assigns_regions_only_where_precision_fits(layers: None) -> None:
    gps = MentionFactory.create(precision_m=15, status=Status.MATCHED)
    city = MentionFactory.create(precision_m=10_000, location_provenance=LocationProvenance.PROFILE,
                          status=Status.MATCHED)  # fmt: skip
    nowhere = MentionFactory.create(location=None, precision_m=None, status=Status.MATCHED,
                             location_provenance=LocationProvenance.NONE)  # fmt: skip
    done = mentions_locate([gps.id, city.id, nowhere.id])
    assert set(done) == {gps.id, city.id, nowhere.id}
    regions = {
        (r.mention_id, r.region.code) for r in MentionRegion.objects.select_related("region")
    }
    assert regions == {(gps.id, "S"), (gps.id, "B"), (city.id, "B")}
    gps.refresh_from_db()
    city.refresh_from_db()
    assert gps.status == city.status == Status.ENRICHED
    assert gps.h3_r9 and gps.h3_r4
    assert city.h3_r4 and not city.h3_r6  # a 10 km radius is coarser than a resolution-6 cell
    mentions_locate([gps.id])  # already enriched: unchanged
    assert MentionRegion.objects.count() == 3


def test_h3_cells_follow_precision() -> None:
    fine = h3_cells(48.85, 2.35, 15)
    assert all(fine) and len(fine) == 6
    one_km = h3_cells(48.85, 2.35, 1_000)  # resolution 7 edges are about 1.2 km
    assert all(one_km[:4])
    assert one_km[4:] == ["", ""]
    assert h3_cells(None, None, None) == [""] * 6


def _poison_match(monkeypatch: Any, poison: uuid.UUID) -> None:
    real = tasks.mentions_match

    def flaky(ids: list[uuid.UUID]) -> list[uuid.UUID]:
        if poison in ids:
            raise ValueError("cannot parse this one")
        return real(ids)

    monkeypatch.setattr(tasks, "mentions_match", flaky)
    monkeypatch.setattr(tasks.match_mentions, "apply_async", lambda *a, **k: None)
    monkeypatch.setattr(tasks.locate_mentions, "delay", lambda *a, **k: None)


def test_poison_mention_is_dead_lettered_after_3_attempts(monkeypatch: Any) -> None:
    good = [MentionFactory.create() for _ in range(3)]
    poison = MentionFactory.create()
    _poison_match(monkeypatch, poison.id)
    ids = [str(m.id) for m in [*good, poison]]
    tasks.match_mentions.apply(args=(ids,))
    assert Mention.objects.filter(status=Status.MATCHED).count() == 3
    for attempt in (2, 3):
        tasks.match_mentions.apply(args=([str(poison.id)],))
        poison.refresh_from_db()
        assert poison.attempts == attempt
    assert poison.status == Status.DEAD
    assert "cannot parse this one" in poison.last_error

    monkeypatch.undo()
    call_command("redrive")
    poison.refresh_from_db()
    assert (poison.status, poison.attempts, poison.last_error) == (Status.RECEIVED, 0, "")


def test_sweeper_re_enqueues_stuck_mentions(monkeypatch: Any, settings: Any) -> None:
    settings.PIPELINE_STUCK_AFTER_S = 0
    sent: list[list[str]] = []
    monkeypatch.setattr(tasks.match_mentions, "delay", sent.append)
    monkeypatch.setattr(tasks.locate_mentions, "delay", sent.append)
    stuck = MentionFactory.create(status=Status.RECEIVED)
    half = MentionFactory.create(status=Status.MATCHED)
    MentionFactory.create(status=Status.ENRICHED, location=Point(2, 48, srid=4326))
    assert tasks.sweep_stuck_mentions() == 2
    assert sorted(sent) == sorted([[str(stuck.id)], [str(half.id)]])
