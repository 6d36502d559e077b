"""Populated places: reading the cities file, parsing free-text locations, their radius."""

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.boundaries import WGS84
from geo.text import fold

MIN_CITY_RADIUS_M = 3_000.0
# About 3,000 people per km² over the whole urban area.
PEOPLE_PER_SQUARE_METRE = 3_000 / 1_000_000


def city_radius_m(population: float) -> float:
    """Radius of the disc a city's people would fill: how precise 'lives in <city>' is."""
    return max(MIN_CITY_RADIUS_M, math.sqrt(max(population, 0) / PEOPLE_PER_SQUARE_METRE / math.pi))


def read_cities(path: Path, countries_path: Path | None = None) -> gpd.GeoDataFrame:
    """GeoNames cities with a normalised name key and, where known, the country's name."""
    cities = gpd.read_file(path).to_crs(WGS84)
    frame = gpd.GeoDataFrame(
        {
            "geonameid": cities["geonameid"].astype("int64"),
            "name": cities["name"].astype(str),
            "name_key": cities["name"].astype(str).map(fold),
            "country_code": cities["countrycode"].fillna("").astype(str),
            "admin1_code": cities["admin1code"].fillna("").astype(str),
            "population": pd.to_numeric(cities["population"], errors="coerce").fillna(0),
        },
        geometry=cities.geometry.values,
        crs=WGS84,
    )
    frame["country_name"] = ""
    if countries_path is not None:
        countries = gpd.read_file(countries_path, ignore_geometry=True)
        names = dict(zip(countries["iso_a2_eh"], countries["name_en"], strict=False))
        frame["country_name"] = frame["country_code"].map(names).fillna("")
    return frame[frame.geometry.notna() & (frame["name_key"] != "")]


def split_location_text(text: str) -> tuple[str, str]:
    """'Los Angeles, CA' -> ('los angeles', 'ca'); the qualifier may be empty."""
    parts = [p.strip(" .") for p in fold(text).split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""
