import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import BoundaryLayerFactory, MentionFactory, PlaceFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    user = User.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("factory", "path"),
    [
        (PlaceFactory, "brands/place"),
        (RegionFactory, "regions/region"),
        (MentionFactory, "mentions/mention"),
    ],
)
def test_map_widgets_load_nothing_from_the_internet(
    staff_client: Client, factory: type, path: str
) -> None:
    obj = factory()
    page = staff_client.get(f"/admin/{path}/{obj.pk}/change/").content.decode()
    assert "/static/vendor/ol/ol.js" in page
    assert "new MapWidget" in page
    assert "https://" not in page.split("<body")[1].split("</body>")[0].replace(
        "https://voxpop", ""
    )


def test_admin_basemap_is_geojson_of_our_boundaries(staff_client: Client, client: Client) -> None:
    RegionFactory.create(layer=BoundaryLayerFactory.create(name="country"), code="FRA")
    body = staff_client.get("/admin/basemap.geojson").json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == ["FRA"]


def test_admin_basemap_needs_staff(client: Client) -> None:
    response = client.get("/admin/basemap.geojson")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_vendored_openlayers_is_served(client: Client) -> None:
    response = client.get("/static/vendor/ol/ol.js")
    assert response.status_code == 200


def test_dead_letters_are_visible_and_re_drivable_in_the_admin(staff_client: Client) -> None:
    dead = MentionFactory.create(status="dead", attempts=3, last_error="ValueError: poison")
    page = staff_client.get("/admin/mentions/mention/?status__exact=dead").content.decode()
    assert "ValueError: poison" in page
    staff_client.post(
        "/admin/mentions/mention/",
        {"action": "redrive", "_selected_action": [str(dead.pk)]},
    )
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("received", 0)
