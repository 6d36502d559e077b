"""Labelled opinion data: JSON lines with text, label, lang, source (and optional weight)."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ml.labels import LABEL_INDEX


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    lang: str
    source: str
    weight: float = 1.0


def read_examples(path: Path, weight: float = 1.0, limit: int | None = None) -> list[Example]:
    """Examples of a JSON-lines file; lines without a known label are skipped."""
    examples = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            label = LABEL_INDEX.get(row.get("label", ""))
            if label is None or not row.get("text"):
                continue
            examples.append(
                Example(
                    text=row["text"],
                    label=label,
                    lang=row.get("lang", ""),
                    source=row.get("source", path.stem),
                    weight=float(row.get("weight", weight)),
                )
            )
            if limit is not None and len(examples) >= limit:
                break
    return examples


def fingerprint(paths: list[Path]) -> str:
    """sha256 over the training files' bytes: which data a model was trained on."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
