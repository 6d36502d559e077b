import threading
from typing import Any

import orjson
import pytest
from django.db import connections
from rest_framework.test import APIClient

from apps.mentions.models import IdempotencyRecord, Mention
from apps.partners.models import Partner
from apps.partners.services import api_key_create
from tests.apps.mentions.conftest import item, post_bytes


def post(client: APIClient, body: Any, key: str) -> Any:
    return post_bytes(client, orjson.dumps(body), "application/json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_same_key_replays_the_first_response(ingest_client: APIClient) -> None:
    first = post(ingest_client, [item(1), item(2, lat=100)], "k-1")
    assert first.status_code == 207
    Mention.objects.all().delete()  # a replay must not execute again
    again = post(ingest_client, [item(1), item(2, lat=100)], "k-1")
    assert again.status_code == 207
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not Mention.objects.exists()


@pytest.mark.django_db
def test_same_key_with_another_body_is_422(ingest_client: APIClient) -> None:
    assert post(ingest_client, [item(1)], "k-2").status_code == 202
    response = post(ingest_client, [item(9)], "k-2")
    assert response.status_code == 422
    assert "different body" in response.json()["detail"]
    assert not Mention.objects.filter(external_id="m-9").exists()


@pytest.mark.django_db
def test_keys_are_per_partner(ingest_client: APIClient) -> None:
    assert post(ingest_client, [item(1)], "shared").status_code == 202
    other = APIClient()
    key = api_key_create(Partner.objects.create(name="Other"), ["ingest"]).raw_key
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = post(other, [item(5)], "shared")
    assert response.status_code == 202
    assert "Idempotent-Replayed" not in response


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_execute_once(ingest_client: APIClient) -> None:
    body = [item(n) for n in range(200)]
    barrier = threading.Barrier(4)
    responses: list[Any] = []

    def send() -> None:
        barrier.wait()
        try:
            responses.append(post(ingest_client, body, "concurrent"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in responses) == [202] * 4
    bodies = [r.json() for r in responses]
    assert all(
        b == {"accepted": 200, "stored": 200, "duplicates": 0, "rejected": []} for b in bodies
    )
    assert sum(1 for r in responses if r.has_header("Idempotent-Replayed")) == 3
    assert Mention.objects.count() == 200
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_without_key_are_stored_once(ingest_client: APIClient) -> None:
    barrier = threading.Barrier(3)
    statuses: list[int] = []

    def send(offset: int) -> None:
        barrier.wait()
        try:
            body = [item(n) for n in range(offset, offset + 150)]
            response = post_bytes(ingest_client, orjson.dumps(body), "application/json")
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(o,)) for o in (0, 50, 100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [202, 202, 202]
    assert Mention.objects.count() == 250
