"""The pipeline with real Celery workers in subprocesses, a real Redis and PostGIS."""

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis

from apps.mentions import tasks
from apps.mentions.models import Mention, MentionBrand, MentionRegion, Status
from apps.mentions.pipeline import pipeline_start
from apps.mentions.store import MentionRow, gps_rows, mentions_store
from apps.opinion.models import ModelVersion
from apps.regions.services import rebuild_region_parts
from backend.celery import app as celery_app
from tests.apps.mentions.conftest import item, post_bytes
from tests.factories import BoundaryLayerFactory, BrandFactory, RegionFactory, square
from tests.workers import running_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def world() -> None:
    BrandFactory.create(slug="acme", name="Acme")
    RegionFactory.create(layer=BoundaryLayerFactory.create(name="zone"), code="Z",
                         geom=square(2.35, 48.85, 1.0))  # fmt: skip
    rebuild_region_parts("zone")


def wait_until(condition: Callable[[], bool], timeout_s: float, every: Callable[[], Any]) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the pipeline did not finish in time")
        every()
        time.sleep(0.5)


def test_ingested_mentions_flow_through_the_pipeline(ingest_client: Any, world: None) -> None:
    body = [
        item(n, text=f"J'adore Acme, le service est vraiment excellent ({n})") for n in range(300)
    ]
    response = post_bytes(ingest_client, orjson.dumps(body), "application/json")
    assert response.status_code == 202
    with running_worker():
        wait_until(
            lambda: Mention.objects.filter(status=Status.ENRICHED).count() == 300, 90, lambda: None
        )
    assert MentionBrand.objects.count() == 300
    assert MentionRegion.objects.count() == 300
    assert set(Mention.objects.values_list("lang", flat=True)) == {"fr"}


def _rows(n: int) -> list[MentionRow]:
    texts = [f"acme {'super' if i % 2 else 'nul'} numéro {i}" for i in range(n)]
    points = [(2.35 + (i % 100) / 1000, 48.85) for i in range(n)]
    return gps_rows([f"k9-{i}" for i in range(n)], texts, "fr", points)


def test_kill_9_mid_batch_loses_and_duplicates_nothing(
    world: None, settings: Any, tiny_model_dir: Path
) -> None:
    # Promoted directly (not through the service) so that no re-scoring job joins the run.
    version = ModelVersion.objects.create(
        version=tiny_model_dir.name, path=str(tiny_model_dir), is_promoted=True
    )
    total = 10_000
    ids = mentions_store(_rows(total))
    pipeline_start(ids)
    with running_worker() as worker:
        # Killed once a first task of 1,000 is scored: the rest are in every earlier stage.
        wait_until(
            lambda: Mention.objects.filter(status=Status.SCORED).count() >= 1_000,
            120,
            lambda: None,
        )
        worker.kill()  # SIGKILL: no clean shutdown, the message in hand is never acked
        worker.wait()
    in_flight = Mention.objects.exclude(status=Status.SCORED).count()
    assert 0 < in_flight < total

    settings.PIPELINE_STUCK_AFTER_S = 5
    with running_worker():
        # What beat does every minute: re-enqueue whatever sat too long in a stage.
        wait_until(
            lambda: Mention.objects.filter(status=Status.SCORED).count() == total,
            600,
            every=tasks.sweep_stuck_mentions,
        )
    assert Mention.objects.count() == total
    assert MentionBrand.objects.count() == total
    assert MentionRegion.objects.count() == total
    assert not Mention.objects.filter(status=Status.DEAD).exists()
    versions = set(Mention.objects.values_list("model_version", flat=True))
    assert versions == {version.version}
    assert not Mention.objects.filter(opinion_score__isnull=True).exists()


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url).ping())
    except redis.ConnectionError:
        return False


def _use_broker(url: str) -> None:
    # Celery caches connections and producers bound to the broker it first used; forget them
    # (app.close() would also deregister the app, which the shared tasks rely on).
    celery_app.conf.update(broker_url=url)
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]
    celery_app.__dict__.pop("control", None)


@pytest.fixture
def own_redis() -> Iterator[Callable[[bool], None]]:
    """A Redis of this test's own, on another port, as the broker, that the test can stop."""
    port = 6399
    url = f"redis://127.0.0.1:{port}/0"
    original = celery_app.conf.broker_url
    process: dict[str, subprocess.Popen] = {}

    def switch(up: bool) -> None:
        if up:
            process["redis"] = subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
            wait_until(lambda: _answers(url), 10, lambda: None)
        else:
            process["redis"].terminate()
            process["redis"].wait()

    _use_broker(url)
    switch(True)
    try:
        yield switch
    finally:
        if process["redis"].poll() is None:
            switch(False)
        _use_broker(original)


def test_redis_down_during_ingestion_loses_nothing(
    ingest_client: Any, world: None, own_redis: Callable[[bool], None], settings: Any
) -> None:
    own_redis(False)
    started = time.monotonic()
    body = [item(n, text=f"Acme, quel service impeccable ({n})") for n in range(100)]
    response = post_bytes(ingest_client, orjson.dumps(body), "application/json")
    assert response.status_code == 202  # stored in PostgreSQL; the enqueue failed and is logged
    assert time.monotonic() - started < 10
    assert Mention.objects.filter(status=Status.RECEIVED).count() == 100

    own_redis(True)
    settings.PIPELINE_STUCK_AFTER_S = 0
    with running_worker(extra_env={"TEST_REDIS_URL": celery_app.conf.broker_url}):
        wait_until(
            lambda: Mention.objects.filter(status=Status.ENRICHED).count() == 100,
            90,
            every=tasks.sweep_stuck_mentions,
        )
    assert MentionBrand.objects.count() == 100
