"""Region reads assume the layer id and pending days their process last read, and check them in
their own statement: one round trip fewer, and never a stale answer when either changed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.insights.models import DirtyRollupDay, UnitDayRollup
from apps.insights.selectors import spatial
from apps.regions.models import BoundaryLayer
from tests.insights_world import DAY, EAST, WEST, Seeder, World

PATHS = [
    ("regions/", {"layer": "fr-region", "geometry": "false"}),
    ("share-of-voice/", {"layer": "fr-region"}),
]


@pytest.fixture(autouse=True)
def _forgotten() -> None:
    spatial._layer_ids.clear()
    spatial._pending_days.clear()


def _west(client: APIClient, path: str, params: dict) -> int:
    """Alpha's mentions in region W, as the endpoint answers them."""
    body = client.get(f"/api/v1/insights/{path}", params).json()
    if path == "regions/":
        return {f["id"]: f for f in body["features"]}["W"]["properties"]["brands"]["alpha"][
            "mentions"
        ]
    west = {r["region"]: r for r in body["regions"]}["W"]
    return west["brands"]["alpha"]["shares"]["alpha"]["mentions"]


@pytest.fixture
def seeded(world: World, seed: Seeder) -> World:
    seed(world.alpha, 12, WEST)
    seed(world.beta, 11, WEST)
    seed(world.alpha, 13, EAST)
    return world


@pytest.mark.parametrize(("path", "params"), PATHS)
def test_a_second_read_asks_nothing_before_its_own_statement(
    read_client: APIClient, seeded: World, path: str, params: dict
) -> None:
    assert _west(read_client, path, params) == 12
    with CaptureQueriesContext(connection) as queries:
        assert _west(read_client, path, params) == 12
    # In the test's transaction, the statement settings go in a savepoint of their own.
    statements = [
        q["sql"] for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SELECT set_config"))
    ]  # fmt: skip
    # The read itself, no statement for the layer on its own; then the key (with its brands):
    # in the test's transaction the read cannot carry the key's check (`key_checks`).
    assert len(statements) == 2, statements
    assert "regions_boundarylayer" in statements[0]
    assert "partners_apikey" in statements[1]


@pytest.mark.parametrize(("path", "params"), PATHS)
def test_a_remembered_id_of_another_layer_is_found_out(
    read_client: APIClient, seeded: World, path: str, params: dict
) -> None:
    assert _west(read_client, path, params) == 12
    spatial._layer_ids["fr-region"] = BoundaryLayer.objects.get(name="fr-commune").pk
    assert _west(read_client, path, params) == 12
    assert spatial._layer_ids["fr-region"] == BoundaryLayer.objects.get(name="fr-region").pk


@pytest.mark.parametrize(("path", "params"), PATHS)
def test_a_remembered_id_of_a_removed_layer_with_a_pending_day_is_found_out(
    read_client: APIClient, seeded: World, path: str, params: dict
) -> None:
    assert _west(read_client, path, params) == 12
    # A pending day makes the read compute atoms of the layer it assumes, which is gone.
    spatial._layer_ids["fr-region"] = BoundaryLayer.objects.order_by("-pk")[0].pk + 100
    spatial._pending_days.add(DAY.date())
    assert _west(read_client, path, params) == 12


@pytest.mark.parametrize(("path", "params"), PATHS)
def test_pending_days_that_changed_since_they_were_read_are_found_out(
    read_client: APIClient, seeded: World, path: str, params: dict
) -> None:
    assert _west(read_client, path, params) == 12
    # Rollups altered, so that an answer read from them shows it.
    UnitDayRollup.objects.filter(level__startswith="region:", brand=seeded.alpha).update(
        mentions=99
    )
    assert _west(read_client, path, params) == 99
    # The day becomes pending after the process last asked: it is read from the mentions.
    DirtyRollupDay.objects.create(day=DAY.date(), marked_at=DAY)
    assert _west(read_client, path, params) == 12
    assert spatial._pending_days == {DAY.date()}
    # Its refresh done, the process still remembers it pending: the check finds it is not.
    DirtyRollupDay.objects.all().delete()
    assert _west(read_client, path, params) == 99
    assert spatial._pending_days == set()


def test_pending_days_outside_a_query_are_neither_assumed_nor_forgotten(
    read_client: APIClient, seeded: World
) -> None:
    path, params = PATHS[0]
    later = (DAY + dt.timedelta(days=5)).date()
    spatial._pending_days.add(later)
    before = params | {"to": (DAY + dt.timedelta(days=1)).date().isoformat() + "T00:00:00Z"}
    assert _west(read_client, path, before) == 12
    assert spatial._pending_days == {later}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("path", "params"), PATHS)
def test_outside_a_transaction_the_check_travels_after_the_statement_settings(
    read_client: APIClient, seeded: World, path: str, params: dict
) -> None:
    # No caller's transaction: each statement goes after its settings in one message, the
    # check part with it (the other tests run in a transaction, where a savepoint holds them).
    assert not connection.in_atomic_block
    assert _west(read_client, path, params) == 12
    with CaptureQueriesContext(connection) as queries:
        assert _west(read_client, path, params) == 12
    sent = [q["sql"] for q in queries.captured_queries]
    # One message: the settings with the key's check (`key_checks`), then the read with its own.
    assert len(sent) == 1, sent
    assert sent[0].startswith("SELECT set_config") and "api_key_fingerprint(" in sent[0]
    assert "regions_boundarylayer" in sent[0]
    DirtyRollupDay.objects.create(day=DAY.date(), marked_at=DAY)
    UnitDayRollup.objects.filter(level__startswith="region:", brand=seeded.alpha).update(
        mentions=99
    )
    assert _west(read_client, path, params) == 12  # the pending day, from the mentions
