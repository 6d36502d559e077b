"""Where a mention is and how precisely: provenance and radius for every way it can be located."""

from dataclasses import dataclass

from apps.mentions.models import LocationProvenance as P
from apps.mentions.schemas import MentionIn
from apps.regions.models import City
from geo.places import city_radius_m

# Radius assumed when the client sends none, per provenance (metres).
DEFAULT_PRECISION_M = {
    P.GPS: 50.0,
    P.PLACE: 50.0,
    P.TEXT: 5_000.0,
    P.PROFILE: 10_000.0,
    P.COUNTRY: 500_000.0,
}


@dataclass(frozen=True)
class ResolvedLocation:
    lon: float | None
    lat: float | None
    precision_m: float | None
    provenance: str


UNLOCATED = ResolvedLocation(None, None, None, P.NONE)


def resolve_location(
    item: MentionIn, place_point: tuple[float, float] | None, city: City | None
) -> ResolvedLocation:
    """A sent point wins; then the place's point; then the profile city; else no location."""
    if item.lat is not None and item.lon is not None:
        provenance = P(item.location_source) if item.location_source else P.GPS
        precision = (
            item.accuracy_m if item.accuracy_m is not None else DEFAULT_PRECISION_M[provenance]
        )
        return ResolvedLocation(item.lon, item.lat, precision, provenance)
    if place_point is not None:
        precision = item.accuracy_m if item.accuracy_m is not None else DEFAULT_PRECISION_M[P.PLACE]
        return ResolvedLocation(place_point[0], place_point[1], precision, P.PLACE)
    if city is not None:
        return ResolvedLocation(
            city.point.x, city.point.y, city_radius_m(city.population), P.PROFILE
        )
    return UNLOCATED
