"""API keys in the admin: issued through the service, shown once, stored as a hash only."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.partners.models import ApiKey, Partner
from apps.partners.services import api_key_hash
from tests.conftest import KeyMaker

pytestmark = pytest.mark.django_db
URL = "/admin/partners/apikey/"
KEY = re.compile(r'<code class="api-key">(vxp_[0-9a-f]{8}_[\w-]+)</code>')


def _shown_keys(page: str) -> list[str]:
    return KEY.findall(page)


def _works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client.get("/api/v1/regions/").status_code == 200


def test_key_creation_shows_the_key_once_and_stores_only_its_hash(
    admin_client: Client, partner: Partner
) -> None:
    form = admin_client.get(f"{URL}add/?partner={partner.pk}").content.decode()
    assert 'name="key_hash"' not in form and 'name="prefix"' not in form
    assert f'<option value="{partner.pk}" selected>' in form

    response = admin_client.post(
        f"{URL}add/", {"partner": partner.pk, "name": "ci", "scopes": ["read", "ingest"]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [raw_key] = _shown_keys(response.content.decode())
    key = ApiKey.objects.get()
    assert (key.partner, key.name, key.scopes) == (partner, "ci", ["ingest", "read"])
    assert key.key_hash == api_key_hash(raw_key) and raw_key not in key.key_hash
    assert _works(raw_key)

    for page in (
        f"{URL}",
        f"{URL}{key.pk}/change/",
        f"/admin/partners/partner/{partner.pk}/change/",
    ):
        assert raw_key not in admin_client.get(page).content.decode()
    history = admin_client.get(f"{URL}{key.pk}/history/").content.decode()
    assert raw_key not in history and "Added" in history


def test_issuing_needs_a_scope(admin_client: Client, partner: Partner) -> None:
    response = admin_client.post(f"{URL}add/", {"partner": partner.pk, "name": "x"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiKey.objects.exists()


def test_partner_page_links_to_issuing_a_key(admin_client: Client, partner: Partner) -> None:
    page = admin_client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()
    assert f"{URL}add/?partner={partner.pk}" in page


def test_rotate_shows_the_new_key_once_and_stops_the_old(
    admin_client: Client, make_key: KeyMaker
) -> None:
    old = make_key(("read",), name="dashboard")
    response = admin_client.post(URL, {"action": "rotate", "_selected_action": [old.api_key.pk]})
    [new_key] = _shown_keys(response.content.decode())
    assert new_key != old.raw_key
    assert not _works(old.raw_key) and _works(new_key)
    new = ApiKey.objects.get(revoked_at__isnull=True)
    assert (new.name, new.scopes, new.key_hash) == ("dashboard", ["read"], api_key_hash(new_key))


def test_revoke_stops_the_key(admin_client: Client, make_key: KeyMaker) -> None:
    issued = make_key(("read",))
    response = admin_client.post(
        URL, {"action": "revoke", "_selected_action": [issued.api_key.pk]}, follow=True
    )
    assert "1 key(s) revoked; they no longer work." in response.content.decode()
    issued.api_key.refresh_from_db()
    assert issued.api_key.revoked_at is not None
    assert not _works(issued.raw_key)


def test_revoked_keys_are_not_rotated(admin_client: Client, make_key: KeyMaker) -> None:
    issued = make_key(("read",))
    admin_client.post(URL, {"action": "revoke", "_selected_action": [issued.api_key.pk]})
    response = admin_client.post(
        URL, {"action": "rotate", "_selected_action": [issued.api_key.pk]}, follow=True
    )
    assert "Revoked keys cannot be rotated." in response.content.decode()
    assert ApiKey.objects.count() == 1
