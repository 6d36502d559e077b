"""A real Celery worker in a subprocess, against the test Redis, for tests that need one."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from backend.celery import app as celery_app

STARTUP_TIMEOUT_S = 60


@contextmanager
def running_worker(
    queues: str = "ingest,geo,score", extra_env: dict | None = None
) -> Iterator[subprocess.Popen]:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings.test",
        "TEST_REDIS_URL": settings.REDIS_URL,
        # The worker must see the test database, not the development one.
        "DATABASE_URL": (
            f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queues,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not celery_app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start; see its output above")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
