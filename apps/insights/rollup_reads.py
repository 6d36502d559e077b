"""The same counts as `aggregates`, read from the rollups when the filters allow it.

Rollups hold whole UTC days per (brand, unit) with every source, language and sentiment, so a
query can use them when it filters on none of those, on whole days only, and on areas only
through whole units. A day with pending changes is read from the mentions table (its atoms
computed as its refresh will store them), beside the rollups of the other days, so answers
are never stale; with more than `MAX_PENDING_DAYS` such days the whole query reads the
mentions table.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.backends.utils import CursorWrapper

from apps.insights.filters import InsightFilter
from apps.insights.rollups import pending_atoms_sql
from apps.insights.sql import area_params, fetch_dicts, has_area

if TYPE_CHECKING:
    from apps.insights.aggregates import UnitSpec

# Three parts, merged in Python (`_merged`): the focus brands' units with the sums of their
# kept atoms (at least k authors), read from the (level, brand, day, authors) index that holds
# unit and counts; the distinct authors of those kept atoms; the competitors' sums over their
# kept atoms, read from the partial index of kept atoms. Joining the parts in SQL cost more
# (sorts of every unit for a merge join) than the reads themselves.
ROLLUP_SQL = """
WITH {atoms}focus AS (
    SELECT {unit} AS unit, brand_id,
           coalesce(sum(mentions) FILTER (WHERE authors >= %(k)s), 0)::bigint AS mentions,
           coalesce(sum(positive) FILTER (WHERE authors >= %(k)s), 0)::bigint AS positive,
           coalesce(sum(neutral) FILTER (WHERE authors >= %(k)s), 0)::bigint AS neutral,
           coalesce(sum(negative) FILTER (WHERE authors >= %(k)s), 0)::bigint AS negative
    FROM {source}
    WHERE level = %(rollup_level)s AND brand_id = ANY(%(author_brand_ids)s) {days} {area}
    GROUP BY 1, brand_id
),
people AS (
    SELECT {unit} AS unit, brand_id, {authors} AS authors
    FROM {source}
    WHERE level = %(rollup_level)s AND brand_id = ANY(%(author_brand_ids)s) AND authors >= %(k)s
      {days} {area} {people}
    GROUP BY 1, brand_id
),
rivals AS (
    SELECT {unit} AS unit, brand_id, sum(mentions)::bigint AS mentions,
           sum(positive)::bigint AS positive, sum(neutral)::bigint AS neutral,
           sum(negative)::bigint AS negative
    FROM {source}
    WHERE level = %(rollup_level)s AND brand_id = ANY(%(rival_ids)s) AND authors >= %(k)s
      {days} {area}
    GROUP BY 1, brand_id
)
SELECT 0 AS part, unit, brand_id, mentions, 0::bigint AS authors, positive, neutral, negative
FROM focus
UNION ALL
SELECT 1, unit, brand_id, 0, authors, 0, 0, 0 FROM people
UNION ALL
SELECT 2, unit, brand_id, mentions, 0, positive, neutral, negative FROM rivals
"""
FOCUS, PEOPLE, RIVALS, UNPLACED = 0, 1, 2, 3

# The focus brands' mentions that the level cannot place (`UNPLACED_SQL`) as a fourth part: a
# choropleth and its not-placed count in one statement. Cast: over pending atoms, whose counts
# are bigint, the sum is numeric, and the union's columns would follow it.
UNPLACED_PART = """
UNION ALL
SELECT 3, NULL, NULL, mentions::bigint, authors::bigint, 0, 0, 0 FROM ({unplaced}) unplaced
"""

# Distinct authors over the atoms' keys, concatenated per unit, then sorted and deduplicated by
# intarray's C functions: about five times faster than count(DISTINCT) over the unnested keys.
DISTINCT_AUTHOR_KEYS = "icount(uniq(sort(author_keys_cat(author_keys))))"

# Units where the brands have kept atoms, and their sums only: for figures that neither show
# suppressed units nor distinct authors (hotspots), read through the kept-atoms index alone.
SHOWN_SQL = """
{with_atoms}SELECT {unit} AS unit, brand_id, sum(mentions)::bigint AS mentions,
       0::bigint AS authors, sum(positive)::bigint AS positive, sum(neutral)::bigint AS neutral,
       sum(negative)::bigint AS negative
FROM {source}
WHERE level = %(rollup_level)s AND brand_id = ANY(%(brand_ids)s) AND authors >= %(k)s
  {days} {area}
GROUP BY 1, brand_id
"""

# `authors` is only compared with k: one day with k authors settles it without sorting the keys
# of every day, so it is exact below k and a lower bound at or above it.
# `{level}` and `{brands}` name the parameters that hold the level and the brands.
UNPLACED_SQL = """
{with_atoms}SELECT coalesce(sum(mentions), 0) AS mentions,
       CASE WHEN max(authors) >= %(k)s THEN max(authors) ELSE {authors} END AS authors
