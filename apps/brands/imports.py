"""Service: bulk import of places from CSV or GeoJSON, row by row validated, upserted by
(brand, external_id). Bad rows are rejected with their reason; the valid ones are all kept."""

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction

from apps.brands.models import Brand, Place

CSV_COLUMNS = ("external_id", "name", "address", "lat", "lon", "brand")
REQUIRED_CSV_COLUMNS = ("external_id", "name", "lat", "lon")
MAX_LENGTH = {"external_id": 200, "name": 200, "address": 500}

ERROR = "__error__"  # a row unreadable as a place carries why under this key
RawRow = tuple[str, dict[str, Any]]  # where it stands in the file ("line 3"), its values


class PlaceImportError(ValueError):
    """The file cannot be read at all; the message says what to fix."""


class RowError(ValueError):
    """One row is invalid; the message says why."""


@dataclass(frozen=True)
class RejectedRow:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class PlaceImportResult:
    created: int = 0
    updated: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)


def places_import(content: bytes, filename: str, brand: Brand | None = None) -> PlaceImportResult:
    """Import places from a CSV (external_id,name,address,lat,lon[,brand]) or a GeoJSON
    FeatureCollection of Points (properties external_id, name, address[, brand]). A row's
    brand (a slug) wins over `brand`, which serves rows that name none."""
    rows = _read_geojson(content) if _is_geojson(content, filename) else _read_csv(content)
    brands = {b.slug: b for b in Brand.objects.all()}
    result = PlaceImportResult()
    valid: dict[tuple[int, str], Place] = {}
    first_seen: dict[tuple[int, str], str] = {}
    for where, values in rows:
        try:
            place = _place(values, brands, brand)
        except RowError as exc:
            result.rejected.append(RejectedRow(where, str(exc)))
            continue
        key = (place.brand_id, place.external_id)
        if key in first_seen:
            reason = f"external_id {place.external_id!r} repeats {first_seen[key]}; keep one"
            result.rejected.append(RejectedRow(where, reason))
            continue
        first_seen[key], valid[key] = where, place
    result.created, result.updated = _upsert(valid)
    return result


def _is_geojson(content: bytes, filename: str) -> bool:
    suffix = filename.lower().rsplit(".", 1)[-1]
    if suffix in {"geojson", "json"}:
        return True
    return suffix != "csv" and content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlaceImportError(
            f"the file is not UTF-8 text ({exc}); save it as UTF-8 and upload it again"
        ) from exc


def _read_csv(content: bytes) -> Iterator[RawRow]:
    reader = csv.DictReader(io.StringIO(_decode(content), newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_CSV_COLUMNS if name not in header]
    if missing:
        raise PlaceImportError(
            f"the CSV lacks the column(s) {', '.join(missing)}; its first line must name "
            f"{','.join(CSV_COLUMNS)} (address and brand may be left out)"
        )
    reader.fieldnames = header
    return ((f"line {reader.line_num}", row) for row in reader)


def _read_geojson(content: bytes) -> list[RawRow]:
    try:
        collection = json.loads(_decode(content))
    except json.JSONDecodeError as exc:
        raise PlaceImportError(f"the file is not valid JSON: {exc}") from exc
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise PlaceImportError("the GeoJSON must be a FeatureCollection of Point features")
    features = collection.get("features")
    if not isinstance(features, list):
        raise PlaceImportError("the FeatureCollection has no 'features' list")
    return [(f"feature {n}", _feature_values(feature)) for n, feature in enumerate(features, 1)]


def _feature_values(feature: Any) -> dict[str, Any]:
    if not isinstance(feature, dict):
        return {ERROR: "is not a GeoJSON Feature object"}
    geometry = feature.get("geometry")
    properties = feature.get("properties")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return {ERROR: "geometry must be a Point: [lon, lat]"}
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return {ERROR: "a Point needs two coordinates: [lon, lat]"}
    values = properties if isinstance(properties, dict) else {}
    return {**values, "lon": coordinates[0], "lat": coordinates[1]}


def _place(values: dict[str, Any], brands: dict[str, Brand], default: Brand | None) -> Place:
    if ERROR in values:
        raise RowError(values[ERROR])
    text = {name: _text(values, name) for name in MAX_LENGTH}
    for name in ("external_id", "name"):
        if not text[name]:
            raise RowError(f"{name} is missing")
    for name, limit in MAX_LENGTH.items():
        if len(text[name]) > limit:
            raise RowError(f"{name} is longer than {limit} characters")
    lat = _coordinate(values, "lat", 90)
    lon = _coordinate(values, "lon", 180)
    return Place(
        brand=_brand(_text(values, "brand"), brands, default),
        external_id=text["external_id"],
        name=text["name"],
        address=text["address"],
        point=Point(lon, lat, srid=4326),
    )


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


def _coordinate(values: dict[str, Any], name: str, limit: int) -> float:
    raw = values.get(name)
    if raw is None or str(raw).strip() == "":
        raise RowError(f"{name} is missing")
    try:
        value = float(str(raw).strip().replace(",", ".") if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise RowError(f"{name} {raw!r} is not a number (decimal degrees)") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise RowError(f"{name} {raw} is out of range -{limit}..{limit} (decimal degrees)")
    return value


def _brand(slug: str, brands: dict[str, Brand], default: Brand | None) -> Brand:
    if slug:
        if slug not in brands:
            raise RowError(f"unknown brand {slug!r}; add the brand first or fix the slug")
        return brands[slug]
    if default is None:
        raise RowError("no brand: fill the brand column (a slug) or choose a brand for the file")
    return default


@transaction.atomic
def _upsert(places: dict[tuple[int, str], Place]) -> tuple[int, int]:
    """Insert new places and update known ones in one statement; returns (created, updated)."""
    if not places:
        return 0, 0
    existing: set[tuple[int, str]] = set()
    for brand_id in {brand_id for brand_id, _ in places}:
        ids = [external_id for b, external_id in places if b == brand_id]
        existing |= set(
            Place.objects.filter(brand_id=brand_id, external_id__in=ids).values_list(
                "brand_id", "external_id"
            )
        )
    Place.objects.bulk_create(
        list(places.values()),
        update_conflicts=True,
        unique_fields=["brand", "external_id"],
        update_fields=["name", "address", "point"],
        batch_size=1000,
    )
    updated = len(existing)
    return len(places) - updated, updated
