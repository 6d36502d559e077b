"""Readiness probes of the services voxpop depends on; each returns (ok, detail)."""

import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection

from apps.opinion.predictor import promoted_model
from backend.celery import app as celery_app

Probe = Callable[[], tuple[bool, str]]


def database_probe() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            (version,) = cursor.fetchone()
    except Exception as exc:  # any failure means "down", with its reason
        return False, f"database unreachable: {exc}"
    return True, f"PostGIS {version}"


def redis_probe() -> tuple[bool, str]:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        client.ping()
    except redis.RedisError as exc:
        return False, f"Redis unreachable: {exc}"
    return True, "ok"


def worker_probe() -> tuple[bool, str]:
    try:
        replies = celery_app.control.ping(timeout=settings.HEALTH_WORKER_TIMEOUT_S)
    except Exception as exc:
        return False, f"cannot reach Celery workers: {exc}"
    if not replies:
        return False, "no Celery worker answered; start one with `make run`"
    return True, f"{len(replies)} worker(s)"


def model_probe() -> tuple[bool, str]:
    # Having no promoted model is not an outage: mentions wait, enriched, until one is.
    try:
        promoted = promoted_model()
    except Exception as exc:
        return False, f"cannot read the model registry: {exc}"
    return True, promoted[0] if promoted else "none promoted"


PROBES: dict[str, Probe] = {
    "database": database_probe,
    "redis": redis_probe,
    "worker": worker_probe,
    "model": model_probe,
}


def run_probes() -> tuple[bool, dict[str, dict[str, object]]]:
    results: dict[str, dict[str, object]] = {}
    for name, probe in PROBES.items():
        started = time.perf_counter()
        ok, detail = probe()
        results[name] = {
            "ok": ok,
            "detail": detail,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    return all(r["ok"] for r in results.values()), results
