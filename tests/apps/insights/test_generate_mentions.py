"""Synthetic mentions: placed by population, precisions honoured, patterns there to find."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.contrib.gis.geos import MultiPolygon, Point
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.brands.models import Brand
from apps.insights.synthetic.inputs import brands_load, communes_load, corpus_load
from apps.insights.synthetic.plan import PlanOptions, plan_mentions
from apps.insights.synthetic.services import PLANTED_VERSION, mentions_generate
from apps.insights.synthetic.space import PROVENANCE_SHARES
from apps.mentions.models import Mention, MentionBrand, MentionRegion, Source, Status
from apps.mentions.pipeline.matcher_cache import current_brand_matcher
from apps.mentions.pipeline.stages import mentions_locate
from apps.opinion.services import model_version_promote, model_version_register
from apps.regions.models import City
from apps.regions.services import rebuild_region_parts
from tests.factories import BoundaryLayerFactory, BrandFactory, PlaceFactory, RegionFactory, square

pytestmark = pytest.mark.django_db

END = dt.date(2026, 11, 20)
N = 4000
# code: (lon, lat, population, région); squares 0.1 degree across, CEN holds France's centre.
COMMUNES = {
    "PAR": (2.35, 48.85, 1_000_000, "N"),
    "LYO": (4.85, 45.75, 500_000, "S"),
    "BIG": (-1.68, 48.11, 100_000, "N"),
    "SMA": (-0.56, 44.84, 10_000, "S"),
    "CEN": (2.43, 46.54, 5_000, "N"),
}


def _region_geom(codes: list[str]) -> MultiPolygon:
    parts = [square(COMMUNES[c][0], COMMUNES[c][1], 0.5)[0] for c in codes]
    return MultiPolygon(*parts, srid=4326)


@pytest.fixture
def world() -> None:
    regions = BoundaryLayerFactory.create(name="fr-region")
    communes = BoundaryLayerFactory.create(name="fr-commune", parent_layer=regions)
    parents = {
        zone: RegionFactory.create(layer=regions, code=zone, geom=_region_geom(
            [c for c, v in COMMUNES.items() if v[3] == zone]))
        for zone in ("N", "S")
    }  # fmt: skip
    for code, (lon, lat, population, zone) in COMMUNES.items():
        RegionFactory.create(layer=communes, code=code, population=population,
                             parent=parents[zone], geom=square(lon, lat, 0.05))  # fmt: skip
    rebuild_region_parts("fr-region")
    rebuild_region_parts("fr-commune")
    City.objects.create(geonameid=1, name="Paris", name_key="paris", country_code="FR",
                        population=2_100_000, point=Point(2.352, 48.857, srid=4326))  # fmt: skip
    alpha = BrandFactory.create(slug="alpha", name="Alphamart", hashtags=["#alphamart"])
    beta = BrandFactory.create(slug="beta", name="Betaphone")
    BrandFactory.create(slug="gamma", name="Gammacoop", aliases={"fr": ["Gammacoop"]})
    alpha.competitors.add(beta)
    beta.competitors.add(alpha)
    PlaceFactory.create(brand=alpha, external_id="alpha-par", point=Point(2.35, 48.85))
    PlaceFactory.create(brand=beta, external_id="beta-lyo", point=Point(4.85, 45.75))


def _frame(seed: int) -> pd.DataFrame:
    rows = Mention.objects.filter(external_id__startswith=f"gen-{seed}-").values_list(
        "external_id", "location_provenance", "precision_m", "opinion_label", "created_at",
        "brand_matches__brand__slug", "h3_r4", "h3_r5", "h3_r9", "place__brand__slug",
    )  # fmt: skip
    columns = ["external_id", "provenance", "precision_m", "label", "created_at", "brand",
               "h3_r4", "h3_r5", "h3_r9", "place_brand"]  # fmt: skip
    return pd.DataFrame(list(rows), columns=columns)


def _commune_of(seed: int, layer: str = "fr-commune") -> dict[str, str]:
    links = MentionRegion.objects.filter(
        layer__name=layer, mention__external_id__startswith=f"gen-{seed}-"
    ).values_list("mention__external_id", "region__code")
    return dict(links)


def test_plan_is_deterministic_per_seed(world: None) -> None:
    inputs = (communes_load(), brands_load(), corpus_load())
    first = plan_mentions(*inputs, PlanOptions(n=500, end=END, seed=5, days=28)).frame
    again = plan_mentions(*inputs, PlanOptions(n=500, end=END, seed=5, days=28)).frame
    other = plan_mentions(*inputs, PlanOptions(n=500, end=END, seed=6, days=28)).frame
    pd.testing.assert_frame_equal(first, again)
    assert not first["text"].equals(other["text"])


def test_stores_mentions_with_brand_spans_and_a_second_run_stores_nothing(world: None) -> None:
    summary = mentions_generate(N, seed=1, days=28, end=END)
    assert summary.stored == N and summary.scored == N
    assert Mention.objects.filter(status=Status.SCORED, model_version=PLANTED_VERSION).count() == N
    assert MentionBrand.objects.count() == N
    assert set(Mention.objects.values_list("source", flat=True)) <= set(Source.values)
    assert {"fr", "en"} <= set(Mention.objects.values_list("lang", flat=True))
    matcher = current_brand_matcher()
    for link in MentionBrand.objects.select_related("mention")[:300]:
        assert link.spans[0] in matcher.match(link.mention.text)[link.brand_id]
    authors = pd.Series(Mention.objects.values_list("author_hash", flat=True)).value_counts()
    assert len(authors) < N / 2 and authors.iloc[0] >= 10  # some authors post a lot
    again = mentions_generate(N, seed=1, days=28, end=END)
    assert again.stored == 0 and Mention.objects.count() == N


def test_provenance_mix_precision_and_places(world: None) -> None:
    summary = mentions_generate(N, seed=2, days=28, end=END)
    frame = _frame(2)
    shares = frame["provenance"].value_counts(normalize=True)
    with_places = frame["brand"].isin(["alpha", "beta"]).mean()
    assert shares["place"] == pytest.approx(PROVENANCE_SHARES["place"] * with_places, abs=0.03)
    assert shares["profile"] == pytest.approx(PROVENANCE_SHARES["profile"], abs=0.03)
    assert shares["country"] == pytest.approx(PROVENANCE_SHARES["country"], abs=0.03)
    assert summary.by_provenance == frame["provenance"].value_counts().sort_index().to_dict()
    gps = frame[frame["provenance"] == "gps"]
    assert gps["precision_m"].between(5, 60).all()
    places = frame[frame["provenance"] == "place"]
    assert (places["place_brand"] == places["brand"]).all() and (places["precision_m"] == 50).all()
    assert (frame.loc[frame["provenance"] == "country", "precision_m"] == 500_000).all()


def test_locations_inside_communes_in_proportion_to_population(world: None) -> None:
    mentions_generate(N, seed=3, days=28, end=END)
    frame = _frame(3)
    communes = _commune_of(3)
    gps = frame.loc[frame["provenance"] == "gps", "external_id"]
    assert all(external_id in communes for external_id in gps)  # every GPS point in a commune
    counts = pd.Series([communes[e] for e in gps]).value_counts()
    assert counts["BIG"] > 5 * counts["SMA"]  # ten times the people
    assert counts["PAR"] > 1.5 * counts["LYO"] > 1.5 * counts["BIG"]


def test_region_links_and_h3_follow_precision(world: None) -> None:
    mentions_generate(N, seed=4, days=28, end=END)
    frame = _frame(4).set_index("external_id")
    communes, regions = _commune_of(4), _commune_of(4, "fr-region")
    country = frame[frame["provenance"] == "country"]
    assert len(country) > 0 and not set(country.index) & set(communes)  # CEN holds the point
    assert (country[["h3_r4", "h3_r9"]] == "").all().all()
    assert (frame.loc[frame["provenance"].isin(["gps", "place"]), "h3_r9"] != "").all()
    profile = frame[frame["provenance"] == "profile"]
    paris = profile[profile["precision_m"] > 10_000]  # Paris' radius (15 km) exceeds PAR's
    assert len(paris) > 0 and not set(paris.index) & set(communes)
    assert set(paris.index) <= set(regions)
    assert (paris["h3_r4"] != "").all() and (paris["h3_r5"] == "").all()
    small = profile[profile["precision_m"] < 5_000]  # a commune's own radius fits
    assert len(small) > 0 and set(small.index) <= set(communes)


def _located() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    mentions = Mention.objects.values_list("id", "precision_m", "h3_r4", "h3_r5", "h3_r6",
                                           "h3_r7", "h3_r8", "h3_r9")  # fmt: skip
    links = MentionRegion.objects.values_list("mention_id", "layer_id", "region_id")
    return set(mentions), set(links)


def test_cells_and_regions_are_what_the_locate_stage_gives(world: None) -> None:
    mentions_generate(1000, seed=10, days=28, end=END)
    written = _located()
    Mention.objects.update(status=Status.MATCHED)
    assert len(mentions_locate(list(Mention.objects.values_list("id", flat=True)))) == 1000
    assert _located() == written


def _negative_share(seed: int, brand: str, spot: Any, inside: bool) -> tuple[float, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT avg((m.opinion_label = 'negative')::int), count(*)
            FROM mentions_mention m
            JOIN mentions_mentionbrand mb ON mb.mention_id = m.id
            JOIN brands_brand b ON b.id = mb.brand_id AND b.slug = %s
            WHERE m.external_id LIKE %s AND m.location_provenance <> 'country'
              AND ST_DWithin(m.location::geography,
                             ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s) = %s
            """,
            [brand, f"gen-{seed}-%", spot.lon, spot.lat, spot.radius_m, inside],
        )
        share, count = cursor.fetchone()
    return float(share or 0), count


