"""Insights endpoints over HTTP against the raw SQL of the same query, on generated mentions.

Seeds `BENCH_INSIGHTS_MENTIONS` (default 1,000,000) generated mentions once (kept between runs,
keyed by seed), then times each endpoint `BENCH_INSIGHTS_REPEAT` times through gunicorn and the
reference query as many times through psycopg, interleaved so that noise hits both alike.
"""

import datetime as dt
import http.client
import os
import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.management import call_command
from django.db import connection

from apps.brands.models import Brand
from apps.insights import aggregates, filters
from apps.insights.rollups import rollups_refresh_dirty
from apps.insights.selectors import mentions as mention_reads
from apps.insights.selectors import tiles
from apps.insights.selectors.scope import brand_scope
from apps.mentions.models import Mention
from apps.partners.models import Partner
from apps.partners.services import api_key_create
from apps.regions.models import BoundaryLayer
from bench import insights_lists
from bench.server import PORT, production_env, running_server
from bench.tables import TABLES, bench_tables_vacuum

MENTIONS = int(os.environ.get("BENCH_INSIGHTS_MENTIONS", "1000000"))
REPEAT = int(os.environ.get("BENCH_INSIGHTS_REPEAT", "40"))
SEED = 20261123
PARIS_BBOX = (2.22, 48.81, 2.47, 48.91)


def ensure_mentions() -> None:
    have = Mention.objects.filter(external_id__startswith=f"gen-{SEED}-").count()
    if have < MENTIONS:
        call_command("generate_mentions", MENTIONS, seed=SEED, days=90)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


class HttpTimer:
    def __init__(self, key: str) -> None:
        self.client = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        self.headers = {"Authorization": f"Api-Key {key}"}

    def __call__(self, path: str) -> float:
        started = time.perf_counter()
        self.client.request("GET", path, headers=self.headers)
        response = self.client.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        return elapsed


def sql_timer(sql: str, params: dict[str, Any]) -> Callable[[], float]:
    def run() -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        return time.perf_counter() - started

    return run


def interleaved(endpoint: Callable[[], float], reference: Callable[[], float]) -> tuple:
    endpoint(), reference()  # warm caches and connections
    pairs = [(endpoint(), reference()) for _ in range(REPEAT)]
    return percentiles([a for a, _ in pairs]), percentiles([b for _, b in pairs])


def _query(brand: Brand, **extra: Any) -> filters.InsightFilter:
    return filters.InsightFilter(brand_ids=(brand.pk,), **extra)


def cases(brand: Brand) -> list[dict[str, Any]]:
    """(name, URL, reference SQL and params, what the reference is, target) of each case."""
    end = dt.datetime.combine(dt.date.today(), dt.time(), tzinfo=dt.UTC)
    period = {"date_from": end - dt.timedelta(days=30), "date_to": end}
    iso = {"from": period["date_from"].isoformat(), "to": period["date_to"].isoformat()}
    base = {"brand": brand.slug, **iso}
    query = _query(brand, **period)
    # As the endpoints see it for a key entitled to every brand (the benchmark partner's).
    scope = brand_scope((brand.pk,), filters.entitled_brands(None, None))
    departements = BoundaryLayer.objects.get(name="fr-departement").pk
    bbox_query = _query(brand, **period, bbox=PARIS_BBOX)
    page_url = "/api/v1/insights/mentions/?" + urlencode(
        {**base, "bbox": ",".join(map(str, PARIS_BBOX)), "limit": 100}
    )
    # The first page's one statement: the page and the count of matches not shown as points.
    page_sql = mention_reads.mention_page_sql(bbox_query, scope, None, 100, count=True)
    result: list[dict[str, Any]] = [
        {"name": "mentions (brand, 30 days, Paris bbox, 100)", "url": page_url,
         "reference": page_sql, "against": "raw page SQL", "target": "p95 ≤ 1.5x raw and ≤ 100 ms"},
    ]  # fmt: skip
    # Choropleths read the brand's competitors too, for the share of voice.
    rivals = query.with_brands(scope.all_ids)
    for name, params, unit in (
        ("regions (départements)", {"layer": "fr-departement", "geometry": "false"},
         aggregates.region_unit(departements)),
        ("h3 (res 6)", {"res": 6}, aggregates.h3_unit(6)),
        ("timeseries (day)", {"interval": "day"}, aggregates.bucket_unit("day")),
    ):  # fmt: skip
        path = name.split(" ")[0]
        result.append({
            "name": name, "url": f"/api/v1/insights/{path}/?" + urlencode({**base, **params}),
            "reference": aggregates.aggregate_sql(
                query if path == "timeseries" else rivals, unit, (brand.pk,)),
            "against": "raw SQL",
            "target": "p95 ≤ 1.5x raw and ≤ 100 ms",
        })  # fmt: skip
    result += insights_lists.rollup_cases(brand, base, period, departements)
    result += tile_cases(query, urlencode(base))
    return result


