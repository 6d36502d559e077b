"""The e2e tests' world: real régions and départements, synthetic mentions, a staff login.

Communes would take minutes to load, so the `fr-commune` layer holds the départements again
(each its own parent): the generator places mentions by "commune" population, and every
layer of the dashboard has regions to draw.
"""

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from apps.brands.services import brand_catalogue_load, brand_catalogue_read
from apps.regions.services import boundary_layer_load
from geo.boundaries import BoundaryFields

METROPOLE = (-5.5, 41.0, 10.0, 51.5)
NEIGHBOURS = (-9.0, 40.0, 15.0, 54.0)
MENTIONS = 20_000
SEED = 3
DAYS = 21
END = dt.date(2026, 11, 20)
STAFF = ("staff", "staff-password")


@dataclass(frozen=True)
class World:
    end: dt.date
    days: int
    username: str
    password: str
    # "layer:code" → a (lon, lat) inside that region, to click on
    inside: dict[str, tuple[float, float]]


def _points_inside() -> dict[str, tuple[float, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, ST_X((c).center), ST_Y((c).center) FROM ("
            "SELECT l.name || ':' || r.code AS key, ST_MaximumInscribedCircle(r.geom) AS c "
            "FROM regions_region r JOIN regions_boundarylayer l ON l.id = r.layer_id) AS circles"
        )
        return {key: (lon, lat) for key, lon, lat in cursor.fetchall()}


def world_build() -> World:
    geo = Path(settings.VOXPOP_DATA_DIR) / "geo"
    departements = geo / "france_departements.gpkg"
    boundary_layer_load(geo / "france_regions.gpkg", "fr-region",
                        BoundaryFields("code", "nom", "population"), bbox=METROPOLE)  # fmt: skip
    boundary_layer_load(
        departements, "fr-departement",
        BoundaryFields("code", "nom", "population", parent_code="region_code"),
        parent_layer_name="fr-region", bbox=METROPOLE,
    )  # fmt: skip
    boundary_layer_load(
        departements, "fr-commune",
        BoundaryFields("code", "nom", "population", parent_code="code"),
        parent_layer_name="fr-departement", bbox=METROPOLE,
    )  # fmt: skip
    countries = BoundaryFields("adm0_a3", "name_en", "pop_est")
    boundary_layer_load(geo / "world_countries.gpkg", "country", countries, bbox=NEIGHBOURS)
    catalogue = Path(settings.BASE_DIR) / "data" / "demo" / "brands.yaml"
    brand_catalogue_load(brand_catalogue_read(catalogue))
    call_command(
        "generate_mentions", str(MENTIONS), "--seed", str(SEED), "--days", str(DAYS),
        "--end", END.isoformat(), stdout=io.StringIO(),
    )  # fmt: skip
    with connection.cursor() as cursor:
        # Fresh statistics: without them the planner picks nested loops over the new rows
        # (seconds per figure instead of milliseconds).
        cursor.execute("ANALYZE")
    User.objects.create_superuser(STAFF[0], "staff@example.org", STAFF[1])
    return World(end=END, days=DAYS, username=STAFF[0], password=STAFF[1],
                 inside=_points_inside())  # fmt: skip
