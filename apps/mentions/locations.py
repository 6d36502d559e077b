"""Where a mention is and how precisely: provenance and radius for every way it can be located."""

from typing import NamedTuple

from apps.mentions.models import LocationProvenance as P
from apps.mentions.schemas import MentionIn
from apps.regions.models import City
from geo.places import city_radius_m

# Radius assumed when the client sends none, per provenance (metres).
DEFAULT_PRECISION_M: dict[str, float] = {
    P.GPS: 50.0,
    P.PLACE: 50.0,
    P.TEXT: 5_000.0,
    P.PROFILE: 10_000.0,
    P.COUNTRY: 500_000.0,
}


class ResolvedLocation(NamedTuple):
    lon: float | None
    lat: float | None
    precision_m: float | None
    provenance: str  # a LocationProvenance value


UNLOCATED = ResolvedLocation(None, None, None, P.NONE.value)
# Plain strings and floats: resolving runs for every ingested item.
_GPS, _PLACE, _PROFILE = P.GPS.value, P.PLACE.value, P.PROFILE.value


def resolve_location(
    item: MentionIn, place_point: tuple[float, float] | None, city: City | None
) -> ResolvedLocation:
    """A sent point wins; then the place's point; then the profile city; else no location."""
    if item.lat is not None and item.lon is not None:
        provenance = item.location_source or _GPS
        precision = item.accuracy_m
        if precision is None:
            precision = DEFAULT_PRECISION_M[provenance]
        return ResolvedLocation(item.lon, item.lat, precision, provenance)
    if place_point is not None:
        precision = item.accuracy_m if item.accuracy_m is not None else DEFAULT_PRECISION_M[_PLACE]
        return ResolvedLocation(place_point[0], place_point[1], precision, _PLACE)
    if city is not None:
        radius = city_radius_m(city.population)
        return ResolvedLocation(city.point.x, city.point.y, radius, _PROFILE)
    return UNLOCATED
