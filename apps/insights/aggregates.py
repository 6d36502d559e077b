"""Counts per spatial or temporal unit, built only from privacy atoms with enough authors.

An atom is (unit, brand, UTC day). Atoms with fewer than `k` distinct authors are dropped before
anything is summed, so every figure is a sum of atoms that each have at least `k` authors: two
overlapping queries (say two periods, or two sets of filters) differ by whole atoms only, and
their difference cannot reveal a group smaller than `k`. A unit left with no atom is suppressed.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.backends.utils import CursorWrapper

from apps.insights.filters import InsightFilter
from apps.insights.sql import MENTIONS_FROM, fetch_dicts, where_clause


@dataclass(frozen=True)
class UnitSpec:
    """How a unit is read from a mention: an SQL expression, an optional join and its params."""

    expression: str
    join: str = ""
    params: tuple[tuple[str, Any], ...] = ()
    # A mention with no unit at this level "could not be placed" there.
    placed_condition: str = "TRUE"


def region_unit(layer_id: int) -> UnitSpec:
    return UnitSpec(
        expression="mr.region_id",
        join="LEFT JOIN mentions_mentionregion mr "
        "ON mr.mention_id = m.id AND mr.layer_id = %(unit_layer_id)s",
        params=(("unit_layer_id", layer_id),),
        placed_condition="mr.region_id IS NOT NULL",
    )


def h3_unit(resolution: int) -> UnitSpec:
    column = f"m.h3_r{int(resolution)}"
    return UnitSpec(expression=column, placed_condition=f"{column} <> ''")


def bucket_unit(interval: str) -> UnitSpec:
    return UnitSpec(
        expression="date_trunc(%(unit_interval)s, m.created_at AT TIME ZONE 'UTC')",
        params=(("unit_interval", interval),),
    )


def k_threshold() -> int:
    return int(settings.INSIGHTS_MIN_AUTHORS)


AGGREGATE_SQL = """
WITH f AS (
    SELECT {unit} AS unit, mb.brand_id, date_trunc('day', m.created_at AT TIME ZONE 'UTC') AS day,
           m.author_hash, m.opinion_label
    FROM {source} {join}
    WHERE {where} AND {placed}
),
kept AS (
    SELECT unit, brand_id, day FROM f
    GROUP BY unit, brand_id, day HAVING count(DISTINCT author_hash) >= %(k)s
)
SELECT f.unit, f.brand_id,
       count(*) FILTER (WHERE kept.day IS NOT NULL) AS mentions,
       count(DISTINCT f.author_hash) FILTER (WHERE kept.day IS NOT NULL) AS authors,
       count(*) FILTER (WHERE kept.day IS NOT NULL AND f.opinion_label = 'positive') AS positive,
       count(*) FILTER (WHERE kept.day IS NOT NULL AND f.opinion_label = 'neutral') AS neutral,
       count(*) FILTER (WHERE kept.day IS NOT NULL AND f.opinion_label = 'negative') AS negative
FROM f LEFT JOIN kept ON kept.unit = f.unit AND kept.brand_id = f.brand_id AND kept.day = f.day
GROUP BY f.unit, f.brand_id
"""

UNPLACED_SQL = """
SELECT count(*) AS mentions, count(DISTINCT m.author_hash) AS authors
FROM {source} {join}
WHERE {where} AND NOT ({placed})
"""


def aggregate_sql(query: InsightFilter, unit: UnitSpec) -> tuple[str, dict[str, Any]]:
    where, params = where_clause(query)
    sql = AGGREGATE_SQL.format(
        unit=unit.expression, source=MENTIONS_FROM, join=unit.join, where=where,
        placed=unit.placed_condition,
    )  # fmt: skip
    return sql, params | dict(unit.params) | {"k": k_threshold()}


def unit_counts(
    cursor: CursorWrapper, query: InsightFilter, unit: UnitSpec
) -> list[dict[str, Any]]:
    """Per (unit, brand): counts from kept atoms; `mentions` is 0 where every atom was dropped."""
    sql, params = aggregate_sql(query, unit)
    return fetch_dicts(cursor, sql, params)


def unplaced_count(cursor: CursorWrapper, query: InsightFilter, unit: UnitSpec) -> int | None:
    """Matching mentions that cannot be placed at this level; None when too few authors."""
    where, params = where_clause(query)
    sql = UNPLACED_SQL.format(
        source=MENTIONS_FROM, join=unit.join, where=where, placed=unit.placed_condition
    )
    row = fetch_dicts(cursor, sql, params | dict(unit.params))[0]
    if row["mentions"] and row["authors"] < k_threshold():
        return None
    return int(row["mentions"])
