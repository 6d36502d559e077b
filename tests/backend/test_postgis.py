"""The database backend skips Django's connection health check only right after an answer."""

from collections.abc import Iterator

import psycopg
import pytest
from django.db import close_old_connections, connection

from backend.postgis import base as postgis

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checks() -> Iterator[list[bool]]:
    """Each health check the connection runs (its `SELECT 1`), with its outcome."""
    original = connection.is_usable
    seen: list[bool] = []

    def is_usable() -> bool:
        seen.append(original())
        return seen[-1]

    connection.is_usable = is_usable  # type: ignore[method-assign]
    yield seen
    del connection.is_usable


def _request_statement() -> int:
    close_old_connections()  # what Django runs as a request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_connection_that_just_answered_is_not_checked(
    checks: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgis, "HEALTH_CHECK_BYPASS_S", 60.0)  # however slow the machine
    first = _request_statement()
    assert _request_statement() == first
    assert checks == []


def test_an_idle_connection_is_checked_and_replaced_when_the_server_dropped_it(
    checks: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _request_statement()
    monkeypatch.setattr(postgis, "HEALTH_CHECK_BYPASS_S", 0.0)  # as if idle past the window
    assert _request_statement() == first
    assert checks == [True]
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, dbname=settings["NAME"],
        user=settings["USER"], password=settings["PASSWORD"], autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("SELECT pg_terminate_backend(%s)", [first])
    replaced = _request_statement()  # no error: the check found it dead and reconnected
    assert replaced != first
    assert checks == [True, False]