def test_planted_hotspot_is_markedly_more_negative(world: None) -> None:
    summary = mentions_generate(N, seed=5, days=28, end=END)
    hotspots = summary.patterns.hotspots
    assert 1 <= len(hotspots) <= 3
    assert all(15_000 <= h.radius_m <= 30_000 for h in hotspots)
    checked = 0
    for spot in hotspots:
        inside, count = _negative_share(5, spot.brand_slug, spot, inside=True)
        outside, _ = _negative_share(5, spot.brand_slug, spot, inside=False)
        if count >= 50:
            assert inside > 0.6 and inside > outside + 0.25
            checked += 1
    assert checked >= 1


def _daily(frame: pd.DataFrame, brand: str) -> pd.Series:
    days = frame.loc[frame["brand"] == brand, "created_at"].dt.date
    return days.value_counts()


def test_spike_day_and_weekly_cycle(world: None) -> None:
    summary = mentions_generate(N, seed=6, days=28, end=END)
    spike = summary.patterns.spike
    assert spike is not None and summary.start <= spike.day <= summary.end
    frame = _frame(6)
    daily = _daily(frame, spike.brand_slug)
    assert daily.idxmax() == spike.day and daily.max() > 3 * daily.median()
    on_spike = frame[
        (frame["brand"] == spike.brand_slug) & (frame["created_at"].dt.date == spike.day)
    ]
    assert (on_spike["label"] == "negative").mean() > 0.6
    weekday = frame["created_at"].dt.day_of_week.value_counts()
    assert weekday[5] > weekday[1] * 1.2  # Saturdays busier than Tuesdays
    plain = frame[frame["created_at"].dt.date != spike.day]
    negative = plain.groupby(plain["created_at"].dt.day_of_week)["label"].apply(
        lambda s: (s == "negative").mean()
    )
    assert negative[0] > negative[5]  # Mondays more negative than Saturdays


