"""A gunicorn server on this checkout, in production settings, for benchmarks over HTTP."""

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

PORT = int(os.environ.get("BENCH_PORT", "8765"))


def production_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings.production",
            "ALLOWED_HOSTS": "127.0.0.1", "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false", **extra}  # fmt: skip


@contextmanager
def running_server(env: dict[str, str], workers: int = 2) -> Iterator[None]:
    process = subprocess.Popen(
        # --preload: the app is loaded once before the workers fork, so every worker can
        # answer as soon as the server does (else a timed request can wait on a booting one).
        [sys.executable, "-m", "gunicorn", "backend.wsgi:application", "--preload", "--bind",
         f"127.0.0.1:{PORT}", "--workers", str(workers), "--log-level", "warning"],
        env=env, cwd=settings.BASE_DIR,
    )  # fmt: skip
    try:
        _wait_until_up(process)
        yield
    finally:
        process.terminate()
        process.wait()


def _wait_until_up(process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=2).request("GET", "/health/")
            return
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the benchmark server did not start")
