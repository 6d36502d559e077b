from django.conf import settings

from ml.registry import promoted_version


def loaded_model_version() -> str | None:
    return promoted_version(settings.MODEL_DIR)
