"""The boundary layers `make run` loads from VOXPOP_DATA_DIR/geo, parents before children."""

from dataclasses import dataclass

from geo.boundaries import BoundaryFields


@dataclass(frozen=True)
class DefaultLayer:
    name: str
    filename: str
    fields: BoundaryFields
    parent_layer: str | None = None


DEFAULT_LAYERS = (
    DefaultLayer("fr-region", "france_regions.gpkg", BoundaryFields("code", "nom", "population")),
    DefaultLayer(
        "fr-departement",
        "france_departements.gpkg",
        BoundaryFields("code", "nom", "population", parent_code="region_code"),
        parent_layer="fr-region",
    ),
    DefaultLayer(
        "fr-commune",
        "france_communes.gpkg",
        BoundaryFields("code", "nom", "population", parent_code="departement_code"),
        parent_layer="fr-departement",
    ),
    DefaultLayer(
        "country", "world_countries.gpkg", BoundaryFields("adm0_a3", "name_en", "pop_est")
    ),
)
