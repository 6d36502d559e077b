"""Service: write mention rows straight into the table with COPY; duplicates are skipped.

Rows are streamed: `mentions_store` takes any iterable and writes each row as it comes, so a
caller that validates items lazily keeps PostgreSQL inserting the rows already sent while it
validates the next ones (on two cores, the two overlap)."""

import datetime as dt
import os
import struct
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from psycopg import errors


def new_mention_ids(count: int) -> list[str]:
    """Random (version 4) UUIDs as hex, made together: uuid.uuid4() costs ten times more each,
    which shows at tens of thousands of rows a second."""
    octets = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    octets[:, 6] = octets[:, 6] & 0x0F | 0x40  # version 4
    octets[:, 8] = octets[:, 8] & 0x3F | 0x80  # RFC 4122 variant
    digits = octets.tobytes().hex()
    return [digits[start : start + 32] for start in range(0, 32 * count, 32)]


class MentionRow(NamedTuple):
    id: str
    partner_id: int | None
    source: str
    external_id: str
    text: str
    lang: str
    author_hash: str
    created_at: dt.datetime
    received_at: dt.datetime
    rating: int | None
    place_id: int | None
    lon: float | None
    lat: float | None
    precision_m: float | None
    provenance: str


def gps_rows(
    external_ids: list[str], texts: list[str], lang: str, points: list[tuple[float, float]]
) -> list[MentionRow]:
    """Rows of posts located by GPS to 20 m, one a minute back from now: for benchmarks and
    tests that feed the pipeline without going through validation."""
    now = timezone.now()
    ids = new_mention_ids(len(external_ids))
    return [
        MentionRow(
            id=ids[i],
            partner_id=None,
            source="post",
            external_id=external_id,
            text=text,
            lang=lang,
            author_hash="",
            created_at=now - dt.timedelta(minutes=i),
            received_at=now,
            rating=None,
            place_id=None,
            lon=lon,
            lat=lat,
            precision_m=20.0,
            provenance="gps",
        )
        for i, (external_id, text, (lon, lat)) in enumerate(
            zip(external_ids, texts, points, strict=True)
        )
    ]


# What a new row sets; the other columns (blank opinion and H3 cells, status 'received' since
# now()) take their database defaults.
TABLE_COLUMNS = (
    "id, partner_id, source, external_id, text, lang, author_hash, created_at, received_at, "
    "rating, place_id, location, precision_m, location_provenance"
)
# A little-endian EWKB point with SRID 4326, as hex: PostGIS reads it faster than WKT.
_EWKB_POINT_4326 = "0101000020e6100000"
_pack_xy = struct.Struct("<dd").pack


def table_values(row: MentionRow) -> tuple[Any, ...]:
    point = None if row.lon is None else _EWKB_POINT_4326 + _pack_xy(row.lon, row.lat).hex()
    return (*row[:11], point, row.precision_m, row.provenance)


def mentions_store(rows: Iterable[MentionRow]) -> list[str]:
    """Insert the rows whose (source, external_id) is new; return the ids actually stored.

    New rows, the usual case, go straight into the table with COPY. A key stored already (a
    retried batch, a concurrent writer) makes that COPY fail: its savepoint is rolled back and
    the same rows go through a staging table and an upsert that skips the stored keys."""
    pending = iter(rows)
    written: list[MentionRow] = []
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            with (
                transaction.atomic(),
                cursor.cursor.copy(f"COPY mentions_mention ({TABLE_COLUMNS}) FROM STDIN") as copy,
            ):
                for row in pending:
                    written.append(row)
                    copy.write_row(table_values(row))
        except errors.UniqueViolation:
            written.extend(pending)
            return _upsert(cursor, written)
    return [row.id for row in written]


STAGING_DDL = """
CREATE TEMP TABLE IF NOT EXISTS mention_staging
(LIKE mentions_mention INCLUDING DEFAULTS) ON COMMIT DELETE ROWS
"""
UPSERT = f"""
INSERT INTO mentions_mention ({TABLE_COLUMNS})
SELECT {TABLE_COLUMNS} FROM mention_staging
ON CONFLICT (source, external_id) DO NOTHING
RETURNING id
"""


def _upsert(cursor: Any, rows: list[MentionRow]) -> list[str]:
    cursor.execute(STAGING_DDL)
    cursor.execute("TRUNCATE mention_staging")
    with cursor.cursor.copy(f"COPY mention_staging ({TABLE_COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(table_values(row))
    cursor.execute(UPSERT)
    return [row[0].hex for row in cursor.fetchall()]  # the hex form the COPY path returns
