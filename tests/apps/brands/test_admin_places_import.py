"""Bulk import of places from the Place admin: CSV or GeoJSON, bad rows rejected with reasons."""

import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from apps.brands.imports import PlaceImportError, places_import
from apps.brands.models import Brand, Place
from tests.factories import BrandFactory, PlaceFactory

pytestmark = pytest.mark.django_db
URL = "/admin/brands/place/import/"


@pytest.fixture
def acme() -> Brand:
    return BrandFactory.create(slug="acme", name="Acme")


def _upload(client: Client, name: str, content: str, brand: Brand | None = None) -> HttpResponse:
    data: dict[str, object] = {"file": SimpleUploadedFile(name, content.encode())}
    if brand is not None:
        data["brand"] = str(brand.pk)
    return client.post(URL, data)  # type: ignore[return-value]


def _messages(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_place_changelist_links_to_the_import(admin_client: Client) -> None:
    page = admin_client.get("/admin/brands/place/").content.decode()
    assert f'href="{URL}"' in page
    form = admin_client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="file"' in form


def test_csv_import_creates_updates_and_reports_bad_rows(admin_client: Client, acme: Brand) -> None:
    PlaceFactory.create(brand=acme, external_id="s1", name="Old name")
    BrandFactory.create(slug="globex", name="Globex")
    csv_text = (
        "external_id,name,address,lat,lon,brand\n"
        "s1,Acme Paris,1 rue de Rivoli,48.85,2.35,\n"
        "s2,Acme Lyon,,45.76,4.83,\n"
        "g1,Globex Nice,,43.70,7.26,globex\n"
        "s3,Too far north,,123,2.35,\n"
        "s4,,,48.0,2.0,\n"
        "s5,Unknown brand,,48.0,2.0,initech\n"
        "s2,Acme Lyon again,,45.76,4.83,\n"
    )
    response = _upload(admin_client, "places.csv", csv_text, brand=acme)
    assert response.status_code == 302
    assert response["Location"] == "/admin/brands/place/"
    messages = _messages(response)
    assert messages[0] == "2 place(s) created, 1 updated, 4 rejected."
    assert messages[1:] == [
        "Rejected line 5: lat 123 is out of range -90..90 (decimal degrees)",
        "Rejected line 6: name is missing",
        "Rejected line 7: unknown brand 'initech'; add the brand first or fix the slug",
        "Rejected line 8: external_id 's2' repeats line 3; keep one",
    ]
    places = {(p.brand.slug, p.external_id): p for p in Place.objects.select_related("brand")}
    assert set(places) == {("acme", "s1"), ("acme", "s2"), ("globex", "g1")}
    assert places["acme", "s1"].name == "Acme Paris"
    assert places["acme", "s1"].address == "1 rue de Rivoli"
    assert (places["globex", "g1"].point.x, places["globex", "g1"].point.y) == (7.26, 43.70)


def test_geojson_import_takes_points_and_their_properties(
    admin_client: Client, acme: Brand
) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
                "properties": {"external_id": 7, "name": "Acme Paris", "brand": "acme"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                "properties": {"external_id": "line", "name": "Not a place", "brand": "acme"},
            },
        ],
    }
    response = _upload(admin_client, "places.geojson", json.dumps(collection))
    assert _messages(response) == [
        "1 place(s) created, 0 updated, 1 rejected.",
        "Rejected feature 2: geometry must be a Point: [lon, lat]",
    ]
    place = Place.objects.get()
    assert (place.brand, place.external_id, place.point.coords) == (acme, "7", (2.35, 48.85))


def test_unreadable_file_is_explained_on_the_form(admin_client: Client) -> None:
    response = _upload(admin_client, "places.csv", "id;title\n1;x\n")
    assert response.status_code == 200
    assert "the CSV lacks the column(s) external_id, name, lat, lon" in response.content.decode()
    assert not Place.objects.exists()


def test_rows_without_a_brand_need_one_chosen(acme: Brand) -> None:
    content = b"external_id,name,lat,lon\ns1,Acme Paris,48.85,2.35\n"
    result = places_import(content, "places.csv")
    assert (result.created, [str(r) for r in result.rejected]) == (
        0,
        ["line 2: no brand: fill the brand column (a slug) or choose a brand for the file"],
    )
    assert places_import(content, "places.csv", acme).created == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8 text"),
        (b'{"type": "Feature"}', "must be a FeatureCollection"),
        (b"{oops", "not valid JSON"),
    ],
)
def test_files_that_cannot_be_read_say_why(content: bytes, message: str) -> None:
    with pytest.raises(PlaceImportError, match=message):
        places_import(content, "places.json" if content.startswith(b"{") else "places.csv")


def test_coordinates_must_be_numbers_in_range(acme: Brand) -> None:
    content = (
        b'external_id,name,lat,lon\na,A,north,2\nb,B,48.8,181\nc,C,48.8,-1.5\nd,D,"48,8",2.3\n'
    )
    result = places_import(content, "p.csv", acme)
    assert [str(r) for r in result.rejected] == [
        "line 2: lat 'north' is not a number (decimal degrees)",
        "line 3: lon 181 is out of range -180..180 (decimal degrees)",
    ]
    assert result.created == 2
    assert Place.objects.get(external_id="d").point.y == 48.8
