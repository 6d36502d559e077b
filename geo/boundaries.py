"""Read a boundary file of any format geopandas reads into a clean, uniform GeoDataFrame."""

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

WGS84 = "EPSG:4326"
POLYGONAL = {"Polygon", "MultiPolygon"}
POLYGON, MULTIPOLYGON, COLLECTION = 3, 6, 7


class BoundaryFileError(ValueError):
    """The file cannot be read as boundaries; the message says what to change."""


@dataclass(frozen=True)
class BoundaryFields:
    code: str
    name: str
    population: str | None = None
    parent_code: str | None = None


def read_boundaries(
    path: Path,
    fields: BoundaryFields,
    layer: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """Columns code, name, population, parent_code and valid MultiPolygons in EPSG:4326."""
    if not path.exists():
        raise BoundaryFileError(f"{path} does not exist; pass the path of a boundary file.")
    frame = gpd.read_file(path, layer=layer, bbox=bbox)
    _check_fields(frame, fields, path)
    if frame.crs is None:
        raise BoundaryFileError(f"{path} has no coordinate reference system; set one first.")
    frame = frame.to_crs(WGS84)
    out = gpd.GeoDataFrame(
        {
            "code": frame[fields.code].astype(str).str.strip(),
            "name": frame[fields.name].astype(str).str.strip(),
            "population": _population(frame, fields.population),
            "parent_code": (
                frame[fields.parent_code].astype(str).str.strip() if fields.parent_code else None
            ),
        },
        geometry=as_valid_multipolygons(frame.geometry.values),
        crs=WGS84,
    )
    out = out[~out.geometry.is_empty & out.geometry.notna() & (out["code"] != "")]
    duplicated = out["code"].duplicated(keep=False)
    if duplicated.any():
        codes = ", ".join(sorted(out.loc[duplicated, "code"].unique())[:5])
        raise BoundaryFileError(
            f"{path}: codes must be unique in field '{fields.code}', but {codes} repeat; "
            "pick another --code-field."
        )
    return out.reset_index(drop=True)


def _check_fields(frame: gpd.GeoDataFrame, fields: BoundaryFields, path: Path) -> None:
    wanted = [f for f in (fields.code, fields.name, fields.population, fields.parent_code) if f]
    missing = [f for f in wanted if f not in frame.columns]
    if missing:
        available = ", ".join(c for c in frame.columns if c != "geometry")
        raise BoundaryFileError(
            f"{path} has no field {', '.join(missing)}; available fields: {available}."
        )


def _population(frame: gpd.GeoDataFrame, field: str | None) -> pd.Series:
    if not field:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    values = pd.to_numeric(frame[field], errors="coerce")
    return values.where(values >= 0).round().astype("Int64")


def as_valid_multipolygons(geometries: object) -> gpd.array.GeometryArray:
    """Repair invalid shapes and keep only their polygonal parts, as MultiPolygons (vectorised)."""
    geoms = np.asarray(gpd.GeoSeries(geometries, crs=WGS84).values, dtype=object)
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure")
    type_ids = shapely.get_type_id(geoms)
    polygons = type_ids == POLYGON
    geoms[polygons] = shapely.multipolygons(geoms[polygons], indices=np.arange(polygons.sum()))
    # make_valid can return collections mixing lines and polygons: keep the polygons.
    for i in np.flatnonzero(type_ids == COLLECTION):
        geoms[i] = _polygonal_part(geoms[i])
    other = ~np.isin(shapely.get_type_id(geoms), [MULTIPOLYGON])
    geoms[other] = None
    return gpd.GeoSeries(geoms, crs=WGS84).values


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry | None:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in POLYGONAL]
    if not parts:
        return None
    return shapely.MultiPolygon(list(shapely.get_parts(parts)))
