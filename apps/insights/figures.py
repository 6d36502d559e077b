"""Figures of a unit from its counts: net sentiment with a 95% interval, share of voice."""

import math
from collections.abc import Iterable
from typing import Any

Z_95 = 1.959964


def net_sentiment(positive: int, neutral: int, negative: int) -> dict[str, Any]:
    """(pos - neg) / n, and a 95% interval from a Dirichlet(1, 1, 1) posterior.

    The posterior mean of p₊ - p₋ and its variance are exact for the Dirichlet; the interval is
    mean ± 1.96 sd, clipped to [-1, 1]. With few mentions it widens and pulls towards 0 instead
    of claiming ±1 from a handful of texts.
    """
    n = positive + neutral + negative
    if n == 0:
        return {"net_sentiment": None, "interval": None}
    a_pos, a_neg = positive + 1, negative + 1
    a_total = n + 3
    mean = (a_pos - a_neg) / a_total
    variance = (a_pos * (a_total - a_pos) + a_neg * (a_total - a_neg) + 2 * a_pos * a_neg) / (
        a_total**2 * (a_total + 1)
    )
    half = Z_95 * math.sqrt(variance)
    return {
        "net_sentiment": round((positive - negative) / n, 4),
        "interval": [round(max(-1.0, mean - half), 4), round(min(1.0, mean + half), 4)],
    }


def brand_figures(row: dict[str, Any]) -> dict[str, Any]:
    """Counts and sentiment of one brand in one unit, or a bare `suppressed` marker."""
    if not row["mentions"]:
        return {"suppressed": True}
    figures = {
        "suppressed": False,
        "mentions": row["mentions"],
        "authors": row["authors"],
        "positive": row["positive"],
        "neutral": row["neutral"],
        "negative": row["negative"],
    }
    return figures | net_sentiment(row["positive"], row["neutral"], row["negative"])


def figures_by_unit(
    rows: Iterable[dict[str, Any]],
    brand_slugs: dict[int, str],
    focus_ids: Iterable[int],
    competitors: dict[int, set[int]],
) -> dict[Any, dict[str, dict[str, Any]]]:
    """unit → brand slug → figures, for the focus brands, each with its share of voice.

    Share of voice is the brand's mentions over those of the brand and its competitors in the
    same unit, all from kept atoms; it is absent when the brand is suppressed there.
    """
    counts: dict[Any, dict[int, dict[str, Any]]] = {}
    for row in rows:
        by_brand = counts.get(row["unit"])
        if by_brand is None:
            counts[row["unit"]] = {row["brand_id"]: row}
        else:
            by_brand[row["brand_id"]] = row
    focus = [(brand_id, brand_slugs[brand_id]) for brand_id in focus_ids]
    result: dict[Any, dict[str, dict[str, Any]]] = {}
    for unit, by_brand in counts.items():
        per_brand = {}
        for brand_id, slug in focus:
            counted = by_brand.get(brand_id)
            if counted is None:
                continue
            figures = brand_figures(counted)
            if not figures["suppressed"]:
                figures["share_of_voice"] = _share(brand_id, by_brand, competitors)
            per_brand[slug] = figures
        if per_brand:
            result[unit] = per_brand
    return result


def _share(
    brand_id: int, by_brand: dict[int, dict[str, Any]], competitors: dict[int, set[int]]
) -> float | None:
    rivals = competitors.get(brand_id, set())
    if not rivals:
        return None
    total = sum(by_brand[b]["mentions"] for b in rivals | {brand_id} if b in by_brand)
    return round(by_brand[brand_id]["mentions"] / total, 4) if total else None


def is_suppressed(per_brand: dict[str, dict[str, Any]]) -> bool:
    return all(figures["suppressed"] for figures in per_brand.values())
