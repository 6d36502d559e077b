"""Services of the pipeline's stages. Each takes mention ids, handles those in the status it
expects, recomputes its output from scratch (delete + insert, never increment) and returns
the ids it moved on; running a stage twice on the same ids changes nothing."""

import uuid
from typing import Any

import h3
from django.db import connection, transaction
from django.utils import timezone

from apps.mentions.bulk import PerRow, mentions_set_columns
from apps.mentions.models import H3_RESOLUTIONS, Mention, MentionBrand, Status
from apps.mentions.pipeline.language import detect_languages
from apps.mentions.pipeline.matcher_cache import current_brand_matcher

# A cell is only as fine as the mention's precision allows: its edge must exceed the radius.
H3_EDGE_M = {res: h3.average_hexagon_edge_length(res, unit="m") for res in H3_RESOLUTIONS}


def mentions_match(ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Stage 1: language of mentions sent without one, and the brands each names."""
    mentions = list(
        Mention.objects.filter(id__in=ids, status=Status.RECEIVED).only("id", "text", "lang")
    )
    if not mentions:
        return []
    unknown = [m for m in mentions if not m.lang]
    for mention, lang in zip(unknown, detect_languages([m.text for m in unknown]), strict=True):
        mention.lang = lang
    matcher = current_brand_matcher()
    links = []
    now = timezone.now()
    for mention in mentions:
        matches = matcher.match(mention.text)
        links += [
            MentionBrand(mention_id=mention.id, brand_id=brand_id, spans=spans)
            for brand_id, spans in matches.items()
        ]
        mention.brand_ids = sorted(matches)
    with transaction.atomic():
        MentionBrand.objects.filter(mention_id__in=[m.id for m in mentions]).delete()
        MentionBrand.objects.bulk_create(links)
        mentions_set_columns(
            [m.id for m in mentions],
            {
                "lang": PerRow("text", [m.lang for m in mentions]),
                "brand_ids": PerRow("text", [_int_array(m.brand_ids) for m in mentions], "int8[]"),
            },
            {"status": Status.MATCHED.value, "status_changed_at": now},
        )
    return [m.id for m in mentions]


def _int_array(values: list[int]) -> str:
    return "{" + ",".join(str(v) for v in values) + "}"


LOCATE_REGIONS = """
WITH todo AS (
    SELECT id, location, precision_m FROM mentions_mention
    WHERE id = ANY(%(ids)s) AND status = %(status)s AND location IS NOT NULL
)
INSERT INTO mentions_mentionregion (mention_id, layer_id, region_id)
SELECT DISTINCT ON (t.id, p.layer_id) t.id, p.layer_id, p.region_id
FROM todo t
JOIN regions_regionpart p ON ST_Intersects(p.geom, t.location)
JOIN regions_region r ON r.id = p.region_id
WHERE coalesce(t.precision_m, 0) <= r.radius_m
ORDER BY t.id, p.layer_id
"""
CLEAR_REGIONS = """
DELETE FROM mentions_mentionregion mr USING mentions_mention m
WHERE mr.mention_id = m.id AND m.id = ANY(%(ids)s) AND m.status = %(status)s
"""
COUNTRY_PRECISION = """
UPDATE mentions_mention m SET precision_m = greatest(coalesce(m.precision_m, 0), r.radius_m)
FROM regions_regionpart p
JOIN regions_region r ON r.id = p.region_id
JOIN regions_boundarylayer l ON l.id = p.layer_id AND l.name = 'country'
WHERE m.id = ANY(%(ids)s) AND m.status = %(status)s AND m.location_provenance = 'country'
  AND ST_Intersects(p.geom, m.location)
"""


def h3_cells(lat: float | None, lon: float | None, precision_m: float | None) -> list[str]:
    """Cells at resolutions 4-9, blank below the finest resolution the precision allows."""
    if lat is None or lon is None:
        return [""] * len(H3_RESOLUTIONS)
    finest = h3.latlng_to_cell(lat, lon, H3_RESOLUTIONS[-1])
    radius = precision_m or 0.0
    return [
        h3.cell_to_parent(finest, res) if radius <= H3_EDGE_M[res] else "" for res in H3_RESOLUTIONS
    ]


def mentions_locate(
    ids: list[uuid.UUID], status: Status = Status.MATCHED, next_status: Status = Status.ENRICHED
) -> list[uuid.UUID]:
    """Stage 2: region of every layer and H3 cells, each only where the precision fits.

    The pipeline moves matched mentions on to enriched; a location correction re-runs it on an
    enriched or scored mention and leaves its status as it is (status == next_status)."""
    params: dict[str, Any] = {"ids": list(ids), "status": status.value}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(COUNTRY_PRECISION, params)
        cursor.execute(CLEAR_REGIONS, params)
        cursor.execute(LOCATE_REGIONS, params)
        cursor.execute(
            "SELECT id, ST_Y(location), ST_X(location), precision_m FROM mentions_mention "
            "WHERE id = ANY(%(ids)s) AND status = %(status)s",
            params,
        )
        rows = cursor.fetchall()
        cells = [h3_cells(lat, lon, precision) for _, lat, lon, precision in rows]
        columns = list(zip(*cells, strict=True)) if cells else [()] * len(H3_RESOLUTIONS)
        mentions_set_columns(
            [row[0] for row in rows],
            {
                f"h3_r{res}": PerRow("text", column)
                for res, column in zip(H3_RESOLUTIONS, columns, strict=True)
            },
            {"status": next_status.value, "status_changed_at": timezone.now()},
            only_status=status.value,
        )
    return [row[0] for row in rows]
