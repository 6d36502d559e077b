"""One filter grammar for every insights endpoint, validated into an `InsightFilter`."""

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import orjson
import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import Envelope
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.brands.models import Brand
from apps.brands.selectors import brands_entitled
from apps.mentions.models import OpinionLabel, Source
from apps.regions.models import Region
from geo.distance import EARTH_RADIUS_M, haversine_m


@dataclass(frozen=True)
class InsightFilter:
    """What a query is restricted to; `brand_ids` are already narrowed to the caller's rights."""

    brand_ids: tuple[int, ...]
    date_from: dt.datetime | None = None
    date_to: dt.datetime | None = None
    bbox: tuple[float, float, float, float] | None = None
    near: tuple[float, float, float] | None = None  # lat, lon, radius_m
    polygon_wkt: str | None = None
    polygon_radius_m: float | None = None
    region_id: int | None = None
    # The region's bounding box (minlon, minlat, maxlon, maxlat), to narrow by the area index.
    region_envelope: tuple[float, float, float, float] | None = None
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    min_precision_m: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def with_brands(self, brand_ids: tuple[int, ...]) -> "InsightFilter":
        return replace(self, brand_ids=brand_ids)

    def with_period(self, start: dt.datetime | None, end: dt.datetime | None) -> "InsightFilter":
        return replace(self, date_from=start, date_to=end)


def entitled_brands(user: Any, auth: Any) -> dict[str, Brand]:
    """Slug → brand a caller may read: a partner's brands and their competitors; staff: all."""
    from apps.partners.models import ApiKey, Partner  # noqa: PLC0415 - avoids an app-loading cycle

    if isinstance(auth, ApiKey) and auth.entitled_brands is not None:
        return auth.entitled_brands  # read with the key, by the same statement
    return brands_entitled(user.pk if isinstance(user, Partner) else None)


@extend_schema_field(OpenApiTypes.STR)
class CommaListField(serializers.Field):
    """`a,b` or a repeated parameter, as a list of stripped values."""

    def to_internal_value(self, data: Any) -> list[str]:
        if not isinstance(data, str):
            raise serializers.ValidationError("Expected comma-separated values.")
        return [part.strip() for part in data.split(",") if part.strip()]

    def to_representation(self, value: list[str]) -> str:
        return ",".join(value)


def _floats(text: str, count: int, name: str) -> list[float]:
    parts = text.split(",")
    if len(parts) != count:
        raise serializers.ValidationError(f"{name} needs {count} comma-separated numbers.")
    try:
        values = [float(part) for part in parts]
    except ValueError as exc:
        raise serializers.ValidationError(f"{name} must be numbers: {text!r}.") from exc
    if not all(math.isfinite(value) for value in values):
        raise serializers.ValidationError(f"{name} must be finite numbers.")
    return values


def _check_lat_lon(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise serializers.ValidationError("Latitude must be within ±90 and longitude ±180.")


class InsightFilterSerializer(serializers.Serializer):
    """Query parameters shared by every insights endpoint."""

    brand = CommaListField(required=False, help_text="brand slug(s), comma-separated")
    to = serializers.DateTimeField(required=False, help_text="ISO 8601, exclusive")
    bbox = serializers.CharField(required=False, help_text="minlon,minlat,maxlon,maxlat")
    near = serializers.CharField(required=False, help_text="lat,lon,radius_m (geodesic metres)")
    polygon = serializers.CharField(required=False, help_text="GeoJSON Polygon/MultiPolygon")
    region = serializers.CharField(required=False, help_text="layer:code, e.g. fr-region:11")
    # DRF pops declared fields off the class, so this shadows Field.source only for type checkers.
    source = CommaListField(required=False)  # type: ignore[assignment]
    lang = CommaListField(required=False)
    sentiment = CommaListField(required=False, help_text="negative, neutral, positive")
    min_precision_m = serializers.FloatField(
        required=False, min_value=0, help_text="only mentions located at least this precisely"
    )

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "dict"):
            data = {key: ",".join(data.getlist(key)) for key in data}
        return super().to_internal_value(data)

    def validate_bbox(self, value: str) -> tuple[float, ...]:
        minlon, minlat, maxlon, maxlat = _floats(value, 4, "bbox")
        _check_lat_lon(minlat, minlon)
        _check_lat_lon(maxlat, maxlon)
        if minlon >= maxlon or minlat >= maxlat:
            raise serializers.ValidationError(
                "bbox must be minlon,minlat,maxlon,maxlat with min < max."
            )
        return (minlon, minlat, maxlon, maxlat)

    def validate_near(self, value: str) -> tuple[float, ...]:
        lat, lon, radius = _floats(value, 3, "near")
        _check_lat_lon(lat, lon)
        if not 0 < radius <= 2_000_000:
            raise serializers.ValidationError("near radius must be between 0 and 2,000,000 metres.")
        return (lat, lon, radius)

    def validate_polygon(self, value: str) -> tuple[str, float]:
        return polygon_from_geojson(value)

    def validate_region(self, value: str) -> tuple[int, tuple[float, float, float, float]]:
        """The region's id and bounding box."""
        layer, _, code = value.partition(":")
        region = (
            Region.objects.filter(layer__name=layer, code=code)
            .annotate(envelope=Envelope("geom"))
            .values_list("pk", "envelope")
            .first()
        )
        if not code or region is None:
            raise serializers.ValidationError(
                f"Unknown region {value!r}: use layer:code, e.g. fr-region:11 "
                "(see /api/v1/regions/)."
            )
        return region[0], region[1].extent

    def validate_source(self, value: list[str]) -> list[str]:
        return _choices(value, Source.values, "source")

    def validate_sentiment(self, value: list[str]) -> list[str]:
        return _choices(value, OpinionLabel.values, "sentiment")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start >= end:
            raise serializers.ValidationError({"to": "`to` must be after `from`."})
        return attrs


