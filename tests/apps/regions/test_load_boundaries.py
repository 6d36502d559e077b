from io import StringIO
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from django.core.management import CommandError, call_command
from django.db import connection

from apps.regions.models import BoundaryLayer, Region, RegionPart

pytestmark = pytest.mark.django_db
LAMBERT93 = "EPSG:2154"


def _write(path: Path, records: list[dict], crs: str = "EPSG:4326") -> Path:
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326").to_crs(crs)
    frame.to_file(path, driver="GeoJSON")
    return path


@pytest.fixture
def parent_file(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "parents.geojson",
        [
            {"pcode": "A", "label": "West", "pop": 10, "geometry": shapely.box(0, 45, 1, 46)},
            {"pcode": "B", "label": "East", "pop": 20, "geometry": shapely.box(1, 45, 2, 46)},
        ],
    )


@pytest.fixture
def child_file(tmp_path: Path) -> Path:
    bowtie = shapely.Polygon([(1.2, 45.2), (1.8, 45.8), (1.8, 45.2), (1.2, 45.8), (1.2, 45.2)])
    assert not bowtie.is_valid
    return _write(
        tmp_path / "children.gpkg",
        [
            {
                "ccode": "A1",
                "label": "a one",
                "parent": "A",
                "geometry": shapely.box(0.1, 45.1, 0.9, 45.9),
            },
            {"ccode": "B1", "label": "b one", "parent": "B", "geometry": bowtie},
            {
                "ccode": "X9",
                "label": "orphan",
                "parent": "Z",
                "geometry": shapely.box(5, 45, 6, 46),
            },
        ],
        crs=LAMBERT93,
    )


def _load(path: Path, layer: str, code: str, **extra: str) -> str:
    out = StringIO()
    args = [str(path), f"--layer={layer}", f"--code-field={code}", "--name-field=label"]
    args += [f"--{k.replace('_', '-')}={v}" for k, v in extra.items()]
    call_command("load_boundaries", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_loads_reprojects_repairs_and_links_parents(parent_file: Path, child_file: Path) -> None:
    _load(parent_file, "test-parent", "pcode", population_field="pop")
    output = _load(
        child_file, "test-child", "ccode", parent_layer="test-parent", parent_field="parent"
    )
    assert "3 regions loaded, 2 linked to a parent, 1 not" in output
    children = {r.code: r for r in Region.objects.filter(layer__name="test-child")}
    assert set(children) == {"A1", "B1", "X9"}
    assert children["A1"].parent_id == Region.objects.get(layer__name="test-parent", code="A").pk
    assert children["B1"].parent_id == Region.objects.get(layer__name="test-parent", code="B").pk
    assert children["X9"].parent is None
    # Reprojected from Lambert-93 back to degrees, within a centimetre-ish tolerance.
    assert children["A1"].geom.extent == pytest.approx((0.1, 45.1, 0.9, 45.9), abs=1e-6)
    assert all(r.geom.valid and r.geom.srid == 4326 for r in children.values())
    # The repaired bow-tie keeps both of its triangles.
    assert children["B1"].geom.num_geom == 2
    assert Region.objects.get(layer__name="test-parent", code="B").population == 20


def test_builds_subdivided_parts_with_a_gist_index(parent_file: Path) -> None:
    _load(parent_file, "test-parent", "pcode")
    layer = BoundaryLayer.objects.get(name="test-parent")
    assert RegionPart.objects.filter(layer=layer).count() >= 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'regions_regionpart'")
        indexes = " ".join(row[0] for row in cursor.fetchall())
    assert "USING gist (geom)" in indexes


def test_second_load_is_skipped_and_changes_are_upserted(tmp_path: Path, parent_file: Path) -> None:
    _load(parent_file, "test-parent", "pcode")
    assert "unchanged" in _load(parent_file, "test-parent", "pcode")
    changed = _write(
        tmp_path / "parents2.geojson",
        [
            {"pcode": "A", "label": "West renamed", "geometry": shapely.box(0, 45, 1, 46)},
            {"pcode": "C", "label": "New", "geometry": shapely.box(3, 45, 4, 46)},
        ],
    )
    _load(changed, "test-parent", "pcode")
    regions = dict(Region.objects.filter(layer__name="test-parent").values_list("code", "name"))
    assert regions == {"A": "West renamed", "B": "East", "C": "New"}
    assert Region.objects.filter(layer__name="test-parent").count() == 3


def test_missing_field_is_a_clear_error(parent_file: Path) -> None:
    with pytest.raises(
        CommandError, match="has no field nope; available fields: pcode, label, pop"
    ):
        _load(parent_file, "test-parent", "nope")


def test_duplicate_codes_are_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "dupes.geojson",
        [
            {"c": "A", "label": "one", "geometry": shapely.box(0, 0, 1, 1)},
            {"c": "A", "label": "two", "geometry": shapely.box(1, 0, 2, 1)},
        ],
    )
    with pytest.raises(CommandError, match="codes must be unique"):
        _load(path, "dupes", "c")
    assert not Region.objects.exists()


def test_unknown_parent_layer_is_a_clear_error(parent_file: Path) -> None:
    with pytest.raises(CommandError, match="Parent layer 'nowhere' is not loaded"):
        _load(parent_file, "x", "pcode", parent_layer="nowhere", parent_field="label")
