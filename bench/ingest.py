"""Ingest throughput on the real, indexed mentions table: HTTP batch endpoint and
`import_mentions` against raw psycopg COPY of the same rows, measured in one run."""

import datetime as dt
import http.client
import os
import statistics
import tempfile
import time
from io import StringIO
from pathlib import Path

import orjson
import redis
from django.core.management import call_command
from django.db import connection

from apps.mentions.services import author_pseudonymise
from apps.mentions.store import TABLE_COLUMNS, gps_rows, table_values
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
    """The reference: the same rows, built before the clock starts (ids, author pseudonyms,
    points as EWKB), straight into the table with COPY and the columns the ingest paths
    write, the others taking their defaults. Only psycopg and PostgreSQL are timed."""
    now = dt.datetime.now(dt.UTC)
    points = [(item["lon"], item["lat"]) for item in items]
    stored = gps_rows([i["external_id"] for i in items], [i["text"] for i in items], "", points)
    rows = [
        table_values(row._replace(lang="", author_hash=author_pseudonymise(item["author_id"]),
                                  created_at=dt.datetime.fromisoformat(item["created_at"]),
                                  received_at=now, precision_m=item["accuracy_m"]))
        for row, item in zip(stored, items, strict=True)
    ]  # fmt: skip
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY mentions_mention ({TABLE_COLUMNS}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
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
            paths = {
                "copy": copy_rate,
                "import": import_rate,
                "http": lambda items: http_rate(items, key),
            }
            for n in range(ROUNDS):
                # Every other round in reverse order: no path always follows the same one.
                for name in list(paths)[:: 1 if n % 2 == 0 else -1]:
                    rates[name].append(paths[name](make_items(f"{name}{n}", ITEMS)))
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
