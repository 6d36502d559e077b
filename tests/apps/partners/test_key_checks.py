"""Insights reads take the API key this process looked up before and check it in their own first
statement (`key_checks`): never an answer from a key that changed, in or out of a transaction."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.brands.models import Brand
from apps.brands.selectors import entitled_json_sql
from apps.partners import key_checks
from apps.partners.models import ApiKey, Partner
from apps.partners.selectors import api_key_by_hash
from apps.partners.services import api_key_hash
from tests.factories import BrandFactory
from tests.insights_world import WEST, Seeder, World

URL = "/api/v1/insights/regions/"
PARAMS = {"brand": "alpha", "layer": "fr-region", "geometry": "false"}


@pytest.fixture(autouse=True)
def _forgotten() -> None:
    key_checks._remembered.clear()


@pytest.fixture
def seeded(world: World, seed: Seeder) -> World:
    seed(world.alpha, 12, WEST)
    return world


def _key(client: APIClient) -> ApiKey:
    raw = client._credentials["HTTP_AUTHORIZATION"].split()[-1]  # type: ignore[attr-defined]
    return ApiKey.objects.get(key_hash=api_key_hash(raw))


def _answers(client: APIClient) -> int:
    return client.get(URL, PARAMS).status_code


def _revoke(key: ApiKey, partner: Partner) -> None:
    key.revoked_at = timezone.now()
    key.save()


def _deactivate(key: ApiKey, partner: Partner) -> None:
    partner.is_active = False
    partner.save()


def _drop_scope(key: ApiKey, partner: Partner) -> None:
    key.scopes = ["ingest"]
    key.save()


def _drop_brand(key: ApiKey, partner: Partner) -> None:
    partner.brands.clear()


def _delete(key: ApiKey, partner: Partner) -> None:
    key.delete()


CHANGES: dict[str, tuple[Callable[[ApiKey, Partner], None], int]] = {
    "revoked": (_revoke, 401),
    "partner disabled": (_deactivate, 401),
    "scope removed": (_drop_scope, 403),
    "brand no longer the partner's": (_drop_brand, 400),
    "deleted": (_delete, 401),
}


def _answers_after(change: str, client: APIClient, world: World) -> None:
    """The key answers, is remembered, changes, and is refused (twice: not remembered again)."""
    assert _answers(client) == 200
    key = _key(client)
    assert key_checks._remembered[key.key_hash].fingerprint is not None
    apply, status = CHANGES[change]
    apply(key, world.partner_a)
    assert _answers(client) == status
    assert _answers(client) == status


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", CHANGES)
def test_outside_a_transaction_a_changed_key_is_caught_by_the_read(
    read_client: APIClient, seeded: World, change: str
) -> None:
    _answers_after(change, read_client, seeded)


@pytest.mark.parametrize("change", CHANGES)
def test_in_a_transaction_a_changed_key_is_caught_after_the_read(
    read_client: APIClient, seeded: World, change: str
) -> None:
    _answers_after(change, read_client, seeded)


@pytest.mark.django_db(transaction=True)
def test_a_remembered_key_costs_no_statement_of_its_own(
    read_client: APIClient, seeded: World
) -> None:
    assert _answers(read_client) == 200
    with CaptureQueriesContext(connection) as queries:
        assert _answers(read_client) == 200
    sent = [q["sql"] for q in queries.captured_queries]
    assert len(sent) == 1, sent
    assert "api_key_fingerprint(" in sent[0] and "regions_boundarylayer" in sent[0]


def test_a_brand_given_since_is_readable_at_once(
    read_client: APIClient, seeded: World, partner: Partner
) -> None:
    assert _answers(read_client) == 200
    newcomer = BrandFactory.create(name="Delta", slug="delta")
    # Unknown to the remembered key: the answer would be a 400 without the check at the end.
    partner.brands.add(newcomer)
    response = read_client.get(URL, {**PARAMS, "brand": "delta"})
    assert response.status_code == 200, response.json()


def test_a_key_used_outside_insights_is_looked_up_as_before(
    read_client: APIClient, seeded: World
) -> None:
    assert _answers(read_client) == 200
    _revoke(_key(read_client), seeded.partner_a)
    assert read_client.get("/api/v1/brands/").status_code == 401


def test_the_fingerprint_follows_what_the_key_may_read(
    read_client: APIClient, world: World
) -> None:
    key = _key(read_client)

    def fingerprint() -> str | None:
        found = api_key_by_hash(key.key_hash)
        return found.fingerprint if found else None

    seen = [fingerprint()]
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    assert fingerprint() == seen[-1]  # using a key changes nothing it may read
    changes: list[Callable[[], object]] = [
        lambda: world.alpha.competitors.add(world.gamma),
        lambda: Brand.objects.filter(pk=world.beta.pk).update(slug="beta-2"),
        lambda: ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now()),
        lambda: world.partner_a.brands.add(BrandFactory.create(name="Delta", slug="delta")),
    ]
    for change in changes:
        change()
        seen.append(fingerprint())
        assert seen[-1] not in seen[:-1]


@pytest.mark.django_db
def test_the_fingerprint_function_reads_the_entitlement_the_api_serves() -> None:
    # Migrations write the entitlement SQL of their day into the function (0002, 0003): when
    # that SQL changes, the function must be written again by a new migration.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef('api_key_fingerprint(text)'::regprocedure)")
        definition = cursor.fetchone()[0]
    assert entitled_json_sql("k.partner_id") in definition


HOURS_AGO = dt.timedelta(hours=2)


@pytest.mark.django_db(transaction=True)
def test_a_remembered_key_records_its_use_only_once_it_holds(
    read_client: APIClient, seeded: World
) -> None:
    assert _answers(read_client) == 200
    key = _key(read_client)
    remembered = key_checks._remembered[key.key_hash]
    long_ago = timezone.now() - HOURS_AGO
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=long_ago)
    remembered.last_used_at = long_ago
    assert _answers(read_client) == 200
    key.refresh_from_db()
    assert key.last_used_at is not None and key.last_used_at > long_ago  # used: recorded

    ApiKey.objects.filter(pk=key.pk).update(last_used_at=long_ago, revoked_at=timezone.now())
    remembered.last_used_at = long_ago
    assert _answers(read_client) == 401
    assert ApiKey.objects.get(pk=key.pk).last_used_at == long_ago  # revoked: never recorded


@pytest.mark.django_db(transaction=True)
def test_a_request_runs_again_once_then_looks_its_key_up(
    read_client: APIClient, seeded: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _answers(read_client) == 200
    key_hash = _key(read_client).key_hash
    stale = key_checks._remembered[key_hash]
    stale.fingerprint = "stale"

    def forget_then_put_back(forgotten: str) -> None:
        # As if another thread put the stale key back as soon as this one forgot it.
        key_checks._remembered[forgotten] = stale

    monkeypatch.setattr(key_checks, "forget", forget_then_put_back)
    assert _answers(read_client) == 200
