"""Service: import a large file of mentions chunk by chunk, each through `mentions_ingest`
(the API's validation, one COPY, one transaction)."""

from dataclasses import dataclass
from typing import Any

from apps.mentions.ingest import Rejection, mentions_ingest
from apps.mentions.parsing import RawItem
from apps.mentions.readers import parse_record


@dataclass(frozen=True)
class ChunkOutcome:
    rows: int
    stored: int
    duplicates: int
    rejected: list[Rejection]  # indices within the chunk


def chunk_ingest(records: list[Any], source: str | None = None) -> ChunkOutcome:
    """Decode, validate and store one chunk of records; `source` fills items that name none.
    Records are decoded one by one as the COPY streams, not all before it."""
    items = (parse_record(record) for record in records)
    if source:
        items = (_with_source(item, source) for item in items)
    result = mentions_ingest(None, items)
    return ChunkOutcome(len(records), len(result.stored_ids), result.duplicates, result.rejected)


def _with_source(item: RawItem, source: str) -> RawItem:
    if isinstance(item.value, dict) and item.error is None and "source" not in item.value:
        return RawItem({**item.value, "source": source})
    return item
