import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.workers import running_worker

pytestmark = pytest.mark.django_db


def test_health_is_200_when_database_redis_and_a_worker_answer(api_client: APIClient) -> None:
    with running_worker():
        response = api_client.get("/health/")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["database"]["ok"] and checks["database"]["detail"].startswith("PostGIS")
    assert checks["redis"]["ok"]
    assert checks["worker"]["ok"]
    assert "model" in checks


@override_settings(HEALTH_WORKER_TIMEOUT_S=0.3)
def test_health_is_503_without_a_worker(api_client: APIClient) -> None:
    response = api_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
    assert "no Celery worker" in response.json()["checks"]["worker"]["detail"]


@override_settings(REDIS_URL="redis://127.0.0.1:1/0", HEALTH_WORKER_TIMEOUT_S=0.3)
def test_health_is_503_when_redis_is_down(api_client: APIClient) -> None:
    response = api_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
