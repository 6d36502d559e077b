import pytest
import yaml
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_and_documents_the_regions(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/regions/" in schema["paths"]
    assert "/api/v1/regions/lookup/" in schema["paths"]
    assert "ApiKeyAuth" in schema["components"]["securitySchemes"]


def test_docs_are_served_without_a_cdn(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "unpkg" not in page


def test_validation_errors_are_problem_json(read_client: APIClient) -> None:
    response = read_client.get("/api/v1/regions/lookup/", {"lat": 123, "lon": 2})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"].startswith("lat:")
    assert "lat" in body["errors"]


def test_unknown_route_under_api_is_404(read_client: APIClient) -> None:
    assert read_client.get("/api/v1/nothing-here/").status_code == 404
