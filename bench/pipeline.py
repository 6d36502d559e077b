"""End-to-end pipeline rate (match, locate, score by a real Celery worker) against the
promoted model's own batch inference rate on the same texts, in one run."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from apps.mentions.models import Mention, Status
from apps.mentions.pipeline import pipeline_start
from apps.mentions.store import MentionRow, gps_rows, mentions_store
from apps.opinion.predictor import promoted_model
from bench.model import tweet_texts
from bench.tables import bench_mentions_delete
from ml.serving import Predictor

N = int(os.environ.get("BENCH_PIPELINE_MENTIONS", "2048"))
PREFIX = "bench-pipe-"


def _process(ids: list[str]) -> float:
    """Seconds from the enqueue to the last score, as the worker stamped it: polling rarely
    keeps this process (and the database) from competing with the worker for the CPU."""
    started = timezone.now()
    pipeline_start(ids)
    mentions = Mention.objects.filter(id__in=ids)
    while mentions.exclude(status=Status.SCORED).exists():
        time.sleep(1.0)
    finished = mentions.aggregate(last=Max("status_changed_at"))["last"]
    return (finished - started).total_seconds()


def _rows(texts: list[str], tag: str = "") -> list[MentionRow]:
    ids = [f"{PREFIX}{tag}{i}" for i in range(len(texts))]
    points = [(2.35 + (i % 90) / 100, 48.85 - (i % 70) / 100) for i in range(len(texts))]
    return gps_rows(ids, texts, "en", points)


def _worker() -> subprocess.Popen:
    # The same broker as this process: stop `make run` first so that only this worker consumes.
    env = dict(os.environ)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "backend", "worker", "--pool", "solo",
         "--queues", "ingest,geo,score", "--loglevel", "WARNING"],
        env=env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def run() -> str:
    promoted = promoted_model()
    if promoted is None:
        return "## Pipeline\n\nNo model is promoted: run `make run` first."
    texts = tweet_texts(N)
    predictor = Predictor(Path(promoted[1]), threads=settings.TORCH_THREADS,
                          precision=settings.OPINION_PRECISION)  # fmt: skip
    predictor.predict(texts[:64])
    started = time.perf_counter()
    predictor.predict(texts, ["en"] * len(texts))  # as the worker scores: with their language
    model_rate = len(texts) / (time.perf_counter() - started)

    bench_mentions_delete(PREFIX)
    warm_up, ids = mentions_store(_rows(texts[:64], "warm-")), mentions_store(_rows(texts))
    worker = _worker()
    try:
        # Steady state: the worker loads the language detector and the model on a first batch.
        _process(warm_up)
        pipeline_rate = len(ids) / _process(ids)
    finally:
        worker.terminate()
        worker.wait()
        bench_mentions_delete(PREFIX)
    return "\n".join([
        f"## Pipeline end to end ({len(ids):,} mentions, one solo worker, after a warm-up batch)",
        "",
        "| what | mentions/s | ratio | target |",
        "|---|---|---|---|",
        f"| model batch inference alone (reference) | {model_rate:,.0f} | 1.00 | |",
        f"| enqueued → matched, located, scored | {pipeline_rate:,.0f} | "
        f"{pipeline_rate / model_rate:.2f} | ≥ 0.80 |",
    ])  # fmt: skip
