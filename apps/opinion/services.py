"""Writes of the model registry: register, promote, roll back, re-score."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.opinion.models import ModelVersion, Promotion

CONFIG, METRICS = "config.json", "metrics.json"


class RegistryError(ValueError):
    """The registry cannot do this; the message says what to do instead."""


def model_version_register(folder: Path) -> ModelVersion:
    """Record a trained model folder (named by its content hash); registering twice is a no-op."""
    if not (folder / CONFIG).is_file():
        raise RegistryError(f"{folder} holds no {CONFIG}; is it a trained model folder?")
    config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    metrics_file = folder / METRICS
    metrics = json.loads(metrics_file.read_text(encoding="utf-8")) if metrics_file.is_file() else {}
    version, _ = ModelVersion.objects.update_or_create(
        version=folder.name,
        defaults={
            "path": str(folder.resolve()),
            "config": config,
            "metrics": metrics,
            "data_fingerprint": config.get("training", {}).get("data_fingerprint", ""),
        },
    )
    return version


@transaction.atomic
def model_version_promote(version: str, promoted_by: str = "") -> ModelVersion:
    """Serve this version from now on and re-score stored mentions with it in the background."""
    target = ModelVersion.objects.select_for_update().filter(version=version).first()
    if target is None:
        raise RegistryError(f"no model version {version!r}; register it first")
    if not Path(target.path).is_dir():
        raise RegistryError(f"{target.path} is gone; retrain or restore that model first")
    ModelVersion.objects.filter(is_promoted=True).exclude(pk=target.pk).update(is_promoted=False)
    target.is_promoted = True
    target.rescore_total = target.rescore_done = 0
    target.save(update_fields=["is_promoted", "rescore_total", "rescore_done"])
    Promotion.objects.create(model_version=target, promoted_by=promoted_by)
    from apps.opinion.tasks import rescore_mentions  # noqa: PLC0415 - tasks import services

    transaction.on_commit(lambda: rescore_mentions.delay(target.pk), robust=True)
    return target


def model_version_rollback(promoted_by: str = "") -> ModelVersion:
    """Promote again the version that was serving before the current one."""
    current = ModelVersion.objects.filter(is_promoted=True).first()
    history = Promotion.objects.select_related("model_version")
    for promotion in history:
        if current is None or promotion.model_version_id != current.pk:
            return model_version_promote(promotion.model_version.version, promoted_by)
    raise RegistryError("no earlier promoted version to roll back to")


def shipped_model_folders() -> list[Path]:
    root = Path(settings.SHIPPED_MODEL_DIR)
    return sorted(p for p in root.iterdir() if (p / CONFIG).is_file()) if root.is_dir() else []


SHIPPED_BY = "load_default_data"


def model_version_install_shipped() -> ModelVersion | None:
    """Register the model shipped in ml/artifacts and promote it if no model serves yet, or if
    the one serving is an earlier shipped default; a person's promotion always stays.

    Returns the version it promoted, if any."""
    registered = [model_version_register(folder) for folder in shipped_model_folders()]
    if not registered:
        return None
    default = registered[-1]
    serving = ModelVersion.objects.filter(is_promoted=True).first()
    if serving is not None and (serving.pk == default.pk or not _shipped_default(serving)):
        return None
    return model_version_promote(default.version, promoted_by=SHIPPED_BY)


def _shipped_default(version: ModelVersion) -> bool:
    """Promoted as the shipped model last time, or its files are gone (a replaced one)."""
    last = Promotion.objects.filter(model_version=version).first()
    by_default = last is not None and last.promoted_by == SHIPPED_BY
    return by_default or not (Path(version.path) / CONFIG).is_file()
