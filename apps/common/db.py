import io

import pandas as pd
from django.contrib.gis.db.models.functions import GeomOutputGeoFunc
from django.db import connection


class SimplifyPreserveTopology(GeomOutputGeoFunc):
    """ST_SimplifyPreserveTopology: simplification that never yields invalid polygons."""

    function = "ST_SimplifyPreserveTopology"
    arity = 2


class Multi(GeomOutputGeoFunc):
    """ST_Multi: simplification can collapse a one-part MultiPolygon into a Polygon."""

    function = "ST_Multi"
    arity = 1


def copy_frame_to_temp_table(table: str, columns_ddl: str, frame: pd.DataFrame) -> None:
    """Load a DataFrame into a fresh temporary table (dropped at commit) through COPY."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TABLE IF EXISTS {table}; "
            f"CREATE TEMP TABLE {table} ({columns_ddl}) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