FROM {source}
WHERE level = %({level})s AND brand_id = ANY(%({brands})s) {days}
"""

PENDING_SQL = "SELECT day FROM insights_dirtyrollupday WHERE TRUE {days} ORDER BY day"

# Days still pending a refresh are read from the mentions table (their atoms computed as a
# refresh would), the other days from the rollups: a day of fresh mentions (today, as they
# arrive) does not send a whole month to the mentions table. Past this many, it does.
MAX_PENDING_DAYS = 3
PENDING_ATOMS_CTE = "{name} AS MATERIALIZED ({pending})"
# The stored rollups of the other days and the pending days' atoms, as one relation: the
# conditions of each read reach the rollups' indexes, and the pending atoms are computed once.
ATOMS = """(
    SELECT level, unit, brand_id, day, mentions, positive, neutral, negative, authors,
           author_keys
    FROM insights_unitdayrollup WHERE NOT day = ANY(%(pending_days)s)
    UNION ALL
    SELECT * FROM {name}
) AS atoms"""


def _whole_day(moment: dt.datetime | None) -> bool:
    return moment is None or moment.astimezone(dt.UTC).time() == dt.time()


def can_use_rollups(query: InsightFilter, unit: "UnitSpec") -> bool:
    return bool(
        settings.INSIGHTS_USE_ROLLUPS
        and unit.rollup_level
        and not (query.sources or query.langs or query.sentiments)
        and query.min_precision_m is None
        and query.region_id is None
        and _whole_day(query.date_from)
        and _whole_day(query.date_to)
        and (not has_area(query) or unit.whole_unit_condition is not None)
    )


def _day_conditions(query: InsightFilter) -> tuple[str, dict[str, Any]]:
    conditions, params = [], {}
    if query.date_from:
        conditions.append("AND day >= %(day_from)s")
        params["day_from"] = query.date_from.astimezone(dt.UTC).date()
    if query.date_to:
        conditions.append("AND day < %(day_to)s")
        params["day_to"] = query.date_to.astimezone(dt.UTC).date()
    return " ".join(conditions), params


def rollup_pending_days(cursor: CursorWrapper, query: InsightFilter) -> list[dt.date]:
    """The query's days whose rollups wait for a refresh."""
    cursor.execute(*pending_days_sql(query))
    return [row[0] for row in cursor.fetchall()]


def pending_days_sql(query: InsightFilter) -> tuple[str, dict[str, Any]]:
    """`rollup_pending_days`' statement, for one that reads them beside other things."""
    days, params = _day_conditions(query)
    return PENDING_SQL.format(days=days), params


