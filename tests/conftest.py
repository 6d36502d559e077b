from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.partners.models import Partner
from apps.partners.services import IssuedKey, api_key_create

KeyMaker = Callable[..., IssuedKey]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The test Redis database outlives a run; a cached page must not leak between tests.
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _empty_test_broker() -> None:
    # Queued tasks from an earlier run must not reach this run's workers.
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture
def data_dir() -> Path:
    path = Path(settings.VOXPOP_DATA_DIR)
    if not path.is_dir():
        pytest.fail(f"{path} is missing: tests need ../shared/data (or VOXPOP_DATA_DIR).")
    return path


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def partner(db: None) -> Partner:
    return Partner.objects.create(name="Partner A")


@pytest.fixture
def make_key(partner: Partner) -> KeyMaker:
    def make(scopes: tuple[str, ...] = ("read",), **kwargs: object) -> IssuedKey:
        return api_key_create(partner, scopes, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def read_client(api_client: APIClient, make_key: KeyMaker) -> APIClient:
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_key(('read',)).raw_key}")
    return api_client


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny opinion model trained through the real training path on a few hundred texts."""
    from ml.train import main  # noqa: PLC0415 - only the tests that need it pay for training

    out = tmp_path_factory.mktemp("models")
    config = Path(settings.BASE_DIR) / "ml" / "configs" / "tiny.yaml"
    version = main(["--config", str(config), "--data-dir", str(settings.VOXPOP_DATA_DIR),
                    "--out", str(out)])  # fmt: skip
    return out / version


# Fixtures of a small insights world (two régions, three brands, two partners), shared by the
# insights tests and the project-wide tenancy test.
from tests.insights_world import client_b, seed, world  # noqa: E402, F401
