from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.regions.services import rebuild_region_parts
from tests.factories import BoundaryLayerFactory, RegionFactory, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_layers() -> None:
    coarse: Any = BoundaryLayerFactory.create(name="coarse")
    fine: Any = BoundaryLayerFactory.create(name="fine")
    big = RegionFactory.create(layer=coarse, code="BIG", name="Big", geom=square(2.0, 48.0, 1.0))
    RegionFactory.create(
        layer=fine, code="F1", name="Fine one", parent=big, geom=square(1.5, 48.0, 0.5)
    )
    RegionFactory.create(
        layer=fine, code="F2", name="Fine two", parent=big, geom=square(2.5, 48.0, 0.5)
    )
    rebuild_region_parts(coarse.name)
    rebuild_region_parts(fine.name)


def test_list_filters_by_layer_and_paginates(read_client: APIClient, two_layers: None) -> None:
    body = read_client.get("/api/v1/regions/", {"layer": "fine", "page_size": "1"}).json()
    assert body["count"] == 2
    assert body["next"]
    assert body["results"] == [
        {
            "layer": "fine",
            "code": "F1",
            "name": "Fine one",
            "population": 1000,
            "parent": {"layer": "coarse", "code": "BIG"},
        }
    ]
    assert read_client.get("/api/v1/regions/", {"layer": "nothing"}).json()["count"] == 0


def test_geojson_format_returns_rounded_simplified_features(
    read_client: APIClient, two_layers: None
) -> None:
    response = read_client.get(
        "/api/v1/regions/", {"layer": "coarse", "format": "geojson", "zoom": "3"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["id"] == "coarse:BIG"
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["name"] == "Big"
    coords = feature["geometry"]["coordinates"][0][0]
    assert all(len(str(c).split(".")[-1]) <= 5 for point in coords for c in point)


def test_lookup_returns_one_region_per_layer(read_client: APIClient, two_layers: None) -> None:
    body = read_client.get("/api/v1/regions/lookup/", {"lat": 48.0, "lon": 2.7}).json()
    assert [(r["layer"], r["code"]) for r in body["results"]] == [("coarse", "BIG"), ("fine", "F2")]
    outside = read_client.get("/api/v1/regions/lookup/", {"lat": 10.0, "lon": 10.0}).json()
    assert outside["results"] == []


@pytest.mark.parametrize(
    "params", [{"lat": 91, "lon": 0}, {"lat": 0, "lon": -181}, {"lat": "abc", "lon": 0}, {"lon": 1}]
)
def test_lookup_rejects_bad_coordinates(read_client: APIClient, params: Any) -> None:
    response = read_client.get("/api/v1/regions/lookup/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
