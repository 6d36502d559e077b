"""Read large mention files in chunks of raw items, for `import_mentions`."""

import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from apps.mentions.parsing import RawItem, checked, from_feature

FORMATS = ("jsonl", "csv", "geojson")
CSV_FLOATS = ("lat", "lon", "accuracy_m")
CSV_INTS = ("rating",)


def _csv_row(row: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {k: v for k, v in row.items() if k is not None and v not in ("", None)}
    for name, kind in [(n, float) for n in CSV_FLOATS] + [(n, int) for n in CSV_INTS]:
        if name in item:
            # Left as text when it does not convert: validation rejects it with its reason.
            with contextlib.suppress(ValueError):
                item[name] = kind(item[name])
    return item


def read_records(path: Path, file_format: str) -> Iterator[Any]:
    """The file's records, cheaply: raw lines for jsonl (`parse_record` decodes them, in the
    process that stores them), items already decoded for csv and geojson."""
    if file_format == "jsonl":
        with path.open("rb") as handle:
            yield from (line for line in handle if line.strip())
    elif file_format == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield checked(_csv_row(row))
    elif file_format == "geojson":
        document = orjson.loads(path.read_bytes())
        for feature in document.get("features", []):
            yield from_feature(feature)
    else:
        raise ValueError(f"unknown format {file_format!r}: use jsonl, csv or geojson")


def parse_record(record: Any) -> RawItem:
    if isinstance(record, RawItem):
        return record
    try:
        return checked(orjson.loads(record))
    except orjson.JSONDecodeError as exc:
        return RawItem(None, f"this line is malformed JSON: {exc}")


def read_items(path: Path, file_format: str) -> Iterator[RawItem]:
    return (parse_record(record) for record in read_records(path, file_format))


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"ndjson": "jsonl", "json": "geojson"}.get(suffix, suffix)
