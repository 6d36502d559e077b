"""A brand's places ranked by the sentiment of the mentions around them."""

from typing import Any

from apps.insights.aggregates import UnitSpec, brand_unit, k_threshold, unit_counts
from apps.insights.figures import brand_figures
from apps.insights.filters import InsightFilter
from apps.insights.selectors.scope import BrandScope
from apps.insights.sql import fetch_dicts, insight_cursor
from geo.distance import METRES_PER_DEGREE_AT_60


def place_unit(radius_m: float) -> UnitSpec:
    return UnitSpec(
        expression="p.id",
        join=(
            "JOIN brands_place p ON p.brand_id = mb.brand_id AND p.brand_id = ANY(%(brand_ids)s) "
            "AND m.location && ST_Expand(p.point, %(place_radius_deg)s) "
            "AND ST_DWithin(m.location::geography, p.point::geography, %(place_radius_m)s) "
            "AND m.precision_m <= %(place_radius_m)s"
        ),
        params=(
            ("place_radius_m", radius_m),
            ("place_radius_deg", radius_m / METRES_PER_DEGREE_AT_60),
        ),
    )


def place_rankings(query: InsightFilter, scope: BrandScope, radius_m: float) -> dict[str, Any]:
    with insight_cursor() as cursor:
        around = unit_counts(cursor, query, place_unit(radius_m))
        overall = unit_counts(cursor, query, brand_unit())
        places = fetch_dicts(
            cursor,
            "SELECT id, brand_id, external_id, name, address, ST_Y(point) AS lat, "
            "ST_X(point) AS lon FROM brands_place WHERE brand_id = ANY(%(ids)s)",
            {"ids": list(scope.focus_ids)},
        )
    counts = {row["unit"]: row for row in around}
    brand_totals = {row["brand_id"]: brand_figures(row) for row in overall}
    ranked = [
        _place_entry(place, counts.get(place["id"]), brand_totals.get(place["brand_id"], {}), scope)
        for place in places
    ]
    ranked.sort(key=_rank_key)
    return {
        "radius_m": radius_m,
        "min_authors": k_threshold(),
        "brands": {
            scope.slugs[b]: brand_totals.get(b, {"suppressed": True}) for b in scope.focus_ids
        },
        "places": ranked,
    }


def _place_entry(
    place: dict[str, Any], row: dict[str, Any] | None, brand: dict[str, Any], scope: BrandScope
) -> dict:
    """A place's figures and, where both exist, its net sentiment minus its brand's."""
    figures = brand_figures(row) if row else {"suppressed": False, "mentions": 0}
    net, brand_net = figures.get("net_sentiment"), brand.get("net_sentiment")
    if net is not None and brand_net is not None:
        figures["vs_brand"] = round(net - brand_net, 4)
    return {
        "external_id": place["external_id"],
        "brand": scope.slugs[place["brand_id"]],
        "name": place["name"],
        "address": place["address"],
        "location": [round(place["lon"], 6), round(place["lat"], 6)],
        **figures,
    }


def _rank_key(entry: dict[str, Any]) -> tuple[int, float]:
    """Best net sentiment first; places without figures (suppressed or silent) last."""
    net = entry.get("net_sentiment")
    return (1, 0.0) if net is None else (0, -net)
