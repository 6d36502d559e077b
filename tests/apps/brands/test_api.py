"""GET /api/v1/brands/: the brands a caller may read, with their competitors among them."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from apps.partners.models import Partner
from apps.partners.services import api_key_create
from tests.factories import BrandFactory, PlaceFactory

pytestmark = pytest.mark.django_db

SLUGS = ("alpha", "beta", "gamma")


@pytest.fixture
def brands() -> None:
    alpha, beta, gamma = (BrandFactory.create(slug=s, name=s.title()) for s in SLUGS)
    alpha.competitors.add(beta, gamma)
    beta.competitors.add(alpha)
    PlaceFactory.create(brand=alpha)
    PlaceFactory.create(brand=alpha)


@pytest.mark.usefixtures("brands")
def test_a_partner_lists_its_brands_and_their_competitors(
    read_client: APIClient, partner: Partner
) -> None:
    partner.brands.add(BrandFactory.create(slug="alpha"))
    body = read_client.get("/api/v1/brands/").json()
    assert body == {
        "results": [
            {"slug": "alpha", "name": "Alpha", "competitors": ["beta", "gamma"], "places": 2},
            {"slug": "beta", "name": "Beta", "competitors": ["alpha"], "places": 0},
            {"slug": "gamma", "name": "Gamma", "competitors": [], "places": 0},
        ]
    }


@pytest.mark.usefixtures("brands")
def test_a_competitor_the_caller_cannot_read_is_never_named(api_client: APIClient) -> None:
    partner = Partner.objects.create(name="Beta's")
    partner.brands.add(BrandFactory.create(slug="beta"))
    key = api_key_create(partner, ("read",)).raw_key
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = api_client.get("/api/v1/brands/").json()
    assert body == {
        "results": [
            {"slug": "alpha", "name": "Alpha", "competitors": ["beta"], "places": 2},
            {"slug": "beta", "name": "Beta", "competitors": ["alpha"], "places": 0},
        ]
    }


@pytest.mark.usefixtures("brands")
def test_staff_list_every_brand(api_client: APIClient) -> None:
    api_client.force_login(User.objects.create_user("staff", password="pw", is_staff=True))
    body = api_client.get("/api/v1/brands/").json()
    assert [brand["slug"] for brand in body["results"]] == ["alpha", "beta", "gamma"]
    assert api_client.get("/api/v1/brands/").status_code == 200


def test_anonymous_callers_are_refused(api_client: APIClient) -> None:
    assert api_client.get("/api/v1/brands/").status_code in (401, 403)
