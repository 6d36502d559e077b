"""The promoted model's predictor, loaded once per process and swapped when promotion changes."""

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from apps.opinion.models import ModelVersion

if TYPE_CHECKING:
    from ml.serving import Predictor

_lock = threading.Lock()
_loaded: dict[str, "Predictor"] = {}


def promoted_model() -> tuple[str, str] | None:
    return ModelVersion.objects.filter(is_promoted=True).values_list("version", "path").first()


def current_predictor() -> "Predictor | None":
    """None while no model is promoted; loading happens on first use, never at import."""
    promoted = promoted_model()
    if promoted is None:
        return None
    version, path = promoted
    # torch is imported here, on first use: the web process and the ingest path never pay for
    # it unless they score.
    from ml.serving import Predictor  # noqa: PLC0415

    with _lock:
        if version not in _loaded:
            _loaded.clear()
            _loaded[version] = Predictor(
                Path(path), threads=settings.TORCH_THREADS, precision=settings.OPINION_PRECISION
            )
        return _loaded[version]
