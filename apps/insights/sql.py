"""The WHERE clause every insights query shares, and running it under a statement timeout."""

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from psycopg import ServerCursor
from psycopg import errors as pg_errors

from apps.common.exceptions import ServiceUnavailable
from apps.insights.filters import InsightFilter
from apps.partners import key_checks

# The mentions an insight reads, one row per brand each is about, as `m` and `mb.brand_id`.
MENTIONS_FROM = "mentions_mention m CROSS JOIN LATERAL unnest(m.brand_ids) AS mb(brand_id)"


def where_clause(
    query: InsightFilter, spatial: bool = True, per_brand: bool = True
) -> tuple[str, dict[str, Any]]:
    """SQL conditions (on `m`, and on `mb` unless `per_brand` is False) and their parameters.

    `spatial=False` leaves the area filters out, for aggregates that apply them to whole units.
    """
    # `&&` on the array lets its GIN index combine with the time and area indexes.
    conditions = ["m.brand_ids && %(brand_ids)s::bigint[]", "m.status = 'scored'"]
    if per_brand:
        conditions.append("mb.brand_id = ANY(%(brand_ids)s::bigint[])")
    params: dict[str, Any] = {"brand_ids": list(query.brand_ids)}
    simple = {
        "date_from": ("m.created_at >= %(date_from)s", query.date_from),
        "date_to": ("m.created_at < %(date_to)s", query.date_to),
        "sources": ("m.source = ANY(%(sources)s)", list(query.sources)),
        "langs": ("m.lang = ANY(%(langs)s)", list(query.langs)),
        "sentiments": ("m.opinion_label = ANY(%(sentiments)s)", list(query.sentiments)),
        "min_precision_m": ("m.precision_m <= %(min_precision_m)s", query.min_precision_m),
        "region_id": (
            "EXISTS (SELECT 1 FROM mentions_mentionregion r "
            "WHERE r.mention_id = m.id AND r.region_id = %(region_id)s)",
            query.region_id,
        ),
    }
    for name, (condition, value) in simple.items():
        if value is not None and value != []:
            conditions.append(condition)
            params[name] = value
    if query.region_envelope:
        # Never drops a mention of the region (its point lies in it), but lets the area index
        # narrow the matches before each one's region is checked.
        conditions.append(f"m.location && {REGION_ENVELOPE_SQL}")
        params |= dict(zip(("region_minlon", "region_minlat", "region_maxlon", "region_maxlat"),
                           query.region_envelope, strict=True))  # fmt: skip
    params |= area_params(query)
    if spatial:
        conditions += _mention_area_conditions(query)
    return " AND ".join(conditions), params


def has_area(query: InsightFilter) -> bool:
    return bool(query.bbox or query.near or query.polygon_wkt)


def area_params(query: InsightFilter) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if query.bbox:
        minlon, minlat, maxlon, maxlat = query.bbox
        params |= {"minlon": minlon, "minlat": minlat, "maxlon": maxlon, "maxlat": maxlat}
        params["bbox_radius_m"] = _bbox_half_side_m(query.bbox)
    if query.near:
        lat, lon, radius = query.near
        params |= {"near_lat": lat, "near_lon": lon, "near_radius": radius}
    if query.polygon_wkt:
        params |= {"polygon": query.polygon_wkt, "polygon_radius_m": query.polygon_radius_m}
    return params


BBOX_SQL = "ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)"
NEAR_SQL = "ST_MakePoint(%(near_lon)s, %(near_lat)s)::geography"
POLYGON_SQL = "ST_GeomFromText(%(polygon)s, 4326)"
REGION_ENVELOPE_SQL = (
    "ST_MakeEnvelope(%(region_minlon)s, %(region_minlat)s, %(region_maxlon)s, "
    "%(region_maxlat)s, 4326)"
)


def area_conditions(query: InsightFilter, column: str) -> list[str]:
    """Conditions that a geometry column touches every area of the query."""
    conditions = []
    if query.bbox:
        conditions.append(f"ST_Intersects({column}, {BBOX_SQL})")
    if query.near:
        conditions.append(f"ST_DWithin({column}::geography, {NEAR_SQL}, %(near_radius)s)")
    if query.polygon_wkt:
        conditions.append(f"ST_Intersects({column}, {POLYGON_SQL})")
    return conditions


