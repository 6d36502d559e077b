"""Service: write mention rows with COPY and a set-based upsert; duplicates are skipped."""

import datetime as dt
import operator
import uuid
from dataclasses import dataclass, fields

from django.db import connection, transaction
from django.utils import timezone

from apps.mentions.models import Status


@dataclass(frozen=True)
class MentionRow:
    id: uuid.UUID
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
    return [
        MentionRow(
            id=uuid.uuid4(),
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


STAGING_COLUMNS = ", ".join(f.name for f in fields(MentionRow))
# dataclasses.astuple deep-copies every value: a plain getter is many times faster.
_row_values = operator.attrgetter(*(f.name for f in fields(MentionRow)))
STAGING_DDL = """
CREATE TEMP TABLE IF NOT EXISTS mention_staging (
    id uuid, partner_id bigint, source text, external_id text, text text, lang text,
    author_hash text, created_at timestamptz, received_at timestamptz, rating smallint,
    place_id bigint, lon double precision, lat double precision, precision_m double precision,
    provenance text
) ON COMMIT DELETE ROWS
"""
UPSERT = """
INSERT INTO mentions_mention (
    id, partner_id, source, external_id, text, lang, author_hash, created_at, received_at,
    rating, place_id, location, precision_m, location_provenance,
    opinion_label, model_version, h3_r4, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9,
    status, status_changed_at, attempts, last_error
)
SELECT id, partner_id, source, external_id, text, lang, author_hash, created_at, received_at,
       rating, place_id,
       CASE WHEN lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
       precision_m, provenance,
       '', '', '', '', '', '', '', '',
       %s, received_at, 0, ''
FROM mention_staging
ON CONFLICT (source, external_id) DO NOTHING
RETURNING id
"""


def mentions_store(rows: list[MentionRow]) -> list[uuid.UUID]:
    """Insert the rows whose (source, external_id) is new; return the ids actually stored."""
    if not rows:
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(STAGING_DDL)
        cursor.execute("TRUNCATE mention_staging")
        with cursor.cursor.copy(f"COPY mention_staging ({STAGING_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(_row_values(row))
        cursor.execute(UPSERT, [Status.RECEIVED.value])
        return [row[0] for row in cursor.fetchall()]
