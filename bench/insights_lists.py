"""Insights benchmark parts: aggregate endpoints against a plain SELECT on the rollups, and the
mentions list's JSON against a DRF ModelSerializer on the same rows."""

import datetime as dt
import time
from typing import Any
from urllib.parse import urlencode

import orjson
from django.db import connection
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from apps.brands.models import Brand
from apps.insights import aggregates, filters
from apps.insights.selectors import mentions as mention_reads
from apps.insights.selectors import places
from apps.insights.selectors.scope import brand_scope
from apps.insights.sql import fetch_dicts
from apps.mentions.models import Mention

PLAIN_ROLLUP_SQL = """
SELECT unit, brand_id, sum(mentions), sum(positive), sum(neutral), sum(negative), sum(authors)
FROM insights_unitdayrollup
WHERE level = %(level)s AND brand_id = ANY(%(brand_ids)s) AND day >= %(day_from)s
  AND day < %(day_to)s
GROUP BY unit, brand_id
"""


def _plain(level: str, brand_ids: list[int], period: dict[str, dt.datetime]) -> tuple:
    params = {
        "level": level,
        "brand_ids": brand_ids,
        "day_from": period["date_from"].date(),
        "day_to": period["date_to"].date(),
    }
    return PLAIN_ROLLUP_SQL, params


def rollup_cases(
    brand: Brand, base: dict[str, str], period: dict[str, dt.datetime], departements: int
) -> list[dict[str, Any]]:
    rivals = [brand.pk, *brand.competitors.values_list("pk", flat=True)]
    target = "p95 ≤ 2x plain rollup SELECT"
    query = filters.InsightFilter(brand_ids=(brand.pk,), **period)  # type: ignore[arg-type]
    return [
        {"name": "regions (départements), rollups",
         "url": "/api/v1/insights/regions/?" + urlencode(
             {**base, "layer": "fr-departement", "geometry": "false"}),
         "reference": _plain(f"region:{departements}", rivals, period),
         "against": "plain rollup SELECT", "target": target},
        {"name": "h3 (res 6), rollups", "url": "/api/v1/insights/h3/?" + urlencode(
            {**base, "res": 6}),
         "reference": _plain("h3:6", rivals, period), "against": "plain rollup SELECT",
         "target": target},
        {"name": "share-of-voice (départements)",
         "url": "/api/v1/insights/share-of-voice/?"
                + urlencode({**base, "layer": "fr-departement"}),
         "reference": _plain(f"region:{departements}", rivals, period),
         "against": "plain rollup SELECT", "target": target},
        {"name": "hotspots (h3 res 5)",
         "url": "/api/v1/insights/hotspots/?" + urlencode({**base, "res": 5}),
         "reference": _plain("h3:5", [brand.pk], period), "against": "plain rollup SELECT",
         "target": target},
        {"name": "places (500 m)", "url": "/api/v1/insights/places/?" + urlencode(base),
         "reference": aggregates.aggregate_sql(query, places.place_unit(500.0)),
         "against": "raw SQL", "target": "no rollup: mentions around each place"},
    ]  # fmt: skip


class DrfMentionSerializer(GeoFeatureModelSerializer):
    """What a plain DRF + djangorestframework-gis list would use."""

    brands: serializers.Field = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )

    class Meta:
        model = Mention
        geo_field = "location"
        fields = (
            "id", "created_at", "source", "lang", "text", "brands", "opinion_label",
            "opinion_score", "opinion_confidence", "model_version", "location_provenance",
            "precision_m",
        )  # fmt: skip


def serializer_comparison(brand: Brand, rows: int = 1000, repeat: int = 10) -> str:
    """Both fetch the same mentions by id (one query, plus DRF's prefetch) and render them."""
    # As the endpoints see it for a key entitled to every brand (the benchmark partner's).
    scope = brand_scope((brand.pk,), filters.entitled_brands(None, None))
    ids = list(
        Mention.objects.filter(brand_ids__contains=[brand.pk], status="scored")
        .order_by("-created_at")
        .values_list("id", flat=True)[:rows]
    )
    sql, params = mention_reads.mentions_by_id_sql(ids, scope)

    def ours() -> bytes:
        with connection.cursor() as cursor:
            found = fetch_dicts(cursor, sql, params)
        return orjson.dumps(mention_reads.mention_features(found, scope), default=str)

    def drf() -> bytes:
        mentions = Mention.objects.filter(id__in=ids).prefetch_related("brands")
        return JSONRenderer().render(DrfMentionSerializer(mentions, many=True).data)

    rates = {}
    for name, render in (("ours", ours), ("drf", drf)):
        render()
        started = time.perf_counter()
        for _ in range(repeat):
            render()
        rates[name] = rows * repeat / (time.perf_counter() - started)
    return "\n".join([
        f"List JSON, {rows:,} mentions fetched and rendered, {repeat} times each:",
        "",
        "| renderer | mentions/s | ratio | target |",
        "|---|---|---|---|",
        f"| DRF GeoFeatureModelSerializer + JSONRenderer (reference) | {rates['drf']:,.0f} "
        "| 1.00 | |",
        f"| insights list (SQL rows → orjson) | {rates['ours']:,.0f} | "
        f"{rates['ours'] / rates['drf']:.2f} | ≥ 2 |",
    ])  # fmt: skip