def test_command_without_patterns_plants_nothing(world: None, tmp_path: Path) -> None:
    out, plan_file = StringIO(), tmp_path / "plan.json"
    call_command("generate_mentions", str(N), "--seed=7", "--days=28", "--end=2026-11-20",
                 "--no-patterns", f"--plan-out={plan_file}", stdout=out)  # fmt: skip
    assert f"{N} of {N} mentions stored" in out.getvalue()
    plan = json.loads(plan_file.read_text())
    assert plan["patterns"]["enabled"] is False
    assert plan["patterns"]["spike"] is None and plan["patterns"]["hotspots"] == []
    frame = _frame(7)
    daily = frame["created_at"].dt.date.value_counts()
    assert daily.max() < 1.5 * daily.median()  # no spike (one would double a day)
    weekday = frame["created_at"].dt.day_of_week.value_counts()
    assert weekday.max() < 1.35 * weekday.min()  # no weekly cycle
    by_brand = frame.groupby("brand")["label"].apply(lambda s: (s == "negative").mean())
    assert np.ptp(by_brand.to_numpy()) < 0.08  # one opinion mix for every brand


def test_command_with_brands_and_patterns(world: None, tmp_path: Path) -> None:
    out, plan_file = StringIO(), tmp_path / "plan.json"
    call_command("generate_mentions", "600", "--seed=8", "--brands=alpha,gamma", "--days=30",
                 "--end=2026-11-20", f"--plan-out={plan_file}", stdout=out)  # fmt: skip
    assert "600 of 600 mentions stored" in out.getvalue() and "spike:" in out.getvalue()
    plan = json.loads(plan_file.read_text())
    assert plan["patterns"]["spike"]["brand_slug"] in {"alpha", "gamma"}
    assert set(plan["patterns"]["brand_share_by_zone"]) == {"N", "S"}
    assert plan["start"] == "2026-10-22" and plan["end"] == "2026-11-20"
    slugs = set(MentionBrand.objects.values_list("brand__slug", flat=True))
    assert slugs == {"alpha", "gamma"}