# `from` is a Python keyword, so the field is declared outside the class body.
InsightFilterSerializer._declared_fields["from"] = serializers.DateTimeField(
    required=False, help_text="ISO 8601, inclusive"
)


def _choices(values: list[str], allowed: list[str], name: str) -> list[str]:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise serializers.ValidationError(
            f"Unknown {name} {', '.join(unknown)}; use one of {', '.join(allowed)}."
        )
    return values


def polygon_from_geojson(text: str) -> tuple[str, float]:
    """WKT of a valid (repaired if need be) polygon and the radius of a disc of its area."""
    try:
        geometry = shapely.from_geojson(text)
    except (shapely.errors.GEOSException, ValueError, orjson.JSONDecodeError) as exc:
        raise serializers.ValidationError(f"polygon is not valid GeoJSON: {exc}") from exc
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise serializers.ValidationError(
            f"polygon must be a GeoJSON Polygon or MultiPolygon, not {geometry.geom_type}."
        )
    limit = settings.INSIGHTS_MAX_POLYGON_VERTICES
    vertices = shapely.get_num_coordinates(geometry)
    if vertices > limit:
        raise serializers.ValidationError(
            f"polygon has {vertices:,} vertices; the limit is {limit:,}: simplify it first."
        )
    bounds = geometry.bounds
    if bounds[0] < -180 or bounds[2] > 180 or bounds[1] < -90 or bounds[3] > 90:
        raise serializers.ValidationError("polygon coordinates must be lon,lat within ±180/±90.")
    if not geometry.is_valid:
        geometry = _repaired(geometry)
    return geometry.wkt, _equal_area_radius_m(geometry)


def _repaired(geometry: Any) -> Any:
    reason = shapely.is_valid_reason(geometry)
    polygons = shapely.get_parts(shapely.make_valid(geometry))
    polygons = [part for part in polygons if part.geom_type in ("Polygon", "MultiPolygon")]
    repaired = shapely.union_all(polygons) if polygons else None
    if repaired is None or repaired.is_empty or repaired.area == 0:
        raise serializers.ValidationError(
            f"polygon is invalid ({reason}) and has no area once repaired: send a valid ring."
        )
    return repaired


def _equal_area_radius_m(geometry: Any) -> float:
    # Area on a sphere, approximated by scaling degrees² at the centroid latitude.
    lat = math.radians(geometry.centroid.y)
    metres_per_degree = math.pi * EARTH_RADIUS_M / 180
    area_m2 = geometry.area * metres_per_degree**2 * math.cos(lat)
    return math.sqrt(area_m2 / math.pi)


def insight_filter_from(params: Any, brands: dict[str, Brand]) -> InsightFilter:
    """Validate query parameters against the caller's brands (unknown or foreign slugs: 400)."""
    query = InsightFilterSerializer(data=params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    slugs = data.get("brand") or list(brands)
    foreign = [slug for slug in slugs if slug not in brands]
    if foreign:
        raise serializers.ValidationError(
            {
                "brand": f"Unknown brand {', '.join(foreign)}: this key can read "
                f"{', '.join(sorted(brands)) or 'no brand'}."
            }
        )
    polygon = data.get("polygon")
    return InsightFilter(
        brand_ids=tuple(sorted(brands[slug].pk for slug in slugs)),
        date_from=data.get("from"),
        date_to=data.get("to"),
        bbox=data.get("bbox"),
        near=data.get("near"),
        polygon_wkt=polygon[0] if polygon else None,
        polygon_radius_m=polygon[1] if polygon else None,
        region_id=data["region"][0] if "region" in data else None,
        region_envelope=data["region"][1] if "region" in data else None,
        sources=tuple(data.get("source", ())),
        langs=tuple(data.get("lang", ())),
        sentiments=tuple(data.get("sentiment", ())),
        min_precision_m=data.get("min_precision_m"),
    )


def area_contains(query: InsightFilter, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Which points lie inside every area of the query (vectorised)."""
    inside = np.ones(len(lons), dtype=bool)
    if query.bbox:
        minlon, minlat, maxlon, maxlat = query.bbox
        inside &= (lons >= minlon) & (lons <= maxlon) & (lats >= minlat) & (lats <= maxlat)
    if query.near:
        lat, lon, radius = query.near
        inside &= haversine_m(lons, lats, lon, lat) <= radius
    if query.polygon_wkt:
        inside &= shapely.contains_xy(shapely.from_wkt(query.polygon_wkt), lons, lats)
    return inside
