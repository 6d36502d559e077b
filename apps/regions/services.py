"""Writes of boundary layers: a set-based upsert through COPY, then the subdivided copy."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from apps.common.db import copy_frame_to_temp_table
from apps.regions.models import BoundaryLayer
from geo.boundaries import BoundaryFields, read_boundaries
from geo.places import read_cities

# Vertices per subdivided piece: small pieces keep GiST boxes tight.
SUBDIVIDE_MAX_VERTICES = 255
STAGING_COLUMNS = ("code", "name", "population", "parent_code", "wkb")


@dataclass(frozen=True)
class BoundaryLoadResult:
    layer: str
    features: int
    parents_linked: int
    parents_missing: int
    skipped: bool = False


def boundary_fingerprint(
    path: Path,
    fields: BoundaryFields,
    parent_layer: str | None,
    bbox: tuple[float, float, float, float] | None,
) -> str:
    """sha256 of the file and of every option that changes what a load stores."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    digest.update(repr((fields, parent_layer)).encode())
    return hashlib.sha256((digest.hexdigest() + repr(bbox)).encode()).hexdigest()


def boundary_layer_load(
    path: Path,
    layer_name: str,
    fields: BoundaryFields,
    *,
    parent_layer_name: str | None = None,
    source_layer: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    force: bool = False,
) -> BoundaryLoadResult:
    """Upsert every feature of `path` into `layer_name` by code; unchanged files are skipped."""
    fingerprint = boundary_fingerprint(path, fields, parent_layer_name, bbox)
    existing = BoundaryLayer.objects.filter(name=layer_name).first()
    if existing and not force and existing.fingerprint == fingerprint:
        return BoundaryLoadResult(layer_name, existing.feature_count, 0, 0, skipped=True)

    parent_layer = None
    if parent_layer_name:
        parent_layer = BoundaryLayer.objects.filter(name=parent_layer_name).first()
        if parent_layer is None:
            raise ValueError(
                f"Parent layer '{parent_layer_name}' is not loaded; load it before '{layer_name}'."
            )
    steps = tqdm(total=4, desc=f"{layer_name}: reading", unit="step", leave=False, disable=None)
    frame = read_boundaries(path, fields, layer=source_layer, bbox=bbox)
    steps.update()
    with transaction.atomic():
        layer, _ = BoundaryLayer.objects.update_or_create(
            name=layer_name, defaults={"source": str(path), "parent_layer": parent_layer}
        )
        steps.set_description(f"{layer_name}: copying {len(frame)} features")
        _copy_to_staging(frame)
        steps.update()
        steps.set_description(f"{layer_name}: upserting")
        _upsert_from_staging(layer.pk)
        linked, missing = _link_parents(layer.pk, parent_layer.pk if parent_layer else None)
        steps.update()
        steps.set_description(f"{layer_name}: subdividing")
        _rebuild_parts(layer.pk)
        steps.update()
        layer.fingerprint = fingerprint
        layer.feature_count = layer.regions.count()
        layer.loaded_at = timezone.now()
        layer.save(update_fields=["fingerprint", "feature_count", "loaded_at"])
    steps.close()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE regions_region; ANALYZE regions_regionpart")
    return BoundaryLoadResult(layer_name, len(frame), linked, missing)


def _copy_to_staging(frame: gpd.GeoDataFrame) -> None:
    staging = frame.drop(columns="geometry").assign(wkb=frame.geometry.to_wkb(hex=True))
    copy_frame_to_temp_table(
        "boundary_staging",
        "code text, name text, population bigint, parent_code text, wkb text",
        staging[list(STAGING_COLUMNS)],
    )


def _upsert_from_staging(layer_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO regions_region (layer_id, code, name, population, geom)
            SELECT %s, code, name, population,
                   ST_Multi(ST_SetSRID(ST_GeomFromWKB(decode(wkb, 'hex')), 4326))
            FROM boundary_staging
            ON CONFLICT (layer_id, code) DO UPDATE
            SET name = EXCLUDED.name, population = EXCLUDED.population, geom = EXCLUDED.geom
            """,
            [layer_id],
        )


def _link_parents(layer_id: int, parent_layer_id: int | None) -> tuple[int, int]:
    if parent_layer_id is None:
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE regions_region AS child SET parent_id = parent.id
            FROM boundary_staging AS s
            JOIN regions_region AS parent ON parent.layer_id = %s AND parent.code = s.parent_code
            WHERE child.layer_id = %s AND child.code = s.code
            """,
            [parent_layer_id, layer_id],
        )
        linked = cursor.rowcount
        cursor.execute("SELECT count(*) FROM boundary_staging")
        (total,) = cursor.fetchone()
    return linked, total - linked


def rebuild_region_parts(layer_name: str) -> None:
    """Recompute the subdivided copy of a layer's regions, e.g. after editing them by hand."""
    _rebuild_parts(BoundaryLayer.objects.get(name=layer_name).pk)


def _rebuild_parts(layer_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE regions_region SET radius_m = sqrt(ST_Area(geom::geography) / pi()) "
            "WHERE layer_id = %s",
            [layer_id],
        )
        cursor.execute("DELETE FROM regions_regionpart WHERE layer_id = %s", [layer_id])
        cursor.execute(
            """
            INSERT INTO regions_regionpart (region_id, layer_id, geom)
            SELECT id, layer_id, (ST_Dump(ST_Subdivide(geom, %s))).geom
            FROM regions_region WHERE layer_id = %s
            """,
            [SUBDIVIDE_MAX_VERTICES, layer_id],
        )


def cities_load(path: Path, countries_path: Path | None = None) -> int:
    """Upsert the cities file by GeoNames id; returns the number of cities read."""
    frame = read_cities(path, countries_path)
    columns = ["geonameid", "name", "name_key", "country_code", "country_name", "admin1_code"]
    staging = frame[columns].assign(
        population=frame["population"].round().astype("int64"),
        wkb=frame.geometry.to_wkb(hex=True),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        copy_frame_to_temp_table(
            "city_staging",
            "geonameid bigint, name text, name_key text, country_code text, country_name text, "
            "admin1_code text, population bigint, wkb text",
            staging,
        )
        cursor.execute(
            """
            INSERT INTO regions_city (geonameid, name, name_key, country_code, country_name,
                                      admin1_code, population, point)
            SELECT geonameid, name, name_key, coalesce(country_code, ''),
                   coalesce(country_name, ''), coalesce(admin1_code, ''), population,
                   ST_SetSRID(ST_GeomFromWKB(decode(wkb, 'hex')), 4326)
            FROM city_staging
            ON CONFLICT (geonameid) DO UPDATE SET
                name = EXCLUDED.name, name_key = EXCLUDED.name_key,
                country_code = EXCLUDED.country_code, country_name = EXCLUDED.country_name,
                admin1_code = EXCLUDED.admin1_code, population = EXCLUDED.population,
                point = EXCLUDED.point
            """
        )
    return len(frame)
