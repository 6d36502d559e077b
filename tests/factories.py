"""factory_boy factories for the core models; geometry is built around a small square."""

import datetime as dt

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from apps.brands.models import Brand, Place
from apps.mentions.models import LocationProvenance, Mention, Source
from apps.partners.models import Partner
from apps.regions.models import BoundaryLayer, Region


def square(lon: float, lat: float, half_side: float) -> MultiPolygon:
    ring = (
        (lon - half_side, lat - half_side),
        (lon + half_side, lat - half_side),
        (lon + half_side, lat + half_side),
        (lon - half_side, lat + half_side),
        (lon - half_side, lat - half_side),
    )
    return MultiPolygon(Polygon(ring), srid=4326)


class BoundaryLayerFactory(factory.django.DjangoModelFactory[BoundaryLayer]):
    class Meta:
        model = BoundaryLayer
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"layer-{n}")


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region

    layer = factory.SubFactory(BoundaryLayerFactory)
    code = factory.Sequence(lambda n: f"R{n:04d}")
    name = factory.Sequence(lambda n: f"Region {n}")
    population = 1000
    geom = factory.LazyFunction(lambda: square(2.35, 48.85, 0.5))


class BrandFactory(factory.django.DjangoModelFactory[Brand]):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    aliases = factory.LazyAttribute(lambda o: {"fr": [o.name], "en": [o.name]})


class PlaceFactory(factory.django.DjangoModelFactory[Place]):
    class Meta:
        model = Place

    brand = factory.SubFactory(BrandFactory)
    external_id = factory.Sequence(lambda n: f"place-{n}")
    name = factory.Sequence(lambda n: f"Store {n}")
    point = factory.LazyFunction(lambda: Point(2.35, 48.85, srid=4326))


class PartnerFactory(factory.django.DjangoModelFactory[Partner]):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")


class MentionFactory(factory.django.DjangoModelFactory[Mention]):
    class Meta:
        model = Mention

    source = Source.POST
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    text = "J'adore ce magasin"
    lang = "fr"
    created_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC))
    location = factory.LazyFunction(lambda: Point(2.35, 48.85, srid=4326))
    precision_m = 15.0
    location_provenance = LocationProvenance.GPS
