"""Getis-Ord Gi* hotspots of volume and net sentiment, on H3 cells or region contiguity."""

from typing import Any

import h3
import numpy as np

from apps.insights.aggregates import h3_unit_for, k_threshold, region_unit, unit_counts
from apps.insights.figures import brand_figures
from apps.insights.filters import InsightFilter
from apps.insights.selectors.scope import BrandScope
from apps.insights.selectors.spatial import (
    cell_polygon,
    check_resolution,
    layer_id_and_pending,
    region_codes,
)
from apps.insights.sql import insight_cursor
from apps.insights.stats import getis_ord_each, sentiment_residuals

# Regions that share a boundary (queen contiguity), computed by PostGIS on the subdivided parts.
REGION_NEIGHBOURS_SQL = """
SELECT DISTINCT a.region_id, b.region_id
FROM regions_regionpart a JOIN regions_regionpart b
  ON a.geom && b.geom AND a.region_id <> b.region_id AND ST_Intersects(a.geom, b.geom)
WHERE a.region_id = ANY(%(ids)s) AND b.region_id = ANY(%(ids)s)
"""


def hotspots(
    query: InsightFilter, scope: BrandScope, resolution: int | None, layer: str | None
) -> dict[str, Any]:
    """Per focus brand, each unshown-free unit's class for volume and for net sentiment.

    Only units with kept atoms take part: suppressed units are neither tested nor used as
    neighbours, so the statistic cannot be used to recover their counts.
    """
    with insight_cursor() as cursor:
        if layer:
            layer_id, pending = layer_id_and_pending(cursor, layer, query)
            rows = unit_counts(
                cursor, query, region_unit(layer_id), with_authors=False, shown_only=True,
                pending=pending,
            )  # fmt: skip
            codes = region_codes({row["unit"] for row in rows})
        else:
            unit = h3_unit_for(cursor, query, check_resolution(resolution or 5))
            rows = unit_counts(cursor, query, unit, with_authors=False, shown_only=True)
        brands = {}
        for brand_id in scope.focus_ids:
            shown = [r for r in rows if r["brand_id"] == brand_id]
            # In a stable order whatever the plan: by cell, or by region code.
            shown.sort(key=lambda r: codes[r["unit"]] if layer else r["unit"])
            units = [r["unit"] for r in shown]
            neighbours = _region_neighbours(cursor, units) if layer else _cell_neighbours(units)
            brands[scope.slugs[brand_id]] = _classify(shown, neighbours, codes if layer else None)
    return {
        "on": f"layer:{layer}" if layer else f"h3:{resolution or 5}",
        "min_authors": k_threshold(),
        "brands": brands,
    }


def _classify(
    rows: list[dict[str, Any]], neighbours: dict[Any, list[Any]], codes: dict[int, str] | None
) -> list[dict[str, Any]]:
    units = [row["unit"] for row in rows]
    figures = [brand_figures(row) for row in rows]
    classes = getis_ord_each(
        {
            "volume": np.array([f["mentions"] for f in figures], float),
            "sentiment": sentiment_residuals(rows),
        },
        neighbours,
        units,
    )
    volume, net = classes["volume"], classes["sentiment"]
    result = []
    for unit, unit_figures in zip(units, figures, strict=True):
        entry: dict[str, Any] = {"mentions": unit_figures["mentions"],
                                 "net_sentiment": unit_figures["net_sentiment"],
                                 "volume": volume[unit], "sentiment": net[unit]}  # fmt: skip
        if codes is None:
            entry |= {"cell": unit, "geometry": cell_polygon(unit)}
        else:
            entry["region"] = codes[unit]
        result.append(entry)
    return result


def _cell_neighbours(cells: list[str]) -> dict[str, list[str]]:
    present = set(cells)
    return {
        cell: [n for n in h3.grid_disk(cell, 1) if n != cell and n in present] for cell in cells
    }


def _region_neighbours(cursor: Any, region_ids: list[int]) -> dict[int, list[int]]:
    neighbours: dict[int, list[int]] = {region_id: [] for region_id in region_ids}
    cursor.execute(REGION_NEIGHBOURS_SQL, {"ids": region_ids})
    for a, b in cursor.fetchall():
        neighbours[a].append(b)
    return neighbours
