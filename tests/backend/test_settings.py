import os
import subprocess
import sys

from django.conf import settings


def _check(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR, env={**os.environ, **env}, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_an_unknown_opinion_precision_stops_the_process_with_the_choices() -> None:
    refused = _check(OPINION_PRECISION="fp16")
    assert refused.returncode != 0
    assert "OPINION_PRECISION='fp16': set it to auto, fp32, bf16 or int8." in refused.stderr
    assert _check(OPINION_PRECISION="int8").returncode == 0
