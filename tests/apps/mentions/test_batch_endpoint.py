import gzip
import json
from typing import Any

import orjson
import pytest
from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from apps.mentions.models import LocationProvenance, Mention
from apps.mentions.services import author_pseudonymise
from apps.regions.models import City
from tests.apps.mentions.conftest import item, post_bytes
from tests.conftest import KeyMaker
from tests.factories import BrandFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def post(
    client: APIClient, body: Any, content_type: str = "application/json", **headers: str
) -> Any:
    data = body if isinstance(body, bytes) else orjson.dumps(body)
    return post_bytes(client, data, content_type, **headers)


def test_json_array_is_stored_with_202(ingest_client: APIClient) -> None:
    response = post(ingest_client, [item(1), item(2, author_id="alice", rating=4)])
    assert response.status_code == 202, response.json()
    assert response.json() == {"accepted": 2, "stored": 2, "duplicates": 0, "rejected": []}
    stored = Mention.objects.get(external_id="m-2")
    assert stored.rating == 4
    assert stored.author_hash == author_pseudonymise("alice")
    assert stored.location_provenance == LocationProvenance.GPS
    assert stored.precision_m == 15
    assert stored.location is not None and stored.location.coords == (2.3522, 48.8566)


def test_ndjson_and_gzip(ingest_client: APIClient) -> None:
    lines = b"\n".join(orjson.dumps(item(n)) for n in range(3)) + b"\n"
    response = post(ingest_client, gzip.compress(lines), "application/x-ndjson",
                    HTTP_CONTENT_ENCODING="gzip")  # fmt: skip
    assert response.status_code == 202, response.json()
    assert Mention.objects.count() == 3


def test_geojson_feature_collection(ingest_client: APIClient) -> None:
    properties = {k: v for k, v in item(7).items() if k not in ("lat", "lon")}
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.835, 45.764]},
             "properties": properties}
        ],
    }  # fmt: skip
    response = post(ingest_client, collection, "application/geo+json")
    assert response.status_code == 202, response.json()
    location = Mention.objects.get().location
    assert location is not None and location.coords == (4.835, 45.764)


def test_partial_success_is_207_and_names_each_rejection(ingest_client: APIClient) -> None:
    response = post(ingest_client, [item(1), item(2, lat=95), item(3), item(4, text="")])
    assert response.status_code == 207
    body = response.json()
    assert body["stored"] == 2
    assert [(r["index"], r["external_id"]) for r in body["rejected"]] == [(1, "m-2"), (3, "m-4")]
    assert "lat" in body["rejected"][0]["reason"]
    assert "text is empty" in body["rejected"][1]["reason"]
    assert set(Mention.objects.values_list("external_id", flat=True)) == {"m-1", "m-3"}


def test_none_valid_is_400_problem_with_reasons(ingest_client: APIClient) -> None:
    response = post(ingest_client, [item(1, source="carrier-pigeon")])
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["reason"].startswith("source:")


BAD_ITEMS = [
    ({"lat": -91}, "lat"),
    ({"lon": 181}, "lon"),
    ({"lat": 0, "lon": 0}, "null island"),
    ({"lat": 48.0, "lon": None}, "lat and lon go together"),
    ({"created_at": "2099-01-01T00:00:00Z"}, "in the future"),
    ({"created_at": "yesterday"}, "created_at"),
    ({"text": "   "}, "text is empty"),
    ({"text": "x" * 5001}, "text"),
    ({"text": "nul \x00 byte"}, "U+0000"),
    ({"text": "bell \x07"}, "U+0007"),
    ({"text": " \n\t\r "}, "text is empty"),
    ({"author_id": "bob\x01"}, "author_id: contains the control character U+0001"),
    ({"external_id": "m-\x7f"}, "external_id: contains the control character U+007F"),
    ({"user_location": "Lyon\x1b"}, "U+001B"),
    ({"rating": 6}, "rating"),
    ({"rating": 2.5}, "rating"),
    ({"accuracy_m": -1}, "accuracy_m"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
    ({"opinion_label": "positive"}, "set by voxpop"),
    ({"partner": 3}, "set by voxpop"),
    ({"brands": ["acme"]}, "set by voxpop"),
    ({"model_version": "x"}, "set by voxpop"),
    ({"geometry": {"type": "LineString", "coordinates": [[0, 1], [1, 2]]}}, "geometry"),
    ({"location_source": "telepathy"}, "location_source"),
    ({"external_id": ""}, "external_id"),
]


@pytest.mark.parametrize(("override", "reason"), BAD_ITEMS)
def test_bad_items_get_a_reason_and_never_a_500(
    ingest_client: APIClient, override: dict, reason: str
) -> None:
    payload = item(1, **override)
    if "geometry" in override:
        payload.pop("lat"), payload.pop("lon")
    response = post(ingest_client, [payload, item(2)])
    assert response.status_code == 207, response.json()
    rejected = response.json()["rejected"]
    assert len(rejected) == 1
    assert reason.lower() in rejected[0]["reason"].lower()
    assert Mention.objects.filter(external_id="m-2").exists()


def test_nan_and_infinity_cost_one_item_not_the_batch(ingest_client: APIClient) -> None:
    head = b'{"source": "post", "text": "t", "created_at": "2026-11-20T10:00:00Z", '
    raw = b"[" + head + b'"external_id": "nan", "lat": NaN, "lon": 2.0}, '
    raw += head + b'"external_id": "inf", "lat": 1.0, "lon": Infinity}, '
    raw += orjson.dumps(item(3)) + b"]"
    response = post(ingest_client, raw)
    assert response.status_code == 207
    reasons = [r["reason"] for r in response.json()["rejected"]]
    assert all("finite" in reason for reason in reasons), reasons
    assert Mention.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"[{", "malformed"),
        (b'{"not": "a list"}', "JSON array"),
        (b"[" * 5000 + b"]" * 5000, "malformed"),
        (b'[{"text": "\xff\xfe"}]', "UTF-8"),
        (b"[]", "no items"),
    ],
)
def test_unreadable_bodies_are_400(ingest_client: APIClient, body: bytes, code: str) -> None:
    response = post(ingest_client, body)
    assert response.status_code == 400
    assert code.lower() in response.json()["detail"].lower()