def tile_cases(query: filters.InsightFilter, qs: str) -> list[dict[str, Any]]:
    """Tiles of the query's brand and period, as a dashboard asks for them (`qs`)."""
    where, params = aggregates.where_clause(query)
    z12 = "12/2074/1409"  # central Paris
    points_sql = tiles.POINTS_SQL.format(source=aggregates.MENTIONS_FROM, where=where)
    z, x, y = (int(part) for part in z12.split("/"))
    points_params = params | {"z": z, "x": x, "y": y, "grid_m": 100.0, "point_max_m": 100.0}
    return [
        {"name": "tile points z12", "url": f"/api/v1/tiles/points/{z12}.mvt?{qs}",
         "reference": (points_sql, points_params), "against": "raw ST_AsMVT",
         "target": "p95 ≤ raw + 5 ms"},
        {"name": "tile fr-departement z6",
         "url": f"/api/v1/tiles/fr-departement/6/32/22.mvt?{qs}",
         "reference": None, "against": "", "target": "p95 ≤ 100 ms"},
        {"name": "tile h3 z8", "url": f"/api/v1/tiles/h3/8/129/88.mvt?{qs}",
         "reference": None, "against": "", "target": "p95 ≤ 100 ms"},
    ]  # fmt: skip


def _row(case: dict[str, Any], timer: HttpTimer) -> str:
    url = case["url"]
    if case["reference"] is None:
        samples = [timer(url) for _ in range(REPEAT + 1)][1:]
        p50, p95 = percentiles(samples)
        return f"| {case['name']} | {p50:.1f} | {p95:.1f} | | | | {case['target']} |"
    (p50, p95), (r50, r95) = interleaved(lambda: timer(url), sql_timer(*case["reference"]))
    # A target of "raw + n ms" is about the difference, the others about the ratio.
    versus = f"+{p95 - r95:.1f} ms" if "raw +" in case["target"] else f"{p95 / r95:.2f}x"
    return (
        f"| {case['name']} | {p50:.1f} | {p95:.1f} | {case['against']}: {r50:.1f} | {r95:.1f} "
        f"| {versus} | {case['target']} |"
    )


def run() -> str:
    ensure_mentions()
    # As the periodic task does in service: days the other benchmarks marked (their mentions
    # came and went) would otherwise send every query to the mentions table.
    rollups_refresh_dirty()
    # Both sides are timed on tables as they stand in service, not as a bulk load left them.
    bench_tables_vacuum((*TABLES, "insights_unitdayrollup"))
    brand = Brand.objects.order_by("slug").first()
    assert brand is not None
    partner, _ = Partner.objects.get_or_create(name="benchmark")
    partner.brands.add(*Brand.objects.all())
    key = api_key_create(partner, ["read"], name="bench-insights").raw_key
    with running_server(production_env()):
        timer = HttpTimer(key)
        rows = [_row(case, timer) for case in cases(brand)]
        # What any authenticated request costs here: the key, a brand listing, DRF, gunicorn.
        floor = percentiles([timer("/api/v1/brands/") for _ in range(REPEAT + 1)][1:])
    total = Mention.objects.filter(external_id__startswith=f"gen-{SEED}-").count()
    return "\n".join([
        f"## Insights ({total:,} generated mentions, brand `{brand.slug}`, {REPEAT} requests each)",
        "",
        "| endpoint | p50 ms | p95 ms | reference p50 ms | reference p95 ms | p95 against it "
        "| target |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"An authenticated request that does almost nothing (`GET /api/v1/brands/`, three short "
        f"statements): p50 {floor[0]:.1f} ms, p95 {floor[1]:.1f} ms.",
        "",
        insights_lists.serializer_comparison(brand),
    ])  # fmt: skip
