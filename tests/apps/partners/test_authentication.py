import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.partners.models import ApiKey
from apps.partners.services import api_key_hash, api_key_revoke, api_key_rotate
from tests.conftest import KeyMaker

pytestmark = pytest.mark.django_db
URL = "/api/v1/regions/"
PROBLEM = "application/problem+json"


def _get(client: APIClient, key: str | None = None) -> Any:
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client.get(URL)


def test_no_key_is_401_problem_json(api_client: APIClient) -> None:
    response = _get(api_client)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Api-Key"
    body = response.json()
    assert body["status"] == 401
    assert body["detail"]
    assert body["type"].endswith("not-authenticated")


def test_unknown_key_is_401(api_client: APIClient) -> None:
    response = _get(api_client, "vxp_deadbeef_not-a-real-key")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert "not valid" in response.json()["detail"]


def test_revoked_key_is_401(api_client: APIClient, make_key: KeyMaker) -> None:
    issued = make_key(("read",))
    assert _get(api_client, issued.raw_key).status_code == 200
    api_key_revoke(issued.api_key)
    response = _get(api_client, issued.raw_key)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert "revoked" in response.json()["detail"]


def test_expired_key_is_401(api_client: APIClient, make_key: KeyMaker) -> None:
    issued = make_key(("read",), expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _get(api_client, issued.raw_key)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_key_without_scope_is_403(api_client: APIClient, make_key: KeyMaker) -> None:
    issued = make_key(("ingest",))
    response = _get(api_client, issued.raw_key)
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert "'read' scope" in response.json()["detail"]


def test_valid_key_is_200_and_marks_last_use(api_client: APIClient, make_key: KeyMaker) -> None:
    issued = make_key(("read",))
    assert _get(api_client, issued.raw_key).status_code == 200
    issued.api_key.refresh_from_db()
    assert issued.api_key.last_used_at is not None


def test_only_a_hash_is_stored(make_key: KeyMaker) -> None:
    issued = make_key(("read", "ingest"))
    stored = ApiKey.objects.get(pk=issued.api_key.pk)
    assert stored.key_hash == api_key_hash(issued.raw_key)
    row = ApiKey.objects.filter(pk=stored.pk).values().get()
    values = [str(v) for v in row.values()]
    assert issued.raw_key not in values
    assert stored.scopes == ["ingest", "read"]


def test_rotation_revokes_the_old_key(api_client: APIClient, make_key: KeyMaker) -> None:
    old = make_key(("read",))
    new = api_key_rotate(old.api_key)
    assert new.raw_key != old.raw_key
    assert _get(api_client, old.raw_key).status_code == 401
    assert _get(APIClient(), new.raw_key).status_code == 200


def test_unknown_scope_is_refused(make_key: KeyMaker) -> None:
    with pytest.raises(ValueError, match="scopes must be among"):
        make_key(("admin",))
