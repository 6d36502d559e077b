"""Real, messy input: 3,846 tweets from ../shared through the batch endpoint."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.mentions.models import LocationProvenance, Mention
from tests.apps.mentions.conftest import post_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
BATCH = 500


def _as_items(path: Path) -> list[dict[str, Any]]:
    """What a client would send: the file's ids were mangled into floats ('5.52963e+17') by a
    spreadsheet, so the client numbers the tweets by their line instead."""
    items = []
    # split on newlines only: str.splitlines() would also split on the U+0085 some tweets hold.
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    for line_no, line in enumerate(lines, start=1):
        tweet = json.loads(line)
        created = dt.datetime.strptime(tweet["created"], "%m/%d/%y %H:%M").replace(tzinfo=dt.UTC)
        item: dict[str, Any] = {
            "source": "post",
            "external_id": f"coachella-2015-{line_no}",
            "text": tweet["text"],
            "created_at": created.isoformat(),
        }
        if tweet.get("lat") is not None:
            item.update(lat=tweet["lat"], lon=tweet["lon"], location_source="gps")
        if tweet.get("user_location"):
            item["user_location"] = tweet["user_location"].strip()[:200]
        items.append(item)
    return items


def _send(client: APIClient, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bodies = []
    for start in range(0, len(items), BATCH):
        body = orjson.dumps(items[start : start + BATCH])
        response = post_bytes(client, body, "application/json")
        assert response.status_code == 202, response.json()
        bodies.append(response.json())
    return bodies


def test_every_tweet_is_stored_once_with_its_provenance(
    ingest_client: APIClient, data_dir: Path
) -> None:
    geo = data_dir / "geo"
    call_command("load_cities", str(geo / "cities15000.gpkg"),
                 f"--countries={geo / 'world_countries.gpkg'}", stdout=StringIO())  # fmt: skip
    items = _as_items(data_dir / "mentions" / "coachella_2015_tweets.jsonl")
    assert len(items) == 3846

    first = _send(ingest_client, items)
    assert sum(b["stored"] for b in first) == 3846
    assert Mention.objects.count() == 3846
    by_provenance = {
        p: Mention.objects.filter(location_provenance=p).count() for p in LocationProvenance
    }
    assert by_provenance[LocationProvenance.GPS] == 205
    assert by_provenance[LocationProvenance.PROFILE] > 300
    la = Mention.objects.filter(location_provenance=LocationProvenance.PROFILE).first()
    assert la is not None and la.precision_m is not None and la.precision_m >= 3000

    # The mis-encoded characters survive byte for byte.
    originals = {i["external_id"]: i["text"] for i in items}
    stored = dict(Mention.objects.values_list("external_id", "text"))
    assert stored == originals

    second = _send(ingest_client, items)
    assert sum(b["stored"] for b in second) == 0
    assert sum(b["duplicates"] for b in second) == 3846
    assert Mention.objects.count() == 3846
