"""A small world for insights tests: two régions, a commune in each, three brands, two partners.

Mentions are written as the pipeline leaves them: regions and H3 cells are assigned by the real
locate stage, so precision rules are the production ones.
"""

import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from apps.brands.models import Brand
from apps.insights.rollups import rollup_days_mark_mentions, rollups_refresh_dirty
from apps.mentions.models import Mention, MentionBrand, Status
from apps.mentions.pipeline.stages import mentions_locate
from apps.partners.models import Partner
from apps.partners.services import api_key_create
from apps.regions.services import rebuild_region_parts
from tests.factories import BoundaryLayerFactory, BrandFactory, RegionFactory, square

DAY = dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC)  # a Monday
WEST, EAST = (1.0, 47.0), (3.0, 47.0)
_serial = itertools.count()


@dataclass
class World:
    alpha: Brand
    beta: Brand
    gamma: Brand
    partner_a: Partner
    partner_b: Partner


@pytest.fixture
def world(partner: Partner) -> World:
    regions = BoundaryLayerFactory(name="fr-region")
    communes = BoundaryLayerFactory(name="fr-commune", parent_layer=regions)
    for code, (lon, lat) in (("W", WEST), ("E", EAST)):
        RegionFactory(layer=regions, code=code, name=f"Région {code}", geom=square(lon, lat, 0.5))
        RegionFactory(layer=communes, code=f"{code}1", name=f"Commune {code}1",
                      geom=square(lon, lat, 0.05))  # fmt: skip
    rebuild_region_parts("fr-region")
    rebuild_region_parts("fr-commune")
    alpha, beta, gamma = (
        BrandFactory.create(name=n.title(), slug=n) for n in ("alpha", "beta", "gamma")
    )
    alpha.competitors.add(beta)
    partner.brands.add(alpha)
    partner_b = Partner.objects.create(name="Partner B")
    partner_b.brands.add(gamma)
    return World(alpha, beta, gamma, partner, partner_b)


Seeder = Callable[..., list[Mention]]


@pytest.fixture
def seed(world: World) -> Seeder:
    def add(
        brand: Brand,
        n: int,
        where: tuple[float, float] = WEST,
        *,
        precision_m: float = 20.0,
        label: str = "positive",
        authors: int | None = None,
        when: dt.datetime = DAY,
        **fields: Any,
    ) -> list[Mention]:
        """n scored mentions of `brand` at `where` by `authors` distinct authors (default n)."""
        authors, batch = authors or n, next(_serial)
        mentions = [
            Mention(
                source=fields.get("source", "post"), external_id=f"t-{next(_serial)}",
                text=fields.get("text", f"{brand.name} test {i}"), lang=fields.get("lang", "fr"),
                author_hash=f"author-{batch}-{i % authors}", created_at=when,
                location=Point(*where, srid=4326), precision_m=precision_m,
                location_provenance=fields.get("provenance", "gps"), brand_ids=[brand.pk],
                status=Status.MATCHED,
            )
            for i in range(n)
        ]  # fmt: skip
        Mention.objects.bulk_create(mentions)
        MentionBrand.objects.bulk_create(MentionBrand(mention=m, brand=brand) for m in mentions)
        mentions_locate([m.id for m in mentions])
        score = {"positive": 0.8, "neutral": 0.0, "negative": -0.8}[label]
        Mention.objects.filter(id__in=[m.id for m in mentions]).update(
            status=Status.SCORED, opinion_label=label, opinion_score=score,
            opinion_confidence=0.9, model_version="test-model",
        )  # fmt: skip
        # As the scoring stage does, then as the periodic task does.
        rollup_days_mark_mentions([m.id for m in mentions])
        rollups_refresh_dirty()
        return mentions

    return add


@pytest.fixture
def client_b(world: World) -> APIClient:
    client = APIClient()
    key = api_key_create(world.partner_b, ("read",))
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
    return client


def tile_of(lon: float, lat: float, z: int) -> str:
    """`z/x/y` of the web-map tile that holds a point."""
    x = int((lon + 180) / 360 * 2**z)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)
    return f"{z}/{x}/{y}"