def test_brand_mixes_differ_by_region(world: None) -> None:
    inputs = (communes_load(), brands_load(), corpus_load())
    plan = plan_mentions(*inputs, PlanOptions(n=20_000, end=END, seed=9, days=28))
    zones = {code: zone for code, (*_, zone) in COMMUNES.items()}
    frame = plan.frame.assign(zone=plan.frame["commune"].map(zones))
    ids = {b.id: b.slug for b in Brand.objects.all()}
    observed = pd.crosstab(frame["zone"], frame["brand_id"].map(ids), normalize="index")
    planned = pd.DataFrame(plan.patterns.brand_share_by_zone).T
    assert np.abs(observed - planned.loc[observed.index, observed.columns]).max().max() < 0.05
    assert np.abs(planned.loc["N"] - planned.loc["S"]).max() > 0.02


def test_unknown_brand_is_refused(world: None) -> None:
    with pytest.raises(CommandError, match="Unknown brands: nope"):
        call_command("generate_mentions", "10", "--brands=alpha,nope", stdout=StringIO())


def test_without_communes_it_says_what_to_load(db: None) -> None:
    BrandFactory.create(slug="alpha")
    with pytest.raises(CommandError, match="load_default_data"):
        call_command("generate_mentions", "10", stdout=StringIO())


def test_score_without_a_promoted_model_leaves_them_enriched(world: None) -> None:
    summary = mentions_generate(50, seed=11, days=28, end=END, score=True)
    assert (summary.stored, summary.scored, summary.opinion_source) == (50, 0, "model")
    assert Mention.objects.filter(status=Status.ENRICHED, opinion_label="").count() == 50


def test_score_uses_the_promoted_model(world: None, tiny_model_dir: Path, monkeypatch: Any) -> None:
    from apps.opinion import tasks  # noqa: PLC0415

    monkeypatch.setattr(tasks.rescore_mentions, "delay", lambda *a: None)
    model_version_register(tiny_model_dir)
    promoted = model_version_promote(tiny_model_dir.name)
    out = StringIO()
    call_command("generate_mentions", "30", "--seed=12", "--days=28", "--score", stdout=out)
    assert "opinions: model (30 scored)" in out.getvalue()
    scored = Mention.objects.filter(status=Status.SCORED, model_version=promoted.version)
    assert scored.count() == 30
