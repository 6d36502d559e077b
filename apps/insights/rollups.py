"""Rollups per (brand, UTC day, unit): recomputed whole for a day whenever its mentions change.

Writers mark the days they touched (`rollup_days_mark`, in their own transaction); a periodic
task recomputes marked days. A lost task only delays a refresh: the marks stay until done.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from apps.insights.models import DirtyRollupDay
from apps.insights.sql import MENTIONS_FROM
from apps.regions.models import BoundaryLayer

_COUNTS = """
count(*), count(*) FILTER (WHERE m.opinion_label = 'positive'),
count(*) FILTER (WHERE m.opinion_label = 'neutral'),
count(*) FILTER (WHERE m.opinion_label = 'negative'),
count(DISTINCT m.author_hash), array_agg(DISTINCT hashtext(m.author_hash))
"""

# A level's atoms (unit, brand, UTC day) from the mentions of a time range: what a refresh
# stores, and what a read computes for days whose refresh is still pending. `{only}` narrows
# the mentions further (the pending days, the brands read).
ATOMS_SQL = """
SELECT {level}::varchar AS level, {unit} AS unit, mb.brand_id,
       (m.created_at AT TIME ZONE 'UTC')::date AS day, {counts}
FROM {mentions} {join}
-- A deleted brand's id can stay in a mention's brand_ids: it has no rollups.
JOIN brands_brand b ON b.id = mb.brand_id
WHERE m.status = 'scored' AND m.created_at >= %(atoms_start)s AND m.created_at < %(atoms_end)s
  AND {condition} {only}
GROUP BY 2, 3, 4
"""

INSERT_SQL = """
INSERT INTO insights_unitdayrollup
    (level, unit, brand_id, day, mentions, positive, neutral, negative, authors, author_keys)
"""

# Days pending a refresh, for the brands read (params: rollup_level, atoms_start, atoms_end,
# pending_days, and the brands, named by `{brands}`).
PENDING_ONLY = """
  AND (m.created_at AT TIME ZONE 'UTC')::date = ANY(%(pending_days)s)
  AND m.brand_ids && %({brands})s::bigint[] AND mb.brand_id = ANY(%({brands})s::bigint[])
"""


def atoms_sql(level_sql: str, level: tuple[str, str, str, str], only: str = "") -> str:
    """`ATOMS_SQL` for one of `rollup_levels()`, its level written as `level_sql`."""
    _name, unit, join, condition = level
    return ATOMS_SQL.format(
        level=level_sql, unit=unit, counts=_COUNTS, mentions=MENTIONS_FROM, join=join,
        condition=condition, only=only,
    )  # fmt: skip


class UnknownRollupLevel(ValueError):
    """No layer or resolution has this rollup level (a layer removed since its id was read)."""


def pending_atoms_sql(
    level: str, level_param: str = "rollup_level", brands_param: str = "brand_ids"
) -> str:
    """The atoms of a level on days pending a refresh, as the refresh will store them; the
    level and the brands are the parameters named `level_param` and `brands_param`."""
    only = PENDING_ONLY.format(brands=brands_param)
    for definition in rollup_levels():
        if definition[0] == level:
            return atoms_sql(f"%({level_param})s", definition, only)
    raise UnknownRollupLevel(f"No rollup level {level!r}.")


def rollup_levels() -> list[tuple[str, str, str, str]]:
    """(level, unit SQL, join, condition) of every level kept, placed and unplaced."""
    levels = [("all", "''", "", "TRUE")]
    for layer_id in BoundaryLayer.objects.values_list("pk", flat=True):
        join = (
            "LEFT JOIN mentions_mentionregion mr ON mr.mention_id = m.id "
            f"AND mr.layer_id = {int(layer_id)}"
        )
        levels.append(
            (f"region:{layer_id}", "mr.region_id::text", join, "mr.region_id IS NOT NULL")
        )
        levels.append((f"unplaced:region:{layer_id}", "''", join, "mr.region_id IS NULL"))
    for res in settings.INSIGHTS_ROLLUP_H3_RESOLUTIONS:
        column = f"m.h3_r{int(res)}"
        levels.append((f"h3:{res}", column, "", f"{column} <> ''"))
        levels.append((f"unplaced:h3:{res}", "''", "", f"{column} = ''"))
    # The mentions list's not-placed count: matches not precise enough to be shown as points.
    levels.append(("unplaced:point", "''", "", f"NOT ({point_placed_condition()})"))
    return levels


def point_placed_condition() -> str:
    return f"coalesce(m.precision_m <= {float(settings.INSIGHTS_POINT_MAX_PRECISION_M)}, false)"


def rollup_day_recompute(day: dt.date, levels: list[tuple[str, str, str, str]]) -> None:
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    params = {"day": day, "atoms_start": start, "atoms_end": start + dt.timedelta(days=1)}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM insights_unitdayrollup WHERE day = %(day)s", params)
        for level in levels:
            # In index order: a read's (level, brand, days) rows then share few heap pages.
            cursor.execute(
                INSERT_SQL + atoms_sql("%(level)s", level) + " ORDER BY 3, 2",
                params | {"level": level[0]},
            )


def rollup_days_recompute(days: Iterable[dt.date], progress: bool = False) -> int:
    levels = rollup_levels()
    days = sorted(set(days))
    for day in tqdm(days, desc="rollups", unit="day", disable=not progress):
        rollup_day_recompute(day, levels)
    return len(days)


def rollup_days_mark(days: Iterable[dt.date]) -> None:
    """Mark days for a refresh; call it inside the transaction that changed their mentions."""
    now = timezone.now()
    rows = [DirtyRollupDay(day=day, marked_at=now) for day in set(days)]
    DirtyRollupDay.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["day"], update_fields=["marked_at"]
    )


def rollup_days_mark_mentions(ids: Iterable[uuid.UUID]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM mentions_mention "
            "WHERE id = ANY(%s)",
            [list(ids)],
        )
        rollup_days_mark(row[0] for row in cursor.fetchall())


def rollups_refresh_dirty() -> int:
    """Recompute every marked day; a day marked again meanwhile stays marked for the next run."""
    marks = list(DirtyRollupDay.objects.values_list("day", "marked_at"))
    levels = rollup_levels()
    for day, marked_at in marks:
        rollup_day_recompute(day, levels)
        DirtyRollupDay.objects.filter(day=day, marked_at=marked_at).delete()
    return len(marks)


def rollups_refresh_all(progress: bool = False) -> int:
    """Recompute the rollups of every day that has scored mentions (after a bulk load)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM mentions_mention "
            "WHERE status = 'scored'"
        )
        days = [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM insights_unitdayrollup WHERE NOT (day = ANY(%s))", [days])
    DirtyRollupDay.objects.all().delete()
    recomputed = rollup_days_recompute(days, progress=progress)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE insights_unitdayrollup")
    return recomputed
