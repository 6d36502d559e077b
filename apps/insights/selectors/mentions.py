"""Matching mentions as GeoJSON features, newest first, by keyset (cursor) pagination."""

import base64
import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ValidationError

from apps.insights.aggregates import UnitSpec, k_threshold, visible_count
from apps.insights.filters import InsightFilter
from apps.insights.rollup_reads import (
    MAX_PENDING_DAYS,
    can_use_rollups,
    rollup_pending_days,
    rollup_unplaced,
)
from apps.insights.rollups import point_placed_condition
from apps.insights.selectors.scope import BrandScope
from apps.insights.sql import fetch_dicts, has_area, insight_cursor, where_clause
from geo.distance import METRES_PER_DEGREE

# Points are snapped to a metre grid: `grid_deg` of latitude, and of longitude scaled by the
# cosine of the snapped latitude, so that cells are about `grid` metres wide everywhere.
MENTION_COLUMNS = """
SELECT m.id, m.created_at, m.source, m.lang, {text} AS text, m.opinion_label,
       m.opinion_score, m.opinion_confidence, m.model_version, m.location_provenance,
       m.precision_m,
       CASE WHEN m.precision_m <= %(point_max_m)s THEN round(ST_Y(m.location) / %(grid_deg)s)
            * %(grid_deg)s END AS lat,
       CASE WHEN m.precision_m <= %(point_max_m)s THEN round(ST_X(m.location) / (%(grid_deg)s
            / cos(radians(round(ST_Y(m.location) / %(grid_deg)s) * %(grid_deg)s))))
            * (%(grid_deg)s / cos(radians(round(ST_Y(m.location) / %(grid_deg)s) * %(grid_deg)s)))
       END AS lon,
       ARRAY(SELECT b FROM unnest(m.brand_ids) AS b
             WHERE b = ANY(%(visible_ids)s::bigint[]) ORDER BY b) AS brand_ids
"""
MENTIONS_SQL = (
    MENTION_COLUMNS
    + """, NULL AS not_placed, NULL AS not_placed_authors
FROM mentions_mention m
WHERE {where} {after}
ORDER BY m.created_at DESC, m.id DESC
LIMIT %(limit)s
"""
)
# The first page also counts the matches that cannot be shown as points: both read one set of
# matches, found once (the counts are computed once, as init plans, not per row).
FIRST_PAGE_SQL = (
    """
WITH matching AS MATERIALIZED (
    SELECT m.id, m.created_at, m.author_hash, {placed} AS placed
    FROM mentions_mention m WHERE {where}
),
page AS (
    SELECT id FROM matching ORDER BY created_at DESC, id DESC LIMIT %(limit)s
)
"""
    + MENTION_COLUMNS
    + """,
       (SELECT count(*) FROM matching WHERE NOT placed) AS not_placed,
       (SELECT count(DISTINCT author_hash) FROM matching WHERE NOT placed) AS not_placed_authors
FROM page JOIN mentions_mention m ON m.id = page.id
ORDER BY m.created_at DESC, m.id DESC
"""
)


