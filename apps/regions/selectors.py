"""Reads of boundary layers and regions."""

import threading
from collections.abc import Iterable

from cachetools import TTLCache
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import F, QuerySet

from apps.common.db import Multi, SimplifyPreserveTopology
from apps.regions.models import City, Region, RegionPart
from geo.places import split_location_text
from geo.text import fold

# Region codes and names, by id, as a process last read them: every choropleth request names its
# regions, and they change only when boundaries are reloaded (which keeps ids and updates names
# in place), so a minute of staleness at most is the price of one statement fewer.
REGION_LABELS_TTL_S = 60
_region_labels: TTLCache[int, tuple[str, str]] = TTLCache(maxsize=200_000, ttl=REGION_LABELS_TTL_S)
_region_labels_lock = threading.Lock()

# Simplification tolerance in degrees for each web-map zoom: about a pixel at that zoom.
GEOJSON_DECIMALS = 5


def simplify_tolerance_for_zoom(zoom: int) -> float:
    return 360.0 / (256 * 2**zoom)


def region_list(layer: str | None = None) -> QuerySet[Region]:
    regions = Region.objects.select_related("layer", "parent__layer").order_by(
        "layer__name", "code"
    )
    if layer:
        regions = regions.filter(layer__name=layer)
    return regions


def region_list_with_geojson(layer: str | None, zoom: int) -> QuerySet[Region]:
    """Regions with a `geojson` annotation: simplified for the zoom and rounded, by PostGIS."""
    return region_list(layer).annotate(
        geojson=AsGeoJSON(
            Multi(SimplifyPreserveTopology(F("geom"), simplify_tolerance_for_zoom(zoom))),
            precision=GEOJSON_DECIMALS,
        )
    )


def regions_containing(lon: float, lat: float) -> list[Region]:
    """The region of each layer that contains the point, found through the subdivided parts."""
    point = Point(lon, lat, srid=4326)
    region_ids = RegionPart.objects.filter(geom__intersects=point).values_list(
        "region_id", flat=True
    )
    regions = (
        Region.objects.filter(pk__in=region_ids)
        .select_related("layer", "parent__layer")
        .order_by("layer__name", "code")
    )
    seen: set[int] = set()
    unique = []
    for region in regions:
        if region.layer_id not in seen:
            seen.add(region.layer_id)
            unique.append(region)
    return unique


BASEMAP_LAYERS = ("country", "fr-region")


def basemap_geojson(zoom: int = 5) -> bytes:
    """A FeatureCollection of countries and French régions for offline maps, built by PostGIS."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(json_build_object(
                'type', 'FeatureCollection',
                'features', json_agg(json_build_object(
                    'type', 'Feature',
                    'properties', json_build_object('layer', l.name, 'code', r.code),
                    'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(r.geom, %s), %s)::json
                ))
            )::text, '{"type": "FeatureCollection", "features": []}')
            FROM regions_region r JOIN regions_boundarylayer l ON l.id = r.layer_id
            WHERE l.name = ANY(%s)
            """,
            [simplify_tolerance_for_zoom(zoom), GEOJSON_DECIMALS - 1, list(BASEMAP_LAYERS)],
        )
        (document,) = cursor.fetchone()
    return document.encode()


# A name shared by several cities resolves to the biggest only when it dwarfs the others.
DOMINANT_POPULATION_RATIO = 20


def cities_for_location_texts(texts: set[str]) -> dict[str, City]:
    """Free-text locations that name exactly one city (after qualifiers), in one query."""
    parsed = {text: split_location_text(text) for text in texts}
    names = {name for name, _ in parsed.values() if name}
    by_name: dict[str, list[City]] = {}
    for city in City.objects.filter(name_key__in=names).order_by("-population"):
        by_name.setdefault(city.name_key, []).append(city)
    resolved = {}
    for text, (name, qualifier) in parsed.items():
        match = _unambiguous(by_name.get(name, []), qualifier)
        if match is not None:
            resolved[text] = match
    return resolved


def _unambiguous(candidates: list[City], qualifier: str) -> City | None:
    if qualifier:
        candidates = [c for c in candidates if qualifier in _qualifiers(c)]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1 and candidates[0].population >= (
        DOMINANT_POPULATION_RATIO * max(candidates[1].population, 1)
    ):
        return candidates[0]
    return None


def _qualifiers(city: City) -> set[str]:
    return {fold(city.admin1_code), fold(city.country_code), fold(city.country_name)} - {""}


def region_labels(region_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(code, name) of each region id that exists; ids this process read in the last minute
    are answered without a query."""
    ids = list(region_ids)
    with _region_labels_lock:
        known = {pk: _region_labels[pk] for pk in ids if pk in _region_labels}
    missing = [pk for pk in ids if pk not in known]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, code, name FROM {Region._meta.db_table} WHERE id = ANY(%s)", [missing]
            )
            read = {pk: (code, name) for pk, code, name in cursor.fetchall()}
        with _region_labels_lock:
            _region_labels.update(read)
        known |= read
    return known
