import csv
import datetime as dt
import re
from io import StringIO
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apps.mentions.models import Mention, MentionBrand
from apps.partners.models import Partner
from apps.partners.services import api_key_create
from tests.apps.mentions.conftest import item, post_bytes
from tests.factories import BrandFactory

pytestmark = pytest.mark.django_db


def test_author_erasure_removes_their_mentions_and_derived_rows(ingest_client: APIClient) -> None:
    body = [item(1, author_id="alice"), item(2, author_id="alice"), item(3, author_id="bob")]
    assert post_bytes(ingest_client, orjson.dumps(body), "application/json").status_code == 202
    brand = BrandFactory.create()
    for mention in Mention.objects.all():
        MentionBrand.objects.create(mention=mention, brand=brand, spans=[[0, 1]])
    response = ingest_client.delete("/api/v1/authors/alice")
    assert response.status_code == 200
    assert response.json() == {"deleted": 2}
    assert list(Mention.objects.values_list("external_id", flat=True)) == ["m-3"]
    assert MentionBrand.objects.count() == 1


def test_erasure_only_touches_the_partners_own_mentions(ingest_client: APIClient) -> None:
    post_bytes(ingest_client, orjson.dumps([item(1, author_id="carol")]), "application/json")
    other = APIClient()
    other_key = api_key_create(Partner.objects.create(name="Other"), ["ingest"]).raw_key
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_key}")
    assert other.delete("/api/v1/authors/carol").json() == {"deleted": 0}
    assert Mention.objects.count() == 1
    out = StringIO()
    call_command("erase_author", "carol", stdout=out)
    assert "1 mention(s) erased" in out.getvalue()
    assert not Mention.objects.exists()


def test_erasure_needs_the_ingest_scope(api_client: APIClient, make_key: Any) -> None:
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_key(('read',)).raw_key}")
    assert api_client.delete("/api/v1/authors/x").status_code == 403


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=sorted({k for r in rows for k in r}))
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("file_format", ["jsonl", "csv"])
def test_import_mentions_counts_and_writes_rejects(tmp_path: Path, file_format: str) -> None:
    rows = [item(n) for n in range(12)] + [item(99, lat=123), item(0)]
    for row in rows:
        row.pop("source")
    path = tmp_path / f"mentions.{file_format}"
    if file_format == "jsonl":
        path.write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n{broken\n")
    else:
        _write_csv(path, rows)
    out = StringIO()
    call_command("import_mentions", str(path), "--source=app_review", stdout=out)
    expected_rows = 15 if file_format == "jsonl" else 14
    expected_rejected = 2 if file_format == "jsonl" else 1
    assert f"{expected_rows} rows: 12 stored, 1 duplicates, {expected_rejected} rejected" in (
        out.getvalue()
    )
    assert Mention.objects.filter(source="app_review").count() == 12
    rejects = [orjson.loads(line) for line in (tmp_path / f"{path.name}.rejects.jsonl").open("rb")]
    assert rejects[0]["external_id"] == "m-99" and "lat" in rejects[0]["reason"]
    again = StringIO()
    call_command("import_mentions", str(path), "--source=app_review", stdout=again)
    assert f"{expected_rows} rows: 0 stored, 13 duplicates" in again.getvalue()


def test_import_mentions_names_the_formats_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "mentions.txt"
    path.write_text("hello\n")
    expected = "Unknown format 'txt': use --format with jsonl, csv, geojson, parquet."
    with pytest.raises(CommandError, match=re.escape(expected)):
        call_command("import_mentions", str(path))


def test_import_mentions_reads_parquet(tmp_path: Path) -> None:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    created = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
    table = pa.table({
        "source": ["post", "post", None],
        "external_id": ["p-1", "p-2", "p-3"],
        "text": ["Super magasin", "Nul", "Bien"],
        "created_at": pa.array([created] * 3, pa.timestamp("us", tz="UTC")),
        "lat": [48.85, None, 95.0],
        "lon": [2.35, None, 2.0],
        "rating": pa.array([5, None, 4], pa.int8()),
    })  # fmt: skip
    path = tmp_path / "mentions.parquet"
    pq.write_table(table, path)
    out = StringIO()
    call_command("import_mentions", str(path), "--source=app_review", stdout=out)
    assert "3 rows: 2 stored, 0 duplicates, 1 rejected" in out.getvalue()
    first = Mention.objects.get(external_id="p-1")
    assert (first.source, first.rating, first.created_at) == ("post", 5, created)
    assert first.location is not None and first.location.coords == (2.35, 48.85)
    unlocated = Mention.objects.get(external_id="p-2")
    assert unlocated.location is None and unlocated.rating is None
    rejects = (tmp_path / "mentions.parquet.rejects.jsonl").read_bytes()
    assert orjson.loads(rejects)["external_id"] == "p-3"


def test_import_mentions_says_when_a_parquet_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(CommandError, match="not a readable Parquet file"):
        call_command("import_mentions", str(path))


def test_parquet_columns_as_data_frames_write_them(tmp_path: Path) -> None:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = pa.table({
        "source": ["post"] * 3,
        "external_id": [101, 102, 103],  # numeric ids
        "text": ["Bien", "Nul", "Correct"],
        "created_at": ["2026-11-20T10:00:00Z"] * 3,
        "rating": [4.0, None, 2.5],  # a null among integers makes the column float
        "author_id": pa.array([b"dev-1", b"dev\x01", b"dev-3"], pa.binary()),
    })  # fmt: skip
    path = tmp_path / "frame.parquet"
    pq.write_table(table, path)
    out = StringIO()
    call_command("import_mentions", str(path), stdout=out)
    assert "3 rows: 1 stored, 0 duplicates, 2 rejected" in out.getvalue()
    assert Mention.objects.get(external_id="101").rating == 4
    rejects = [orjson.loads(line) for line in (tmp_path / "frame.parquet.rejects.jsonl").open("rb")]
    assert rejects[0]["external_id"] == "102" and "U+0001" in rejects[0]["reason"]
    assert rejects[1]["external_id"] == "103" and "rating" in rejects[1]["reason"]