def _sources(
    level: str, pending: list[dt.date], name: str = "pending_atoms", names: tuple[str, ...] = ()
) -> tuple[dict[str, str], dict]:
    """Where rows of a level are read: the rollups, or with pending days, `ATOMS`, whose
    pending part is the CTE `name` (`names`: `pending_atoms_sql`'s parameter names)."""
    if not pending:
        return {"source": "insights_unitdayrollup", "atoms": "", "with_atoms": ""}, {}
    atoms = PENDING_ATOMS_CTE.format(name=name, pending=pending_atoms_sql(level, *names))
    start = dt.datetime.combine(min(pending), dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(max(pending), dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=1)
    params = {"pending_days": pending, "atoms_start": start, "atoms_end": end}
    sources = {"source": ATOMS.format(name=name), "atoms": atoms + ",\n"}
    return sources | {"with_atoms": f"WITH {atoms}\n"}, params


def rollup_unit_counts(
    cursor: CursorWrapper,
    query: InsightFilter,
    unit: "UnitSpec",
    k: int,
    authors_of: list[int],
    *,
    with_authors: bool = True,
    shown_only: bool = False,
    pending: list[dt.date] | None = None,
) -> list[dict[str, Any]]:
    """`ROLLUP_SQL`; with `shown_only`, only the sums of units with kept atoms (`SHOWN_SQL`);
    `pending` days are read from the mentions table."""
    sql, params = _counts_sql(
        query, unit, k, authors_of, with_authors=with_authors, shown_only=shown_only,
        pending=pending,
    )  # fmt: skip
    if shown_only:
        return fetch_dicts(cursor, sql, params)
    cursor.execute(sql, params)
    return _merged(cursor.fetchall())


def rollup_counts_and_unplaced(
    cursor: CursorWrapper,
    query: InsightFilter,
    unit: "UnitSpec",
    k: int,
    authors_of: list[int],
    *,
    pending: list[dt.date],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`rollup_unit_counts`, and `rollup_unplaced` of the `authors_of` brands, in one statement
    (for queries without an area: the not-placed count has no whole-unit form of one)."""
    if has_area(query) or unit.only_units is not None:
        raise ValueError("A not-placed count is read with the counts only for a whole level.")
    level = f"unplaced:{unit.rollup_level}"
    sources, pending_params = _sources(
        level, pending, "pending_unplaced", ("unplaced_level", "author_brand_ids")
    )
    sql, params = _counts_sql(
        query, unit, k, authors_of, pending=pending, more_atoms=sources["atoms"]
    )
    unplaced_sql = UNPLACED_SQL.format(
        with_atoms="", source=sources["source"], days=_day_conditions(query)[0],
        authors=DISTINCT_AUTHOR_KEYS, level="unplaced_level", brands="author_brand_ids",
    )  # fmt: skip
    sql += UNPLACED_PART.format(unplaced=unplaced_sql)
    cursor.execute(sql, params | pending_params | {"unplaced_level": level})
    rows = cursor.fetchall()
    unplaced = next(row for row in rows if row[0] == UNPLACED)
    return _merged(rows), {"mentions": unplaced[3], "authors": unplaced[4]}


def _counts_sql(
    query: InsightFilter,
    unit: "UnitSpec",
    k: int,
    authors_of: list[int],
    *,
    with_authors: bool = True,
    shown_only: bool = False,
    pending: list[dt.date] | None,
    more_atoms: str = "",
) -> tuple[str, dict[str, Any]]:
    """`ROLLUP_SQL` (or `SHOWN_SQL`) and its parameters; `more_atoms`: CTEs of pending atoms
    that parts added to it read."""
    days, params = _day_conditions(query)
    area = ""
    if has_area(query) and unit.whole_unit_condition is not None:
        area = "AND " + unit.whole_unit_condition(query, unit.rollup_unit)
        params |= area_params(query)
    if unit.only_units is not None:
        area += f" AND {unit.rollup_unit} = ANY(%(only_units)s)"
        params["only_units"] = list(unit.only_units)
    assert unit.rollup_level is not None
    sources, pending_params = _sources(unit.rollup_level, pending or [])
    sources["atoms"] += more_atoms
    sql = (SHOWN_SQL if shown_only else ROLLUP_SQL).format(
        unit=unit.rollup_unit, days=days, area=area, **sources,
        # Figures that never show distinct authors read no author keys at all.
        authors=DISTINCT_AUTHOR_KEYS if with_authors else "0::bigint",
        people="" if with_authors else "AND FALSE",
    )  # fmt: skip
    return sql, params | pending_params | dict(unit.params) | {
        "rollup_level": unit.rollup_level, "brand_ids": list(query.brand_ids), "k": k,
        "author_brand_ids": authors_of,
        "rival_ids": [brand for brand in query.brand_ids if brand not in authors_of],
    }  # fmt: skip


def _merged(rows: list[tuple]) -> list[dict[str, Any]]:
    """`ROLLUP_SQL`'s parts as rows per (unit, brand): the focus brands' rows with their distinct
    authors, then the competitors' rows in the units where a focus brand appears."""
    focus, authors, rivals = [], {}, []
    for row in rows:
        if row[0] == FOCUS:
            focus.append(row)
        elif row[0] == PEOPLE:
            authors[row[1], row[2]] = row[4]
        elif row[0] == RIVALS:
            rivals.append(row)
    units = {row[1] for row in focus}
    return [_counts(row, authors.get((row[1], row[2]), 0)) for row in focus] + [
        _counts(row, 0) for row in rivals if row[1] in units
    ]


def _counts(row: tuple, authors: int) -> dict[str, Any]:
    _part, unit, brand_id, mentions, _authors, positive, neutral, negative = row
    return {
        "unit": unit, "brand_id": brand_id, "mentions": mentions, "authors": authors,
        "positive": positive, "neutral": neutral, "negative": negative,
    }  # fmt: skip


def rollup_unplaced(
    cursor: CursorWrapper,
    query: InsightFilter,
    unit: "UnitSpec",
    k: int,
    pending: list[dt.date] | None = None,
) -> dict:
    """Mentions not placed at the unit's level, and their distinct authors up to k."""
    days, params = _day_conditions(query)
    level = f"unplaced:{unit.rollup_level}"
    params |= {"rollup_level": level, "brand_ids": list(query.brand_ids), "k": k}
    sources, pending_params = _sources(level, pending or [])
    params |= pending_params
    sql = UNPLACED_SQL.format(
        days=days, authors=DISTINCT_AUTHOR_KEYS, level="rollup_level", brands="brand_ids", **sources
    )
    return fetch_dicts(cursor, sql, params)[0]
