"""Where synthetic mentions are: communes by population, points inside them, precisions."""

from dataclasses import dataclass

import numpy as np
import shapely

# Share of each way a mention is located; a brand without places falls back to gps.
PROVENANCE_SHARES = {"gps": 0.55, "place": 0.15, "profile": 0.20, "country": 0.10}
GPS_ACCURACY_M = (5.0, 60.0)
GPS_MEDIAN_M = 15.0
# Authors: about four mentions each on average, lognormal activity (a few post a lot), each
# with a home commune that most of their mentions come from.
MENTIONS_PER_AUTHOR = 4
AUTHOR_ACTIVITY_SIGMA = 1.2
AWAY_FROM_HOME = 0.3
MAX_REJECTION_ROUNDS = 60
SOURCE_SHARES = {
    "gps": {"post": 0.55, "checkin": 0.20, "tip": 0.10, "app_review": 0.15},
    "place": {"checkin": 0.40, "store_review": 0.40, "tip": 0.20},
    "profile": {"post": 0.70, "app_review": 0.15, "survey": 0.15},
    "country": {"post": 0.50, "app_review": 0.30, "survey": 0.20},
}


@dataclass(frozen=True)
class Communes:
    """Aligned arrays, one row per commune with people."""

    codes: np.ndarray
    population: np.ndarray
    zones: np.ndarray  # the région (or other grouping) whose brand mix applies
    geoms: np.ndarray  # shapely (multi)polygons
    profile_xy: np.ndarray  # (n, 2): the city its people name in their profiles
    profile_radius_m: np.ndarray

    @property
    def weights(self) -> np.ndarray:
        return self.population / self.population.sum()


@dataclass(frozen=True)
class Located:
    lon: np.ndarray
    lat: np.ndarray
    precision_m: np.ndarray
    provenance: np.ndarray
    place_id: np.ndarray  # -1 where none


def draw_authors(
    rng: np.random.Generator, n: int, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Author index and commune index of each mention; communes stay ∝ population."""
    n_authors = max(1, n // MENTIONS_PER_AUTHOR)
    activity = rng.lognormal(0.0, AUTHOR_ACTIVITY_SIGMA, n_authors)
    author = rng.choice(n_authors, size=n, p=activity / activity.sum())
    home = rng.choice(len(weights), size=n_authors, p=weights)
    away = rng.random(n) < AWAY_FROM_HOME
    commune = np.where(away, rng.choice(len(weights), size=n, p=weights), home[author])
    return author, commune


def points_in(rng: np.random.Generator, geoms: np.ndarray, which: np.ndarray) -> np.ndarray:
    """(n, 2) uniform random points inside geoms[which]: bounding-box draws, rejected outside."""
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    xy = np.empty((len(which), 2))
    pending = np.arange(len(which))
    for _ in range(MAX_REJECTION_ROUNDS):
        if not pending.size:
            break
        box = bounds[which[pending]]
        x = box[:, 0] + rng.random(len(pending)) * (box[:, 2] - box[:, 0])
        y = box[:, 1] + rng.random(len(pending)) * (box[:, 3] - box[:, 1])
        inside = shapely.contains_xy(geoms[which[pending]], x, y)
        xy[pending[inside]] = np.column_stack([x[inside], y[inside]])
        pending = pending[~inside]
    if pending.size:  # slivers: a point known to be inside
        surface = shapely.point_on_surface(geoms[which[pending]])
        xy[pending] = shapely.get_coordinates(surface)
    return xy


def draw_provenance(rng: np.random.Generator, n: int, has_places: np.ndarray) -> np.ndarray:
    """Provenance of each mention; `has_places` (per mention) allows 'place'."""
    names = np.array(list(PROVENANCE_SHARES))
    shares = np.array(list(PROVENANCE_SHARES.values()))
    provenance = names[rng.choice(len(names), size=n, p=shares / shares.sum())]
    provenance[(provenance == "place") & ~has_places] = "gps"
    return provenance


def nearest_places(
    xy: np.ndarray, brand: np.ndarray, places: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """The nearest place of each mention's brand: (place ids, (n, 2) points); -1 if none."""
    ids = np.full(len(xy), -1, dtype=np.int64)
    points = np.full((len(xy), 2), np.nan)
    for b, (place_ids, place_xy) in enumerate(places):
        rows = np.flatnonzero(brand == b)
        if not len(place_ids) or not rows.size:
            continue
        scale = np.cos(np.radians(xy[rows, 1]))[:, None]
        dx = (xy[rows, 0][:, None] - place_xy[None, :, 0]) * scale
        dy = xy[rows, 1][:, None] - place_xy[None, :, 1]
        nearest = np.argmin(dx**2 + dy**2, axis=1)
        ids[rows], points[rows] = place_ids[nearest], place_xy[nearest]
    return ids, points


def locate(
    rng: np.random.Generator,
    communes: Communes,
    commune_xy: tuple[np.ndarray, np.ndarray],
    *,
    provenance: np.ndarray,
    place: tuple[np.ndarray, np.ndarray],
    fixed: tuple[tuple[float, float], float, float],
) -> Located:
    """Point and radius of each mention by provenance, from its commune and the point drawn in
    it. `place` is (place ids, points) per mention; `fixed` is (country point, country radius,
    place radius)."""
    (country_xy, country_radius, place_radius), place_id = fixed, place[0]
    commune, xy = commune_xy[0], commune_xy[1].copy()
    accuracy = rng.lognormal(np.log(GPS_MEDIAN_M), 0.7, len(commune))
    precision = np.clip(np.round(accuracy, 1), *GPS_ACCURACY_M)
    at_place, profile, country = (provenance == p for p in ("place", "profile", "country"))
    xy[at_place], precision[at_place] = place[1][at_place], place_radius
    xy[profile] = communes.profile_xy[commune[profile]]
    precision[profile] = communes.profile_radius_m[commune[profile]]
    xy[country], precision[country] = country_xy, country_radius
    place_id = np.where(at_place, place_id, -1)
    return Located(xy[:, 0], xy[:, 1], precision, provenance, place_id)


def draw_sources(rng: np.random.Generator, provenance: np.ndarray) -> np.ndarray:
    """Source of each mention, by its provenance (check-ins and store reviews at places)."""
    sources = np.empty(len(provenance), dtype=object)
    for kind, shares in SOURCE_SHARES.items():
        rows = np.flatnonzero(provenance == kind)
        names, p = np.array(list(shares)), np.array(list(shares.values()))
        sources[rows] = names[rng.choice(len(names), size=rows.size, p=p / p.sum())]
    return sources
