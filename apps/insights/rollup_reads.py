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
from apps.insights.rollup_sql import (
    ATOMS,
    CHECK,
    CHECK_PART,
    DISTINCT_AUTHOR_KEYS,
    FOCUS,
    PENDING_ATOMS_CTE,
    PENDING_SQL,
    PEOPLE,
    RIVALS,
    ROLLUP_SQL,
    SHOWN_SQL,
    UNPLACED,
    UNPLACED_PART,
    UNPLACED_SQL,
)
from apps.insights.rollups import pending_atoms_sql
from apps.insights.sql import area_params, fetch_dicts, has_area

if TYPE_CHECKING:
    from apps.insights.aggregates import UnitSpec

# Days still pending a refresh are read from the mentions table (their atoms computed as a
# refresh would), the other days from the rollups: a day of fresh mentions (today, as they
# arrive) does not send a whole month to the mentions table. Past this many, it does.
MAX_PENDING_DAYS = 3


class UnsettledRead(Exception):
    """A read's assumed layer id or pending days did not hold, or it could not check them: read
    it again after asking both."""


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


def rollup_day_range(query: InsightFilter) -> tuple[dt.date | None, dt.date | None]:
    """The query's rollup days: from the first (inclusive) to the second (exclusive), UTC;
    None where the query has no bound."""
    start, end = query.date_from, query.date_to
    return (
        start.astimezone(dt.UTC).date() if start else None,
        end.astimezone(dt.UTC).date() if end else None,
    )


def _day_conditions(query: InsightFilter) -> tuple[str, dict[str, Any]]:
    conditions, params = [], {}
    day_from, day_to = rollup_day_range(query)
    if day_from:
        conditions.append("AND day >= %(day_from)s")
        params["day_from"] = day_from
    if day_to:
        conditions.append("AND day < %(day_to)s")
        params["day_to"] = day_to
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
    assumed_layer: tuple[str, int] | None = None,
) -> list[dict[str, Any]]:
    """`ROLLUP_SQL`; with `shown_only`, only the sums of units with kept atoms (`SHOWN_SQL`);
    `pending` days are read from the mentions table. `assumed_layer`: (name, id) that the
    unit's layer is taken to have, `pending` taken to be the query's pending days
    (`CHECK_PART`)."""
    sql, params = _counts_sql(
        query, unit, k, authors_of, with_authors=with_authors, shown_only=shown_only,
        pending=pending,
    )  # fmt: skip
    if shown_only:
        if assumed_layer:
            raise ValueError("Reads of shown units only take no assumed layer.")
        return fetch_dicts(cursor, sql, params)
    return _merged(
        _fetch_checked(cursor, query, sql, params, pending=pending, assumed_layer=assumed_layer)
    )


def _fetch_checked(
    cursor: CursorWrapper,
    query: InsightFilter,
    sql: str,
    params: dict[str, Any],
    *,
    pending: list[dt.date] | None,
    assumed_layer: tuple[str, int] | None,
) -> list[tuple]:
    """The rows of a read; with `assumed_layer`, the read carries `CHECK_PART`, and its rows are
    returned only if that part shows that the layer id and the pending days held."""
    if assumed_layer is None:
        cursor.execute(sql, params)
        return cursor.fetchall()
    pending_sql, day_params = pending_days_sql(query)
    cursor.execute(sql + CHECK_PART.format(pending=pending_sql), params | day_params | {
        "check_layer": assumed_layer[0], "check_pending": sorted(pending or []),
    })  # fmt: skip
    rows = cursor.fetchall()
    check = next(row for row in rows if row[0] == CHECK)
    if check[1] != assumed_layer[1] or check[3] != 1:
        raise UnsettledRead(f"layer {assumed_layer[0]!r} or the pending days changed")
    return rows


def rollup_counts_and_unplaced(
    cursor: CursorWrapper,
    query: InsightFilter,
    unit: "UnitSpec",
    k: int,
    authors_of: list[int],
    *,
    pending: list[dt.date],
    assumed_layer: tuple[str, int] | None = None,
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
    params |= pending_params | {"unplaced_level": level}
    rows = _fetch_checked(cursor, query, sql, params, pending=pending, assumed_layer=assumed_layer)
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
