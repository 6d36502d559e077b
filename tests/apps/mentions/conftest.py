from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.conftest import KeyMaker

URL = "/api/v1/mentions/batch"


def post_bytes(client: APIClient, body: bytes, content_type: str, **headers: str) -> Any:
    """POST raw bytes (the client's stub types the body as str, but it sends bytes as-is)."""
    return client.generic("POST", URL, body, content_type=content_type, **headers)  # type: ignore[arg-type]


@pytest.fixture
def ingest_client(api_client: APIClient, make_key: KeyMaker) -> APIClient:
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_key(('ingest',)).raw_key}")
    return api_client


def item(n: int = 1, **overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "source": "post",
        "external_id": f"m-{n}",
        "text": f"Super accueil au magasin, numéro {n}",
        "created_at": "2026-11-20T10:00:00Z",
        "lat": 48.8566,
        "lon": 2.3522,
        "accuracy_m": 15,
    }
    base.update(overrides)
    return base
