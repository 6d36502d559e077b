"""Choropleth figures per region of a layer or per H3 cell, and share of voice per region."""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import h3
import orjson
from django.db.backends.utils import CursorWrapper
from rest_framework.exceptions import ValidationError

from apps.insights.aggregates import (
    UnitSpec,
    h3_unit_for,
    k_threshold,
    region_unit,
    unit_counts,
    unit_counts_and_unplaced,
)
from apps.insights.figures import figures_by_unit, is_suppressed
from apps.insights.filters import InsightFilter
from apps.insights.rollup_reads import UnsettledRead, pending_days_sql, rollup_day_range
from apps.insights.rollups import UnknownRollupLevel
from apps.insights.selectors.scope import BrandScope
from apps.insights.sql import fetch_dicts, insight_cursor
from apps.mentions.models import H3_RESOLUTIONS
from apps.regions.models import BoundaryLayer
from apps.regions.selectors import (
    GEOJSON_DECIMALS,
    region_labels,
    simplify_tolerance_for_zoom,
)

REGION_GEOMETRY_SQL = """
SELECT id, code, name, ST_AsGeoJSON(
    ST_Multi(ST_SimplifyPreserveTopology(geom, %(tolerance)s)), %(decimals)s) AS geometry
FROM regions_region WHERE id = ANY(%(ids)s)
"""


# What this process last read of each layer's id and of the days pending a refresh: a region
# read assumes them and checks them in its own statement (`CHECK_PART`), one round trip fewer.
_layer_ids: dict[str, int] = {}
_pending_days: set[dt.date] = set()
_Read = TypeVar("_Read")


def layer_id_and_pending(
    cursor: CursorWrapper, name: str, query: InsightFilter
) -> tuple[int, list[dt.date]]:
    """The layer's id and the query's days pending a rollup refresh (`rollup_pending_days`),
    in one plain statement: every region read needs both, and the ORM took longer to build it."""
    pending_sql, params = pending_days_sql(query)
    cursor.execute(
        f"SELECT (SELECT id FROM {BoundaryLayer._meta.db_table} WHERE name = %(layer_name)s), "
        f"ARRAY({pending_sql})",
        params | {"layer_name": name},
    )
    layer_id, pending = cursor.fetchone()
    if layer_id is None:
        known = ", ".join(BoundaryLayer.objects.values_list("name", flat=True)) or "none loaded"
        raise ValidationError({"layer": f"Unknown layer {name!r}; known layers: {known}."})
    _layer_ids[name] = int(layer_id)
    # Copies (one C call each) before iterating: a threaded worker may change the set meanwhile.
    _pending_days.difference_update([day for day in tuple(_pending_days) if _in_period(day, query)])
    _pending_days.update(pending)
    return int(layer_id), pending


def _in_period(day: dt.date, query: InsightFilter) -> bool:
    """Whether the day is one of the query's rollup days (`pending_days_sql`'s range)."""
    start, end = rollup_day_range(query)
    return (start is None or day >= start) and (end is None or day < end)


def with_layer(
    cursor: CursorWrapper,
    name: str,
    query: InsightFilter,
    read: Callable[[int, list[dt.date], tuple[str, int] | None], _Read],
) -> _Read:
    """`read(layer_id, pending, assumed_layer)`, first with the layer's id and pending days this
    process last read, checked by the read itself, then, if they did not hold, after asking."""
    remembered = _layer_ids.get(name)
    if remembered is not None:
        pending = sorted(day for day in tuple(_pending_days) if _in_period(day, query))
        try:
            return read(remembered, pending, (name, remembered))
        except (UnsettledRead, UnknownRollupLevel):  # the latter: a layer replaced since
            pass
    layer_id, pending = layer_id_and_pending(cursor, name, query)
    return read(layer_id, pending, None)


def check_resolution(resolution: int) -> int:
    if resolution not in H3_RESOLUTIONS:
        raise ValidationError(
            {"res": f"H3 resolution must be one of {', '.join(map(str, H3_RESOLUTIONS))}."}
        )
    return resolution


def _unit_figures(
    cursor: CursorWrapper,
    query: InsightFilter,
    scope: BrandScope,
    unit: UnitSpec,
    pending: list[dt.date] | None = None,
    *,
    assumed_layer: tuple[str, int] | None = None,
) -> tuple[dict[Any, dict[str, Any]], int | None]:
    rows, unplaced = unit_counts_and_unplaced(
        cursor, query, unit, scope.all_ids, pending, assumed_layer=assumed_layer
    )
    return figures_by_unit(rows, scope.slugs, scope.focus_ids, scope.competitors), unplaced


def _collection(features: list[dict[str, Any]], unplaced: int | None, **extra: Any) -> dict:
    return {
        "type": "FeatureCollection",
        **extra,
        "min_authors": k_threshold(),
        "not_placed": unplaced,
        "not_placed_suppressed": unplaced is None,
        "features": features,
    }


