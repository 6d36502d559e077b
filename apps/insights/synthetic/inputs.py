"""What a synthetic plan draws from, read from the database and the labelled corpus."""

from pathlib import Path

import numpy as np
import shapely
from django.conf import settings
from django.db import connection

from apps.brands.models import Brand
from apps.insights.synthetic.plan import BrandSpec
from apps.insights.synthetic.space import Communes
from apps.insights.synthetic.texts import BrandWords, Corpus, read_corpus
from geo.places import city_radius_m

COMMUNE_LAYER = "fr-commune"
# How far from a commune its people's profile city may be (degrees, about 25-35 km).
PROFILE_CITY_REACH = 0.3
PROFILE_COUNTRY_CODE = "FR"

# Communes with people, with the zone whose brand mix applies (the topmost of the commune,
# its parent and grandparent: the région for fr-commune) and the nearest French city of the
# cities layer as the place their profiles name, else the commune itself.
COMMUNES_SQL = """
WITH commune AS (
    SELECT c.id, c.code, c.population, c.geom, ST_PointOnSurface(c.geom) AS centre,
           coalesce(gp.code, p.code, c.code) AS zone
    FROM regions_region c
    JOIN regions_boundarylayer l ON l.id = c.layer_id AND l.name = %(layer)s
    LEFT JOIN regions_region p ON p.id = c.parent_id
    LEFT JOIN regions_region gp ON gp.id = p.parent_id
    WHERE c.population > 0
)
SELECT c.code, c.population, c.zone, ST_AsBinary(c.geom),
       ST_X(coalesce(city.point, c.centre)), ST_Y(coalesce(city.point, c.centre)),
       coalesce(city.population, c.population)
FROM commune c
LEFT JOIN LATERAL (
    SELECT ci.point, ci.population FROM regions_city ci
    WHERE ci.country_code = %(country)s AND ST_DWithin(ci.point, c.centre, %(reach)s)
    ORDER BY ci.point <-> c.centre
    LIMIT 1
) city ON true
ORDER BY c.code
"""


class GenerationError(ValueError):
    """Synthetic mentions cannot be generated; the message says what is missing."""


def communes_load(layer: str = COMMUNE_LAYER) -> Communes:
    with connection.cursor() as cursor:
        cursor.execute(
            COMMUNES_SQL,
            {"layer": layer, "country": PROFILE_COUNTRY_CODE, "reach": PROFILE_CITY_REACH},
        )
        rows = cursor.fetchall()
    if not rows:
        raise GenerationError(
            f"No {layer} regions with a population: run `manage.py load_default_data` first."
        )
    codes, population, zones, wkb, lon, lat, profile_population = zip(*rows, strict=True)
    return Communes(
        codes=np.array(codes, dtype=object),
        population=np.array(population, dtype=np.float64),
        zones=np.array(zones, dtype=object),
        geoms=shapely.from_wkb([bytes(g) for g in wkb]),
        profile_xy=np.column_stack([lon, lat]).astype(np.float64),
        profile_radius_m=np.array([city_radius_m(p) for p in profile_population]),
    )


def brands_load(slugs: list[str] | None = None) -> list[BrandSpec]:
    """The brands named (every brand when none is), ordered by slug, with their places."""
    brands = Brand.objects.order_by("slug").prefetch_related("places")
    if slugs:
        brands = brands.filter(slug__in=slugs)
    found = list(brands)
    missing = sorted(set(slugs or []) - {b.slug for b in found})
    if missing:
        raise GenerationError(f"Unknown brands: {', '.join(missing)}.")
    if not found:
        raise GenerationError("No brands: load a catalogue first (`manage.py load_brands`).")
    return [_spec(brand) for brand in found]


def _spec(brand: Brand) -> BrandSpec:
    places = sorted(brand.places.all(), key=lambda p: p.external_id)
    aliases = {str(k): [str(a) for a in v] for k, v in (brand.aliases or {}).items() if v}
    return BrandSpec(
        id=brand.pk,
        slug=brand.slug,
        words=BrandWords(brand.name, aliases, tuple(brand.hashtags)),
        place_ids=np.array([p.pk for p in places], dtype=np.int64),
        place_xy=np.array([[p.point.x, p.point.y] for p in places], dtype=np.float64).reshape(
            -1, 2
        ),
    )


def corpus_path() -> Path:
    return Path(settings.VOXPOP_DATA_DIR) / "opinion" / "train.jsonl"


def corpus_load(path: Path | None = None) -> Corpus:
    path = path or corpus_path()
    if not path.is_file():
        raise GenerationError(f"{path} is missing: set VOXPOP_DATA_DIR to the shared data folder.")
    return read_corpus(path)
