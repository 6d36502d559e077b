"""Counts per spatial or temporal unit, built only from privacy atoms with enough authors.

An atom is (unit, brand, UTC day). Atoms with fewer than `k` distinct authors are dropped before
anything is summed, so every figure is a sum of atoms that each have at least `k` authors: two
overlapping queries (say two periods, or two sets of filters) differ by whole atoms only, and
their difference cannot reveal a group smaller than `k`. A unit left with no atom is suppressed.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import h3
import numpy as np
from django.conf import settings
from django.db.backends.utils import CursorWrapper

from apps.insights.filters import InsightFilter, area_contains
from apps.insights.rollup_reads import (
    MAX_PENDING_DAYS,
    UnsettledRead,
    can_use_rollups,
    rollup_counts_and_unplaced,
    rollup_pending_days,
    rollup_unit_counts,
    rollup_unplaced,
)
from apps.insights.sql import (
    MENTIONS_FROM,
    area_conditions,
    fetch_dicts,
    has_area,
    where_clause,
)


@dataclass(frozen=True)
class UnitSpec:
    """How a unit is read from a mention: an SQL expression, an optional join and its params."""

    expression: str
    join: str = ""
    params: tuple[tuple[str, Any], ...] = ()
    # A mention with no unit at this level "could not be placed" there.
    placed_condition: str = "TRUE"
    # Where set, area filters select whole units with this condition (on the unit column given)
    # instead of single mentions, so two overlapping areas never split a unit's atoms differently.
    whole_unit_condition: Callable[[InsightFilter, str], str] | None = None
    # The rollup level that holds this unit, and the unit as an expression on a rollup row.
    rollup_level: str | None = None
    rollup_unit: str = "unit"
    # Only these units (a tile's), when given; read by both the raw and the rollup path.
    only_units: tuple[Any, ...] | None = None

    def restricted_to(self, units: list[Any]) -> "UnitSpec":
        return replace(self, only_units=tuple(units))


def _regions_touching_area(query: InsightFilter, column: str) -> str:
    touching = " AND ".join(area_conditions(query, "r.geom"))
    return (
        f"{column} IN (SELECT r.id FROM regions_region r "
        f"WHERE r.layer_id = %(unit_layer_id)s AND {touching})"
    )


def region_unit(layer_id: int) -> UnitSpec:
    return UnitSpec(
        whole_unit_condition=_regions_touching_area,
        expression="mr.region_id",
        join="LEFT JOIN mentions_mentionregion mr "
        "ON mr.mention_id = m.id AND mr.layer_id = %(unit_layer_id)s",
        params=(("unit_layer_id", layer_id),),
        placed_condition="mr.region_id IS NOT NULL",
        rollup_level=f"region:{layer_id}",
        rollup_unit="unit::bigint",
    )


def h3_unit(resolution: int, cells_in_area: list[str] | None = None) -> UnitSpec:
    """Cells of a resolution; with an area filter, only the cells whose centre lies inside."""
    column = f"m.h3_r{int(resolution)}"
    return UnitSpec(
        expression=column,
        placed_condition=f"{column} <> ''",
        params=(("cells_in_area", cells_in_area or []),),
        whole_unit_condition=lambda _query, unit: f"{unit} = ANY(%(cells_in_area)s)",
        rollup_level=(
            f"h3:{resolution}" if resolution in settings.INSIGHTS_ROLLUP_H3_RESOLUTIONS else None
        ),
    )


def h3_unit_for(cursor: CursorWrapper, query: InsightFilter, resolution: int) -> UnitSpec:
    """The H3 unit of a query: with an area, the cells of matching mentions centred inside it."""
    if not has_area(query):
        return h3_unit(resolution)
    column = f"m.h3_r{int(resolution)}"
    where, params = where_clause(query, spatial=False)
    cursor.execute(
        f"SELECT DISTINCT {column} FROM {MENTIONS_FROM} WHERE {where} AND {column} <> ''", params
    )
    cells = [row[0] for row in cursor.fetchall()]
    centres = np.array([h3.cell_to_latlng(cell) for cell in cells]).reshape(-1, 2)
    inside = area_contains(query, centres[:, 1], centres[:, 0])
    return h3_unit(resolution, [cell for cell, keep in zip(cells, inside, strict=True) if keep])


def bucket_unit(interval: str) -> UnitSpec:
    return UnitSpec(
        expression="date_trunc(%(unit_interval)s, m.created_at AT TIME ZONE 'UTC')",
        params=(("unit_interval", interval),),
        rollup_level="all",
        rollup_unit="date_trunc(%(unit_interval)s, day::timestamp)",
    )


def k_threshold() -> int:
    return int(settings.INSIGHTS_MIN_AUTHORS)


# The focus brands' (`author_brand_ids`) rows, and their competitors' with kept atoms in the same
# units; a window rather than `unit IN (…)`: the estimates of this raw path are poor, and a
# semi-join planned for one row turned into a loop over every pair (430 ms on 4,000 rows).
ONLY_UNITS_ABOUT_FOCUS = """
SELECT unit, brand_id, mentions, authors, positive, neutral, negative FROM (
    SELECT *, brand_id = ANY(%(author_brand_ids)s) AS focus,
           bool_or(brand_id = ANY(%(author_brand_ids)s)) OVER (PARTITION BY unit) AS about
    FROM {rows}
) rows_about_focus WHERE focus OR (about AND mentions > 0)
"""


AGGREGATE_SQL = """
WITH f AS MATERIALIZED (
    SELECT {unit} AS unit, mb.brand_id, date_trunc('day', m.created_at AT TIME ZONE 'UTC') AS day,
           m.author_hash, m.opinion_label
    FROM {source} {join}
    WHERE {where} AND {placed}
),
kept AS MATERIALIZED (
    SELECT unit, brand_id, day FROM f
    GROUP BY unit, brand_id, day HAVING count(DISTINCT author_hash) >= %(k)s
),
grouped AS (
    SELECT f.unit, f.brand_id,
           count(*) FILTER (WHERE kept.day IS NOT NULL) AS mentions,
           {authors} AS authors,
           count(*) FILTER (WHERE kept.day IS NOT NULL AND f.opinion_label = 'positive')
               AS positive,
           count(*) FILTER (WHERE kept.day IS NOT NULL AND f.opinion_label = 'neutral') AS neutral,
           count(*) FILTER (WHERE kept.day IS NOT NULL AND f.opinion_label = 'negative')
               AS negative
    FROM f LEFT JOIN kept ON kept.unit = f.unit AND kept.brand_id = f.brand_id AND kept.day = f.day
    GROUP BY f.unit, f.brand_id
)
""" + ONLY_UNITS_ABOUT_FOCUS.format(rows="grouped")

DISTINCT_AUTHORS = """count(DISTINCT f.author_hash) FILTER (
               WHERE kept.day IS NOT NULL AND f.brand_id = ANY(%(author_brand_ids)s))"""

UNPLACED_SQL = """
SELECT count(*) AS mentions, count(DISTINCT m.author_hash) AS authors
FROM {source} {join}
WHERE {where} AND NOT ({placed})
"""


def unit_where(query: InsightFilter, unit: UnitSpec) -> tuple[str, dict[str, Any]]:
    whole_units = unit.whole_unit_condition is not None and has_area(query)
    where, params = where_clause(query, spatial=not whole_units)
    if whole_units and unit.whole_unit_condition is not None:
        where = f"{where} AND {unit.whole_unit_condition(query, unit.expression)}"
    if unit.only_units is not None:
        where = f"{where} AND {unit.expression} = ANY(%(only_units)s)"
        params["only_units"] = list(unit.only_units)
    return where, params


def aggregate_sql(
    query: InsightFilter,
    unit: UnitSpec,
    authors_of: tuple[int, ...] | None = None,
    *,
    with_authors: bool = True,
) -> tuple[str, dict[str, Any]]:
    where, params = unit_where(query, unit)
    sql = AGGREGATE_SQL.format(
        unit=unit.expression, source=MENTIONS_FROM, join=unit.join, where=where,
        placed=unit.placed_condition, authors=DISTINCT_AUTHORS if with_authors else "0",
    )  # fmt: skip
    brands = list(query.brand_ids if authors_of is None else authors_of)
    return sql, params | dict(unit.params) | {"k": k_threshold(), "author_brand_ids": brands}


def unit_counts(
    cursor: CursorWrapper,
    query: InsightFilter,
    unit: UnitSpec,
    authors_of: tuple[int, ...] | None = None,
    *,
    with_authors: bool = True,
    shown_only: bool = False,
    pending: list[dt.date] | None = None,
    assumed_layer: tuple[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Per (unit, brand): counts from kept atoms; `mentions` is 0 where every atom was dropped.

    `authors_of` (all by default) are the brands the figures are about: only units where one of
    them appears are returned, and distinct authors, the costly part, are counted for them only
    (and not at all, 0, without `with_authors`, for figures that never show them). Other
    brands (competitors, shown only as shares of voice) come in those units only where they
    have kept atoms. Suppression never depends on these counts: it is decided per atom.
    `shown_only` (without authors) leaves out the units where every atom was dropped.
    `pending` is `rollup_pending_days` for the query when the caller already asked it.
    `assumed_layer` (see `rollup_unit_counts`) raises `UnsettledRead` unless it and `pending`
    held and the rollups could answer.
    """
    if shown_only and (with_authors or authors_of is not None):
        raise ValueError("shown_only counts are of the query's brands, without distinct authors.")
    brands = list(query.brand_ids if authors_of is None else authors_of)
    if can_use_rollups(query, unit):
        pending = _pending(cursor, query, pending)
        if len(pending) <= MAX_PENDING_DAYS:
            return rollup_unit_counts(
                cursor, query, unit, k_threshold(), brands, with_authors=with_authors,
                shown_only=shown_only, pending=pending, assumed_layer=assumed_layer,
            )  # fmt: skip
    _unassumed(assumed_layer)
    rows = fetch_dicts(cursor, *aggregate_sql(query, unit, authors_of, with_authors=with_authors))
    return [row for row in rows if row["mentions"]] if shown_only else rows


