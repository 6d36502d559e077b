"""The dashboard page: staff only, configured from the server, nothing from the internet."""

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.partners.services import api_key_create
from tests.factories import BoundaryLayerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(User.objects.create_user("staff", password="pw", is_staff=True))
    return client


def _config(html: str) -> dict:
    match = re.search(r'<script id="dashboard-config" type="application/json">(.*?)</script>', html)
    assert match
    return json.loads(match.group(1))


def test_anonymous_and_non_staff_users_are_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/dashboard/?brand=x")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/dashboard/")
    client.force_login(User.objects.create_user("someone", password="pw"))
    assert client.get("/dashboard/").status_code == 302


def test_an_api_key_does_not_open_the_dashboard(client: Client, partner: object) -> None:
    key = api_key_create(partner, ("read",)).raw_key  # type: ignore[arg-type]
    response = client.get("/dashboard/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 302


def test_staff_get_the_page_with_its_configuration(staff_client: Client) -> None:
    BoundaryLayerFactory.create(name="fr-region")
    BoundaryLayerFactory.create(name="fr-commune")
    html = staff_client.get("/dashboard/").content.decode()
    config = _config(html)
    assert config["api"]["regions"] == "/api/v1/insights/regions/"
    assert config["api"]["brands"] == "/api/v1/brands/"
    assert config["api"]["tiles"] == "/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt"
    assert [level["name"] for level in config["levels"]] == ["fr-region", "fr-commune"]
    assert config["styleUrl"] == ""
    assert config["pointsMinZoom"] == 12
    assert "/static/vendor/maplibre/maplibre-gl.mjs" in html
    assert "/static/dashboard/main.js" in html
    assert "http://" not in html and "https://" not in html


def test_an_external_style_url_is_passed_to_the_page(staff_client: Client, settings: Any) -> None:
    settings.DASHBOARD_STYLE_URL = "https://tiles.example.org/style.json"
    config = _config(staff_client.get("/dashboard/").content.decode())
    assert config["styleUrl"] == "https://tiles.example.org/style.json"
