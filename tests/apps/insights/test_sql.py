"""Insights statements run under the insights timeout, each on its own: no transaction."""

import pytest
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.test import override_settings

from apps.insights.sql import InsightTimeout, insight_cursor
from apps.regions.models import BoundaryLayer
from tests.factories import BoundaryLayerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _setting(cursor: CursorWrapper, name: str) -> str:
    cursor.execute(f"SELECT current_setting('{name}')")
    return str(cursor.fetchone()[0])


@override_settings(INSIGHTS_STATEMENT_TIMEOUT_MS=1234)
def test_every_statement_in_the_block_runs_under_the_timeout_without_jit() -> None:
    BoundaryLayerFactory.create(name="l")
    with insight_cursor() as cursor:
        assert _setting(cursor, "statement_timeout") == "1234ms"
        assert _setting(cursor, "jit") == "off"
        # Statements of other cursors in the block too (lookups that open their own).
        with connection.cursor() as other:
            assert _setting(other, "statement_timeout") == "1234ms"
        assert connection.get_autocommit()  # no transaction opened for the read
        # A server-side cursor (an ORM iterator) is declared without the settings, and works.
        assert list(BoundaryLayer.objects.values_list("name", flat=True).iterator(1)) == ["l"]


@override_settings(INSIGHTS_STATEMENT_TIMEOUT_MS=1234)
def test_the_settings_end_with_each_statement_and_with_the_block() -> None:
    with connection.cursor() as cursor:
        before = _setting(cursor, "statement_timeout")
    with insight_cursor() as cursor:
        cursor.execute("SELECT 1")
        # Straight to the driver, past Django's wrappers: a statement sent without them.
        raw = connection.connection.execute("SELECT current_setting('statement_timeout')")
        assert raw.fetchone()[0] == before
    with connection.cursor() as cursor:
        assert _setting(cursor, "statement_timeout") == before


@override_settings(INSIGHTS_STATEMENT_TIMEOUT_MS=200)
def test_a_statement_past_the_timeout_raises_insight_timeout() -> None:
    with pytest.raises(InsightTimeout), insight_cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    with connection.cursor() as cursor:  # the connection is usable afterwards
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_batch_is_refused() -> None:
    with pytest.raises(ValueError, match="single statements"), insight_cursor() as cursor:
        cursor.executemany("SELECT %s", [(1,), (2,)])


@override_settings(INSIGHTS_STATEMENT_TIMEOUT_MS=200)
def test_inside_a_callers_transaction_a_timeout_leaves_it_usable() -> None:
    with transaction.atomic():
        BoundaryLayerFactory.create(name="kept")
        with pytest.raises(InsightTimeout), insight_cursor() as cursor:
            assert _setting(cursor, "statement_timeout") == "200ms"
            cursor.execute("SELECT pg_sleep(2)")
        assert BoundaryLayer.objects.filter(name="kept").exists()  # not aborted
    assert BoundaryLayer.objects.filter(name="kept").exists()  # and committed
