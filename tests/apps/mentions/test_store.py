import json
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings

from apps.mentions.models import LocationProvenance, Mention, Status
from apps.mentions.pipeline import BATCH_SIZE, pipeline_start
from apps.mentions.store import MentionRow, gps_rows, mentions_store, new_mention_ids

pytestmark = pytest.mark.django_db


def _rows(*external_ids: str) -> list[MentionRow]:
    points = [(2.35, 48.85)] * len(external_ids)
    return gps_rows(list(external_ids), [f"text {e}" for e in external_ids], "fr", points)


def test_new_mention_ids_are_distinct_version_4_uuids() -> None:
    ids = new_mention_ids(5000)
    parsed = [uuid.UUID(i) for i in ids]
    assert len(set(ids)) == 5000
    assert {u.version for u in parsed} == {4}
    assert {u.variant for u in parsed} == {uuid.RFC_4122}
    assert all(u.hex == i for u, i in zip(parsed, ids, strict=True))


def test_rows_are_copied_as_they_come_from_an_iterator() -> None:
    rows = _rows("a", "b", "c")

    def one_at_a_time() -> Iterator[MentionRow]:
        yield from rows

    assert mentions_store(one_at_a_time()) == [r.id for r in rows]
    stored = Mention.objects.get(external_id="b")
    assert str(stored.id).replace("-", "") == rows[1].id
    assert stored.received_at == rows[1].received_at
    # The columns COPY leaves out take their database defaults.
    assert stored.status == Status.RECEIVED and stored.status_changed_at >= rows[1].received_at
    assert (stored.opinion_label, stored.model_version, stored.h3_r9) == ("", "", "")
    assert (stored.attempts, stored.last_error, stored.brand_ids) == (0, "", [])
    assert stored.location is not None and stored.location.coords == (2.35, 48.85)
    assert stored.location.srid == 4326
    assert stored.location_provenance == LocationProvenance.GPS and stored.precision_m == 20


def test_rows_whose_keys_are_stored_are_skipped_and_the_rest_kept() -> None:
    first = _rows("a", "b")
    mentions_store(first)
    again = _rows("b", "c", "a", "d")
    stored = mentions_store(again)
    # The COPY fails on the stored keys; the upsert then stores exactly the new ones.
    assert sorted(stored) == sorted(again[i].id for i in (1, 3))  # the same hex form
    assert Mention.objects.count() == 4
    assert str(Mention.objects.get(external_id="a").id).replace("-", "") == first[0].id


def test_pipeline_start_sends_one_task_per_batch_of_ids() -> None:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("ingest")
    ids = new_mention_ids(BATCH_SIZE * 2 + 5)
    pipeline_start(ids)
    # The transport pushes on the left and consumers pop on the right: oldest last.
    messages = [json.loads(m) for m in reversed(broker.lrange("ingest", 0, -1))]
    broker.delete("ingest")
    assert [m["headers"]["task"] for m in messages] == ["mentions.match"] * 3
    assert [m["headers"]["argsrepr"] for m in messages] == [
        f"[{BATCH_SIZE} mention ids]", f"[{BATCH_SIZE} mention ids]", "[5 mention ids]"
    ]  # fmt: skip
