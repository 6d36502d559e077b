import numpy as np
import shapely

from geo.boundaries import as_valid_multipolygons


def test_every_output_is_a_valid_multipolygon() -> None:
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    square = shapely.box(0, 0, 1, 1)
    multi = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)])
    out = as_valid_multipolygons(np.array([bowtie, square, multi, None], dtype=object))
    kinds = [None if g is None else g.geom_type for g in out]
    assert kinds == ["MultiPolygon", "MultiPolygon", "MultiPolygon", None]
    assert all(g.is_valid for g in out[:3])
    assert out[0].area == 0.5


def test_lines_alone_are_dropped() -> None:
    line_like = shapely.Polygon([(0, 0), (1, 1), (2, 2), (0, 0)])
    assert as_valid_multipolygons(np.array([line_like], dtype=object))[0] is None
