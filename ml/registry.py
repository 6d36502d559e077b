"""On-disk model registry: one folder per version under MODEL_DIR, a pointer to the promoted one."""

from pathlib import Path

PROMOTED_POINTER = "PROMOTED"


def promoted_version(model_dir: Path) -> str | None:
    """The version the pointer file names, or None when nothing has been promoted yet."""
    pointer = model_dir / PROMOTED_POINTER
    if not pointer.is_file():
        return None
    version = pointer.read_text(encoding="utf-8").strip()
    return version if version and (model_dir / version).is_dir() else None
