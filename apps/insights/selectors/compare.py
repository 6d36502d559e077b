"""Two periods or two brands side by side on any figure, with per-unit differences."""

from collections.abc import Callable
from typing import Any

from rest_framework.exceptions import ValidationError

from apps.brands.models import Brand
from apps.insights.filters import InsightFilter
from apps.insights.selectors import hotspots, places, spatial, temporal
from apps.insights.selectors.scope import BrandScope, brand_scope

Figure = Callable[[InsightFilter, BrandScope], dict[str, Any]]


def figure_reader(name: str, options: dict[str, Any]) -> Figure:
    """The figure's selector; `options` are validated by the figure's own parameters."""
    readers: dict[str, Figure] = {
        "regions": lambda q, s: spatial.region_figures(
            q, s, options["layer"], options["zoom"], geometry=False
        ),
        # Its features are read for the differences: as dicts, not JSON already written.
        "h3": lambda q, s: spatial.h3_figures(q, s, options["res"], serialised=False),
        "timeseries": lambda q, s: temporal.timeseries(q, s, options["interval"]),
        "share-of-voice": lambda q, s: spatial.share_of_voice(q, s, options["layer"]),
        "places": lambda q, s: places.place_rankings(q, s, options["radius_m"]),
        "hotspots": lambda q, s: hotspots.hotspots(q, s, options.get("res"), options.get("layer")),
    }
    return readers[name]


def compare_periods(
    query: InsightFilter, scope: BrandScope, figure: Figure, periods: dict[str, Any]
) -> dict[str, Any]:
    a = figure(query.with_period(periods.get("a_from"), periods.get("a_to")), scope)
    b = figure(query.with_period(periods.get("b_from"), periods.get("b_to")), scope)
    return {"a": a, "b": b, "differences": _differences(a, b)}


def compare_brands(
    query: InsightFilter, entitled: dict[str, Brand], figure: Figure, slugs: tuple[str, str]
) -> dict[str, Any]:
    sides = []
    for slug in slugs:
        if slug not in entitled:
            raise ValidationError({"brand": f"Unknown brand {slug!r} for this key."})
        brand_id = entitled[slug].pk
        sides.append(figure(query.with_brands((brand_id,)), brand_scope((brand_id,), entitled)))
    return {"a": sides[0], "b": sides[1]}


def _differences(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """b - a of mentions and net sentiment per unit and brand, where neither side is suppressed."""
    left, right = _unit_brand_figures(a), _unit_brand_figures(b)
    differences = []
    for key in sorted(set(left) & set(right)):
        before, after = left[key], right[key]
        if before.get("suppressed") or after.get("suppressed"):
            continue
        differences.append({
            "unit": key[0], "brand": key[1],
            "mentions": after["mentions"] - before["mentions"],
            "net_sentiment": round(after["net_sentiment"] - before["net_sentiment"], 4),
        })  # fmt: skip
    return differences


def _unit_brand_figures(result: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    figures: dict[tuple[str, str], dict[str, Any]] = {}
    for feature in result.get("features", []):
        for slug, values in feature["properties"]["brands"].items():
            figures[(str(feature["id"]), slug)] = values
    for slug, buckets in result.get("series", {}).items():
        for bucket in buckets:
            figures[(bucket["bucket"], slug)] = bucket
    return figures
