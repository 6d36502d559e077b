"""Writes of brands and places."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.contrib.gis.geos import Point
from django.db import transaction

from apps.brands.models import Brand, Place
from apps.brands.serializers import CatalogueSerializer


class CatalogueError(ValueError):
    """The catalogue cannot be loaded; the message says what to fix."""


@dataclass(frozen=True)
class CatalogueLoadResult:
    brands_created: int
    brands_updated: int
    places_created: int
    places_updated: int


def brand_catalogue_read(path: Path) -> dict[str, Any]:
    """Parse a YAML or JSON catalogue (YAML is a superset of JSON) and validate it."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"cannot read {path}: {exc}") from exc
    serializer = CatalogueSerializer(data=raw)
    if not serializer.is_valid():
        raise CatalogueError(f"{path} is not a valid catalogue: {serializer.errors}")
    return dict(serializer.validated_data)


@transaction.atomic
def brand_catalogue_load(catalogue: dict[str, Any]) -> CatalogueLoadResult:
    """Upsert brands by slug, then competitors and places; a second run changes nothing."""
    entries = catalogue["brands"]
    known = set(Brand.objects.values_list("slug", flat=True)) | {e["slug"] for e in entries}
    for entry in entries:
        unknown = set(entry["competitors"]) - known
        if unknown:
            raise CatalogueError(
                f"brand '{entry['slug']}' names unknown competitors {sorted(unknown)}; "
                "add them to the catalogue."
            )
    brands_created = places_created = places_total = 0
    by_slug: dict[str, Brand] = {}
    for entry in entries:
        brand, created = Brand.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "aliases": entry["aliases"],
                "keywords": entry["keywords"],
                "handles": entry["handles"],
                "hashtags": entry["hashtags"],
            },
        )
        brands_created += created
        by_slug[brand.slug] = brand
        created_places = _places_upsert(brand, entry["places"])
        places_created += created_places
        places_total += len(entry["places"])
    for entry in entries:
        by_slug[entry["slug"]].competitors.set(Brand.objects.filter(slug__in=entry["competitors"]))
    return CatalogueLoadResult(
        brands_created=brands_created,
        brands_updated=len(entries) - brands_created,
        places_created=places_created,
        places_updated=places_total - places_created,
    )


def _places_upsert(brand: Brand, places: list[dict[str, Any]]) -> int:
    created_count = 0
    for place in places:
        _, created = Place.objects.update_or_create(
            brand=brand,
            external_id=place["external_id"],
            defaults={
                "name": place["name"],
                "address": place["address"],
                "point": Point(place["lon"], place["lat"], srid=4326),
            },
        )
        created_count += created
    return created_count