def region_figures(
    query: InsightFilter, scope: BrandScope, layer: str, zoom: int | None, geometry: bool = True
) -> dict[str, Any]:
    """A FeatureCollection of the layer's regions that have matching mentions."""
    with insight_cursor() as cursor:
        figures, unplaced = with_layer(
            cursor, layer, query,
            lambda layer_id, pending, assumed: _unit_figures(
                cursor, query, scope, region_unit(layer_id), pending, assumed_layer=assumed),
        )  # fmt: skip
        if geometry:
            regions = fetch_dicts(cursor, REGION_GEOMETRY_SQL, {
                "ids": list(figures), "tolerance": simplify_tolerance_for_zoom(zoom or 6),
                "decimals": GEOJSON_DECIMALS,
            })  # fmt: skip
        else:
            regions = [{"id": pk, "code": code, "name": name, "geometry": None}
                       for pk, (code, name) in region_labels(figures).items()]  # fmt: skip
    features = [
        {
            "type": "Feature",
            "id": region["code"],
            # PostGIS already wrote this geometry as JSON: embed it as is.
            "geometry": orjson.Fragment(region["geometry"]) if region["geometry"] else None,
            "properties": {
                "code": region["code"],
                "name": region["name"],
                "suppressed": is_suppressed(figures[region["id"]]),
                "brands": figures[region["id"]],
            },
        }
        for region in sorted(regions, key=lambda r: r["code"])
    ]
    return _collection(features, unplaced, layer=layer)


@functools.lru_cache(maxsize=500_000)
def cell_polygon_json(cell: str) -> bytes:
    """A cell's GeoJSON polygon, serialised: it never changes, so each process keeps it."""
    ring = [[round(lon, GEOJSON_DECIMALS), round(lat, GEOJSON_DECIMALS)]
            for lat, lon in h3.cell_to_boundary(cell)]  # fmt: skip
    return orjson.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


def cell_polygon(cell: str) -> orjson.Fragment:
    return orjson.Fragment(cell_polygon_json(cell))


def h3_figures(
    query: InsightFilter, scope: BrandScope, resolution: int, *, serialised: bool = True
) -> dict[str, Any]:
    """Figures per cell; `serialised`: suppressed cells' features as JSON already written
    (`SUPPRESSED_CELL`), for an answer sent as is, rather than dicts for code that reads them."""
    check_resolution(resolution)
    with insight_cursor() as cursor:
        unit = h3_unit_for(cursor, query, resolution)
        figures, unplaced = _unit_figures(cursor, query, scope, unit)
    features = [_cell_feature(cell, figures[cell], serialised) for cell in sorted(figures)]
    return _collection(features, unplaced, resolution=resolution)


# A suppressed cell's feature, written as JSON at once: at fine resolutions nearly every cell is
# one (5,799 of 5,807 H3 res-6 cells for one brand and month), and building each as dicts for
# orjson was the largest part of the answer's time. Cell ids are hexadecimal: nothing to escape.
SUPPRESSED_CELL = (
    b'{"type":"Feature","id":"%b","geometry":%b,'
    b'"properties":{"cell":"%b","suppressed":true,"brands":%b}}'
)


def _cell_feature(cell: str, per_brand: dict[str, dict[str, Any]], serialised: bool) -> Any:
    suppressed = is_suppressed(per_brand)
    if suppressed and serialised:
        cell_id = cell.encode()
        return orjson.Fragment(
            SUPPRESSED_CELL % (cell_id, cell_polygon_json(cell), cell_id, orjson.dumps(per_brand))
        )
    return {
        "type": "Feature",
        "id": cell,
        "geometry": cell_polygon(cell),
        "properties": {"cell": cell, "suppressed": suppressed, "brands": per_brand},
    }


def region_codes(region_ids: set[int]) -> dict[int, str]:
    return {pk: code for pk, (code, _name) in region_labels(region_ids).items()}


def share_of_voice(query: InsightFilter, scope: BrandScope, layer: str) -> dict[str, Any]:
    """Per region, each focus brand's share among itself and its competitors."""
    with insight_cursor() as cursor:
        rows = with_layer(
            cursor, layer, query,
            lambda layer_id, pending, assumed: unit_counts(
                cursor, query.with_brands(scope.all_ids), region_unit(layer_id),
                scope.focus_ids, with_authors=False, pending=pending, assumed_layer=assumed),
        )  # fmt: skip
        codes = region_codes({row["unit"] for row in rows})
    by_region: dict[int, dict[int, int]] = {}
    for row in rows:
        by_region.setdefault(row["unit"], {})[row["brand_id"]] = row["mentions"]
    regions = [
        {"region": codes[region_id], **_shares(counts, scope)}
        for region_id, counts in sorted(by_region.items(), key=lambda item: codes[item[0]])
    ]
    return {"layer": layer, "min_authors": k_threshold(), "regions": regions}


def _shares(counts: dict[int, int], scope: BrandScope) -> dict[str, Any]:
    """Shares within each focus brand's group; a member whose atoms were all dropped is masked."""
    groups = {}
    for brand_id in scope.focus_ids:
        if brand_id not in counts:
            continue
        members = [m for m in sorted(scope.competitors.get(brand_id, set()) | {brand_id})
                   if m in counts]  # fmt: skip
        total = sum(counts[member] for member in members)
        shares = {scope.slugs[member]: _share_entry(counts[member], total) for member in members}
        groups[scope.slugs[brand_id]] = {"suppressed": total == 0, "shares": shares}
    return {"brands": groups}


def _share_entry(mentions: int, total: int) -> dict[str, Any]:
    if not mentions:
        return {"suppressed": True}
    return {"suppressed": False, "mentions": mentions, "share": round(mentions / total, 4)}