def unplaced_sql(query: InsightFilter, unit: UnitSpec) -> tuple[str, dict[str, Any]]:
    where, params = where_clause(query)
    sql = UNPLACED_SQL.format(
        source=MENTIONS_FROM, join=unit.join, where=where, placed=unit.placed_condition
    )
    return sql, params | dict(unit.params)


def _pending(
    cursor: CursorWrapper, query: InsightFilter, known: list[dt.date] | None
) -> list[dt.date]:
    return rollup_pending_days(cursor, query) if known is None else known


def unplaced_count(
    cursor: CursorWrapper,
    query: InsightFilter,
    unit: UnitSpec,
    pending: list[dt.date] | None = None,
) -> int | None:
    """Matching mentions that cannot be placed at this level; None when too few authors."""
    rollups = can_use_rollups(query, unit) and not has_area(query)
    if rollups and len(pending := _pending(cursor, query, pending)) <= MAX_PENDING_DAYS:
        row = rollup_unplaced(cursor, query, unit, k_threshold(), pending)
    else:
        row = fetch_dicts(cursor, *unplaced_sql(query, unit))[0]
    return visible_count(row["mentions"], row["authors"])


def unit_counts_and_unplaced(
    cursor: CursorWrapper,
    query: InsightFilter,
    unit: UnitSpec,
    compared_ids: tuple[int, ...],
    pending: list[dt.date] | None = None,
    *,
    assumed_layer: tuple[str, int] | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """`unit_counts` about the query's brands, beside the others of `compared_ids` (their
    competitors), and their `unplaced_count`: one statement where both read the rollups."""
    everyone = query.with_brands(tuple(sorted({*query.brand_ids, *compared_ids})))
    if can_use_rollups(query, unit) and not has_area(query):
        pending = _pending(cursor, query, pending)
        if len(pending) <= MAX_PENDING_DAYS:
            rows, unplaced = rollup_counts_and_unplaced(
                cursor, everyone, unit, k_threshold(), list(query.brand_ids), pending=pending,
                assumed_layer=assumed_layer,
            )  # fmt: skip
            return rows, visible_count(unplaced["mentions"], unplaced["authors"])
    _unassumed(assumed_layer)
    rows = unit_counts(cursor, everyone, unit, query.brand_ids, pending=pending)
    return rows, unplaced_count(cursor, query, unit, pending=pending)


def _unassumed(assumed_layer: tuple[str, int] | None) -> None:
    """Only a rollup read can check an assumed layer: any other asks for the layer first."""
    if assumed_layer is not None:
        raise UnsettledRead("the rollups cannot answer this query")


def visible_count(mentions: int, authors: int) -> int | None:
    """A count of mentions, or None (suppressed) when they come from fewer than k authors."""
    if mentions and authors < k_threshold():
        return None
    return int(mentions)


def brand_unit() -> UnitSpec:
    """One unit for everything a brand matched: its overall figures."""
    return UnitSpec(expression="0", rollup_level="all", rollup_unit="0")
