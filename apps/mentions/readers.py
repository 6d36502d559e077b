"""Read large mention files in chunks of raw items, for `import_mentions`."""

import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from apps.mentions.parsing import RawItem, checked, from_feature


class UnreadableFileError(ValueError):
    """The file as a whole cannot be read (its rows are never half imported for that reason)."""


FORMATS = ("jsonl", "csv", "geojson", "parquet")
PARQUET_BATCH = 5_000
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
    """The file's records, cheaply: raw lines for jsonl (`parse_record` decodes them as they
    are stored), items already decoded for csv, geojson and parquet."""
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
    elif file_format == "parquet":
        yield from _parquet_items(path)
    else:
        raise UnreadableFileError(f"unknown format {file_format!r}: use {', '.join(FORMATS)}")


def _parquet_items(path: Path) -> Iterator[RawItem]:
    """Rows of a Parquet file, a row group slice at a time; nulls are fields left out, and
    timestamps arrive as datetimes (naive ones are taken as UTC, as in the API)."""
    import pyarrow as pa  # noqa: PLC0415 - only imports of Parquet files need it
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH):
            yield from (checked(_parquet_row(row)) for row in batch.to_pylist())
    except (pa.ArrowException, OSError) as exc:  # at the start or in a damaged row group
        raise UnreadableFileError(f"{path} is not a readable Parquet file: {exc}") from exc


def _parquet_row(row: dict[str, Any]) -> dict[str, Any]:
    item = {k: v for k, v in row.items() if v is not None}
    # What data frames write for these columns: ratings as floats once a null is among them
    # (2.0), numeric ids. Anything else is left for validation to reject with its reason.
    rating = item.get("rating")
    if isinstance(rating, float) and rating.is_integer():
        item["rating"] = int(rating)
    for name in ("external_id", "author_id", "place"):
        if isinstance(item.get(name), int):
            item[name] = str(item[name])
    return item


def parse_record(record: Any) -> RawItem:
    if isinstance(record, RawItem):
        return record
    try:
        return checked(orjson.loads(record))
    except orjson.JSONDecodeError as exc:
        return RawItem(None, f"this line is malformed JSON: {exc}")


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"ndjson": "jsonl", "json": "geojson", "pq": "parquet"}.get(suffix, suffix)