def _mention_area_conditions(query: InsightFilter) -> list[str]:
    """A mention is inside an area only if its point is and its precision disc is not larger."""
    conditions = []
    if query.bbox:
        conditions.append(f"m.location && {BBOX_SQL} AND m.precision_m <= %(bbox_radius_m)s")
    if query.near:
        conditions.append(
            f"ST_DWithin(m.location::geography, {NEAR_SQL}, %(near_radius)s)"
            " AND m.precision_m <= %(near_radius)s"
        )
    if query.polygon_wkt:
        conditions.append(
            f"ST_Intersects(m.location, {POLYGON_SQL}) AND m.precision_m <= %(polygon_radius_m)s"
        )
    return conditions


def _bbox_half_side_m(bbox: tuple[float, float, float, float]) -> float:
    minlon, minlat, maxlon, maxlat = bbox
    mid = math.radians((minlat + maxlat) / 2)
    width = (maxlon - minlon) * 111_320 * math.cos(mid)
    height = (maxlat - minlat) * 110_574
    return min(width, height) / 2


# jit off: compiling a plan costs more than these short queries gain from it.
SETTINGS_SQL = (
    "SELECT set_config('statement_timeout', '{timeout_ms}', true), set_config('jit', 'off', true)"
)


@contextmanager
def insight_cursor() -> Iterator[CursorWrapper]:
    """A cursor whose statements are cancelled past the timeout, answered as a clear 503.

    Every statement run on the connection inside the block, this cursor's or another's, is sent
    after the settings in the same message: PostgreSQL runs such a message as one transaction,
    so the settings hold for that statement and end with it. A read then needs no transaction
    of its own, and none of the three round trips (BEGIN, SET, COMMIT) that one would cost.
    Inside a caller's transaction, the settings are set once in a savepoint instead, which a
    timeout rolls back without aborting the caller's transaction.
    """
    timeout_ms = int(settings.INSIGHTS_STATEMENT_TIMEOUT_MS)
    settings_sql = SETTINGS_SQL.format(timeout_ms=timeout_ms)
    try:
        if connection.in_atomic_block:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(settings_sql)
                yield cursor
        else:
            with (
                connection.execute_wrapper(_sent_after(settings_sql)),
                connection.cursor() as cursor,
            ):
                yield cursor
    except OperationalError as exc:
        if isinstance(exc.__cause__, pg_errors.QueryCanceled):
            raise InsightTimeout(timeout_ms) from exc
        raise


def _sent_after(settings_sql: str) -> Callable:
    """An execute wrapper that sends each statement after `settings_sql`, in the same message.
    While the request's API key is taken as remembered (`key_checks`), the settings' row also
    reads the key's fingerprint, settled before the statement's rows are used."""

    def run(execute: Callable, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if many:  # a batch of one statement cannot carry a second one
            raise ValueError("Insights reads run single statements, not executemany.")
        cursor = context["cursor"]
        # A server-side cursor's DECLARE takes one statement, and in a transaction opened in the
        # block (its savepoint commands among them) a prefix would outlive its statement.
        if context["connection"].in_atomic_block or isinstance(cursor.cursor, ServerCursor):
            return execute(sql, params, many, context)
        key_check = key_checks.check_sql()
        prefix = settings_sql + (f", {key_check}" if key_check else "")
        result = execute(f"{prefix};\n{sql}", params, many, context)
        if key_check:
            key_checks.settle(cursor.fetchone()[-1])
        if not cursor.nextset():  # past the prefix's row, to the statement's own
            raise RuntimeError(f"No result after the statement settings for: {sql[:80]}")
        return result

    return run


class InsightTimeout(ServiceUnavailable):
    default_code = "query_timeout"

    def __init__(self, timeout_ms: int) -> None:
        self.wait = 30  # DRF turns `wait` into a Retry-After header
        super().__init__(
            f"The query took longer than {timeout_ms / 1000:g} s and was stopped: narrow it "
            "(a shorter period, a smaller area, fewer brands) or retry later."
        )


def fetch_dicts(cursor: CursorWrapper, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cursor.execute(sql, params)
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
