"""Volume and sentiment per time bucket, with anomalous buckets flagged."""

import datetime as dt
import math
from typing import Any

import pandas as pd

from apps.insights.aggregates import bucket_unit, k_threshold, unit_counts
from apps.insights.figures import brand_figures
from apps.insights.filters import InsightFilter
from apps.insights.selectors.scope import BrandScope
from apps.insights.sql import insight_cursor
from apps.insights.stats import is_anomalous, sentiment_anomalies, volume_anomalies

INTERVALS = {"day": (7, 4), "week": (1, 6), "month": (1, 6)}  # season, window


def timeseries(query: InsightFilter, scope: BrandScope, interval: str) -> dict[str, Any]:
    with insight_cursor() as cursor:
        rows = unit_counts(cursor, query, bucket_unit(interval))
    series = {}
    for brand_id in scope.focus_ids:
        brand_rows = sorted((r for r in rows if r["brand_id"] == brand_id), key=lambda r: r["unit"])
        if brand_rows:
            series[scope.slugs[brand_id]] = _flagged(brand_rows, interval)
    return {"interval": interval, "min_authors": k_threshold(), "series": series}


FREQUENCIES = {"day": "D", "week": "W-MON", "month": "MS"}


def _calendar(rows: list[dict[str, Any]], interval: str) -> list[dict[str, Any]]:
    """Every bucket from the first to the last: a bucket nobody wrote in has 0 mentions."""
    by_bucket = {row["unit"].date(): row for row in rows}
    first, last = min(by_bucket), max(by_bucket)
    start = first if interval != "week" else first - dt.timedelta(days=first.weekday())
    days = pd.date_range(start, last, freq=FREQUENCIES[interval])
    empty = {"mentions": 0, "authors": 0, "positive": 0, "neutral": 0, "negative": 0}
    buckets = []
    for day in days:
        row = by_bucket.get(day.date())
        figures = brand_figures(row) if row else {"suppressed": False, **empty}
        buckets.append({"bucket": day.date().isoformat(), **figures})
    return buckets


def _flagged(rows: list[dict[str, Any]], interval: str) -> list[dict[str, Any]]:
    """Buckets in order; suppressed buckets are gaps in the series, never scored."""
    season, window = INTERVALS[interval]
    buckets = _calendar(rows, interval)
    volume = [math.nan if b["suppressed"] else b["mentions"] for b in buckets]
    net = [None if b["suppressed"] else b.get("net_sentiment") for b in buckets]
    mentions = [b.get("mentions", 0) for b in buckets]
    volume_z = volume_anomalies(volume, season, window)
    sentiment_z = sentiment_anomalies(net, mentions, season, window)
    for bucket, v_z, s_z in zip(buckets, volume_z, sentiment_z, strict=True):
        if bucket["suppressed"]:
            continue
        bucket["volume_z"] = v_z
        bucket["sentiment_z"] = s_z
        bucket["anomalous"] = is_anomalous(v_z) or is_anomalous(s_z)
    return buckets
