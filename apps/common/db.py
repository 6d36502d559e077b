from django.contrib.gis.db.models.functions import GeomOutputGeoFunc


class SimplifyPreserveTopology(GeomOutputGeoFunc):
    """ST_SimplifyPreserveTopology: simplification that never yields invalid polygons."""

    function = "ST_SimplifyPreserveTopology"
    arity = 2


class Multi(GeomOutputGeoFunc):
    """ST_Multi: simplification can collapse a one-part MultiPolygon into a Polygon."""

    function = "ST_Multi"
    arity = 1