def encode_cursor(created_at: dt.datetime, mention_id: uuid.UUID) -> str:
    raw = f"{created_at.isoformat()}|{mention_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, _, mention_id = raw.partition("|")
        return dt.datetime.fromisoformat(created), uuid.UUID(mention_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError({"cursor": "Invalid cursor: use the `next` link as given."}) from exc


def mention_page_sql(
    query: InsightFilter, scope: BrandScope, cursor: str | None, limit: int, count: bool
) -> tuple[str, dict[str, Any]]:
    """The page's SQL and parameters (one row more than `limit`, to know if a next page exists).

    With `count` (first pages only), the rows also carry the count of matches not precise
    enough for a point.
    """
    where, params = where_clause(query, per_brand=False)
    text = "m.text" if settings.INSIGHTS_EXPOSE_TEXT else "NULL"
    if count:
        # The rule the rollups' `unplaced:point` level counts by, so both counts agree.
        sql = FIRST_PAGE_SQL.format(text=text, where=where, placed=point_placed_condition())
    else:
        after = ""
        if cursor:
            params["after_created"], params["after_id"] = decode_cursor(cursor)
            after = "AND (m.created_at, m.id) < (%(after_created)s, %(after_id)s)"
        sql = MENTIONS_SQL.format(text=text, where=where, after=after)
    return sql, params | _point_params(scope) | {"limit": limit + 1}


def point_unit() -> UnitSpec:
    return UnitSpec(
        expression="m.id", placed_condition=point_placed_condition(), rollup_level="point"
    )


def mention_page(
    query: InsightFilter, scope: BrandScope, cursor: str | None, limit: int
) -> dict[str, Any]:
    """A page of matches. A first page counts the matches that cannot be points: from the
    rollups when the filters allow (one brand, no area), else in the page's own statement,
    over the set of matches it reads anyway (an area makes that set small)."""
    with insight_cursor() as db:
        from_rollups = (
            cursor is None
            # The rollups count per brand: a mention about two of the brands would count twice.
            and len(query.brand_ids) == 1
            and not has_area(query)
            and can_use_rollups(query, point_unit())
            and len(pending := rollup_pending_days(db, query)) <= MAX_PENDING_DAYS
        )
        count_in_page = cursor is None and not from_rollups
        rows = fetch_dicts(db, *mention_page_sql(query, scope, cursor, limit, count_in_page))
        not_placed = _not_placed(rows) if count_in_page else None
        if from_rollups:
            row = rollup_unplaced(db, query, point_unit(), k_threshold(), pending)
            not_placed = visible_count(row["mentions"], row["authors"])
    return {
        "type": "FeatureCollection",
        "next_cursor": _next_cursor(rows, limit),
        "min_authors": k_threshold(),
        "not_placed": not_placed,
        "features": mention_features(rows[:limit], scope),
    }


def _not_placed(rows: list[dict[str, Any]]) -> int | None:
    """Matches that cannot be shown as points; None (suppressed) when from too few authors."""
    if not rows:
        return 0
    return visible_count(rows[0]["not_placed"], rows[0]["not_placed_authors"])


def _next_cursor(rows: list[dict[str, Any]], limit: int) -> str | None:
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode_cursor(last["created_at"], last["id"])


def mention_features(rows: list[dict[str, Any]], scope: BrandScope) -> list[dict[str, Any]]:
    return [_feature(row, scope) for row in rows]


def _feature(row: dict[str, Any], scope: BrandScope) -> dict[str, Any]:
    geometry = None
    if row["lat"] is not None:
        coordinates = [round(float(row["lon"]), 6), round(float(row["lat"]), 6)]
        geometry = {"type": "Point", "coordinates": coordinates}
    return {
        "type": "Feature",
        "id": str(row["id"]),
        "geometry": geometry,
        "properties": {
            "created_at": row["created_at"],
            "source": row["source"],
            "lang": row["lang"],
            "text": row["text"],
            "brands": [scope.slugs[b] for b in row["brand_ids"]],
            "label": row["opinion_label"],
            "score": row["opinion_score"],
            "confidence": row["opinion_confidence"],
            "model_version": row["model_version"],
            "location_provenance": row["location_provenance"],
            "precision_m": row["precision_m"],
        },
    }


def mentions_by_id_sql(ids: list[uuid.UUID], scope: BrandScope) -> tuple[str, dict[str, Any]]:
    """The rows of these mentions that are scored and about a brand the caller may read."""
    sql = MENTION_COLUMNS.format(text="m.text" if settings.INSIGHTS_EXPOSE_TEXT else "NULL") + (
        "FROM mentions_mention m WHERE m.id = ANY(%(ids)s) AND m.status = 'scored' "
        "AND m.brand_ids && %(visible_ids)s::bigint[]"
    )
    return sql, _point_params(scope) | {"ids": ids}


def mention_detail(mention_id: uuid.UUID, scope: BrandScope) -> dict[str, Any] | None:
    """One mention about a brand the caller may read; None otherwise (answered as 404)."""
    with insight_cursor() as db:
        rows = fetch_dicts(db, *mentions_by_id_sql([mention_id], scope))
    return _feature(rows[0], scope) if rows else None


def _point_params(scope: BrandScope) -> dict[str, Any]:
    return {
        "point_max_m": float(settings.INSIGHTS_POINT_MAX_PRECISION_M),
        "grid_deg": float(settings.INSIGHTS_POINT_GRID_M) / METRES_PER_DEGREE,
        "visible_ids": list(scope.slugs),
    }
