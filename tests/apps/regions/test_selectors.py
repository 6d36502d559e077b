import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.regions import selectors
from apps.regions.models import Region
from tests.factories import BoundaryLayerFactory, RegionFactory, square

pytestmark = pytest.mark.django_db


def _labels_counting_queries(ids: list[int]) -> tuple[dict[int, tuple[str, str]], int]:
    with CaptureQueriesContext(connection) as queries:
        labels = selectors.region_labels(ids)
    return labels, len(queries)


def test_region_labels_are_read_once_then_only_for_new_ids() -> None:
    layer: Any = BoundaryLayerFactory.create(name="labels")
    first = RegionFactory.create(layer=layer, code="A", name="Alpha", geom=square(1.0, 47.0, 0.5))
    second = RegionFactory.create(layer=layer, code="B", name="Beta", geom=square(3.0, 47.0, 0.5))
    assert _labels_counting_queries([first.pk]) == ({first.pk: ("A", "Alpha")}, 1)
    assert _labels_counting_queries([first.pk]) == ({first.pk: ("A", "Alpha")}, 0)
    labels, queries = _labels_counting_queries([first.pk, second.pk, -1])
    assert labels == {first.pk: ("A", "Alpha"), second.pk: ("B", "Beta")} and queries == 1


def test_a_renamed_region_shows_its_new_name_once_the_cache_expires() -> None:
    layer: Any = BoundaryLayerFactory.create(name="renamed")
    region = RegionFactory.create(layer=layer, code="R", name="Old", geom=square(1.0, 47.0, 0.5))
    assert selectors.region_labels([region.pk]) == {region.pk: ("R", "Old")}
    Region.objects.filter(pk=region.pk).update(name="New")
    selectors._region_labels.expire(time.monotonic() + selectors.REGION_LABELS_TTL_S + 1)
    assert selectors.region_labels([region.pk]) == {region.pk: ("R", "New")}
