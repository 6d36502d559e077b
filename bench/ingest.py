"""Ingest throughput on the real, indexed mentions table: HTTP batch endpoint and
`import_mentions` against raw psycopg COPY of the same rows, measured in one run."""

import datetime as dt
import http.client
import os
import statistics
import tempfile
import time
import uuid
from io import StringIO
from pathlib import Path

import orjson
import redis
from django.core.management import call_command
from django.db import connection

from apps.mentions.services import author_pseudonymise
from apps.partners.models import Partner
from apps.partners.services import api_key_create
from bench.server import PORT, production_env, running_server
from bench.tables import bench_mentions_delete

ITEMS = int(os.environ.get("BENCH_INGEST_ITEMS", "20000"))
BATCH = 1000
ROUNDS = int(os.environ.get("BENCH_INGEST_ROUNDS", "5"))
WARM_UP_REQUESTS = 4
PREFIX = "bench-"
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def make_items(tag: str, n: int) -> list[dict]:
    base = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    return [
        {
            "source": "post",
            "external_id": f"{PREFIX}{tag}-{i}",
            "text": f"Le service client de ce magasin est vraiment au top, merci ! #{i}",
            "created_at": (base + dt.timedelta(seconds=i)).isoformat(),
            "author_id": f"author-{i % 5000}",
            "lat": 43.0 + (i % 500) / 100,
            "lon": 1.0 + (i % 400) / 100,
            "accuracy_m": 12.0,
        }
        for i in range(n)
    ]


def clean() -> None:
    bench_mentions_delete(PREFIX)


def copy_rate(items: list[dict]) -> float:
    """The reference: the same rows straight into the table with COPY, no validation. They
    carry the same author pseudonyms as the stored mentions (computed before the clock
    starts): an indexed 64-character hash costs the table more than an empty string."""
    hashes = [author_pseudonymise(item["author_id"]) for item in items]
    columns = ("id, source, external_id, text, lang, author_hash, created_at, received_at, "
               "location, precision_m, location_provenance, opinion_label, model_version, "
               "h3_r4, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9, status, status_changed_at, attempts, "
               "last_error")  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY mentions_mention ({columns}) FROM STDIN") as copy,
    ):
        for item, author_hash in zip(items, hashes, strict=True):
            point = f"SRID=4326;POINT({item['lon']} {item['lat']})"
            copy.write_row((uuid.uuid4(), item["source"], item["external_id"], item["text"], "",
                            author_hash, item["created_at"], now, point, item["accuracy_m"], "gps",
                            "", "", "", "", "", "", "", "", "received", now, 0, ""))  # fmt: skip
    return len(items) / (time.perf_counter() - started)


def import_rate(items: list[dict]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "items.jsonl"
        path.write_bytes(b"\n".join(orjson.dumps(i) for i in items))
        started = time.perf_counter()
        call_command("import_mentions", str(path), stdout=StringIO())
        return len(items) / (time.perf_counter() - started)


def _post(client: http.client.HTTPConnection, body: bytes, key: str) -> None:
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    client.request("POST", "/api/v1/mentions/batch", body=body, headers=headers)
    response = client.getresponse()
    response.read()
    if response.status != 202:
        raise RuntimeError(f"the endpoint answered {response.status}")


def http_rate(items: list[dict], key: str) -> float:
    client = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    bodies = [orjson.dumps(items[i : i + BATCH]) for i in range(0, len(items), BATCH)]
    started = time.perf_counter()
    for body in bodies:
        _post(client, body, key)
    return len(items) / (time.perf_counter() - started)


def _warm_up(key: str) -> None:
    """A process's first import or request opens its database and broker connections and
    loads what it imports lazily: not throughput."""
    import_rate(make_items("warm-import", 200))
    client = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    for n in range(WARM_UP_REQUESTS):
        _post(client, orjson.dumps(make_items(f"warm{n}", 100)), key)


def _rounds(key: str) -> dict[str, list[float]]:
    # Its pipeline tasks go to a Redis database of their own, emptied afterwards.
    rates: dict[str, list[float]] = {"copy": [], "import": [], "http": []}
    try:
        with running_server(production_env(REDIS_URL=BENCH_REDIS_URL)):
            _warm_up(key)
            # Interleaved rounds, each path measured on the same growing table, medians kept:
            # noise on this shared machine then hits the three alike.
            for n in range(ROUNDS):
                rates["copy"].append(copy_rate(make_items(f"copy{n}", ITEMS)))
                rates["import"].append(import_rate(make_items(f"import{n}", ITEMS)))
                rates["http"].append(http_rate(make_items(f"http{n}", ITEMS), key))
    finally:
        redis.Redis.from_url(BENCH_REDIS_URL).flushdb()
    return rates


def run() -> str:
    partner, _ = Partner.objects.get_or_create(name="benchmark")
    key = api_key_create(partner, ["ingest"], name="bench").raw_key
    clean()
    try:
        rates = _rounds(key)
    finally:
        clean()
    copy, imported, endpoint = (statistics.median(rates[k]) for k in ("copy", "import", "http"))

    def each(name: str) -> str:
        return ", ".join(f"{r:,.0f}" for r in rates[name])

    return "\n".join([
        f"## Ingest ({ITEMS:,} mentions a path and round, {ROUNDS} interleaved rounds, medians)",
        "",
        "| path | mentions/s (median) | each round | ratio to COPY | target |",
        "|---|---|---|---|---|",
        f"| raw psycopg COPY (reference) | {copy:,.0f} | {each('copy')} | 1.00 | |",
        f"| `import_mentions` (validation + COPY) | {imported:,.0f} | {each('import')} | "
        f"{imported / copy:.2f} | ≥ 0.80 |",
        f"| `POST /api/v1/mentions/batch` over HTTP, 1,000 a request | {endpoint:,.0f} | "
        f"{each('http')} | {endpoint / copy:.2f} | ≥ 0.50 |",
    ])  # fmt: skip