def test_deeply_nested_item_is_rejected(ingest_client: APIClient) -> None:
    nested: Any = "deep"
    for _ in range(50):
        nested = {"x": nested}
    response = post(ingest_client, [item(1, text=nested), item(2)])
    assert response.status_code == 207
    assert "nested deeper" in response.json()["rejected"][0]["reason"]


def test_invalid_utf8_line_in_ndjson_costs_that_line(ingest_client: APIClient) -> None:
    body = orjson.dumps(item(1)) + b'\n{"text": "\xc3\x28"}\n' + orjson.dumps(item(2))
    response = post(ingest_client, body, "application/x-ndjson")
    assert response.status_code == 207
    assert response.json()["rejected"][0]["index"] == 1
    assert "UTF-8" in response.json()["rejected"][0]["reason"]


def test_over_1000_items_is_413(ingest_client: APIClient) -> None:
    response = post(ingest_client, [item(n) for n in range(1001)])
    assert response.status_code == 413
    assert not Mention.objects.exists()


def test_over_1mb_decompressed_is_413(ingest_client: APIClient) -> None:
    big = [item(n, text="a" * 4000) for n in range(300)]  # about 1.2 MB, gzips to a few KB
    response = post(ingest_client, gzip.compress(orjson.dumps(big)), HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 413
    assert "1 MB" in response.json()["detail"]


def test_retried_items_are_stored_once(ingest_client: APIClient) -> None:
    post(ingest_client, [item(1), item(2)])
    response = post(ingest_client, [item(1), item(2), item(3), item(3)])
    assert response.status_code == 202
    assert response.json() == {"accepted": 4, "stored": 1, "duplicates": 3, "rejected": []}
    assert Mention.objects.count() == 3


def test_place_gives_location_with_place_provenance(ingest_client: APIClient, partner: Any) -> None:
    place = PlaceFactory.create(external_id="store-9", brand=BrandFactory.create(slug="acme"))
    partner.brands.add(place.brand)
    payload = item(1, place="store-9")
    payload.pop("lat"), payload.pop("lon"), payload.pop("accuracy_m")
    response = post(ingest_client, [payload, item(2, place="elsewhere")])
    assert response.status_code == 207
    assert "not a place of your brands" in response.json()["rejected"][0]["reason"]
    stored = Mention.objects.get(external_id="m-1")
    assert stored.place_id == place.pk
    assert stored.location_provenance == LocationProvenance.PLACE
    assert stored.location is not None and stored.location.coords == place.point.coords
    assert stored.precision_m == 50


def test_ingest_scope_is_required(api_client: APIClient, make_key: KeyMaker) -> None:
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_key(('read',)).raw_key}")
    assert post(api_client, [item(1)]).status_code == 403
    assert post(APIClient(), [item(1)]).status_code == 401


def test_unsupported_media_type_is_415(ingest_client: APIClient) -> None:
    assert post(ingest_client, b"a,b", "text/csv").status_code == 415


def test_stdlib_json_body_matches(ingest_client: APIClient) -> None:
    response = post(ingest_client, json.dumps([item(1)]).encode())
    assert response.status_code == 202


def test_items_needing_lookups_are_stored_beside_the_others(
    ingest_client: APIClient, partner: Any
) -> None:
    # Place and profile items are held back while the GPS ones stream, then stored after.
    place = PlaceFactory.create(external_id="store-1", brand=BrandFactory.create(slug="acme"))
    partner.brands.add(place.brand)
    City.objects.create(geonameid=1, name="Lyon", name_key="lyon", country_code="FR",
                        population=500_000, point=Point(4.835, 45.758, srid=4326))  # fmt: skip
    at_place, profile = item(2, place="store-1"), item(3, user_location="Lyon")
    for payload in (at_place, profile):
        payload.pop("lat"), payload.pop("lon"), payload.pop("accuracy_m")
    body = [item(1), at_place, profile, item(4, place="nowhere"), item(5), item(1)]
    response = post(ingest_client, body)
    assert response.status_code == 207
    assert response.json()["stored"] == 4 and response.json()["duplicates"] == 1
    assert [(r["index"], r["external_id"]) for r in response.json()["rejected"]] == [(3, "m-4")]
    provenance = dict(Mention.objects.values_list("external_id", "location_provenance"))
    assert provenance == {"m-1": "gps", "m-2": "place", "m-3": "profile", "m-5": "gps"}
    located = Mention.objects.get(external_id="m-3").location
    assert located is not None and located.coords == (4.835, 45.758)


def test_tabs_newlines_and_c1_characters_are_kept(ingest_client: APIClient) -> None:
    # C1 controls are what mis-encoded real text is made of: kept byte for byte.
    text = "ligne 1\n\tligne 2\r\nÃ\x89tÃ\x83\x82 \x85"
    response = post(ingest_client, [item(1, text=text, author_id="a\tb")])
    assert response.status_code == 202, response.json()
    assert Mention.objects.get(external_id="m-1").text == text
