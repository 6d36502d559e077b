"""The patterns planted in synthetic mentions, and the sentiment they give each mention."""

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from geo.distance import haversine_m

LABELS = ("negative", "neutral", "positive")
# Opinion mix of a brand without patterns, and the centre of the per-brand draw with them.
BASE_MIX = np.array([0.25, 0.35, 0.40])
BRAND_MIX_CONCENTRATION = 25.0
HOTSPOT_MIX = np.array([0.75, 0.15, 0.10])
SPIKE_MIX = np.array([0.85, 0.10, 0.05])
SPIKE_MULTIPLIER = 5.0
# Monday first: more mentions at the weekend, more negative ones early in the week.
WEEKDAY_VOLUME = (0.90, 0.85, 0.90, 0.95, 1.10, 1.35, 1.00)
WEEKDAY_NEGATIVE_FACTOR = (1.30, 1.10, 1.00, 0.95, 0.90, 0.85, 0.90)
FLAT_WEEK = (1.0,) * 7
HOTSPOT_CANDIDATES = 10
HOTSPOT_MIN_GAP_M = 100_000.0
HOTSPOT_RADIUS_M = (15_000.0, 30_000.0)
SCORE_CENTRE = np.array([-0.8, 0.0, 0.8])
SCORE_BOUNDS = (np.array([-1.0, -0.3, 0.35]), np.array([-0.35, 0.3, 1.0]))
SCORE_NOISE = 0.12
CONFIDENCE_RANGE = (0.55, 0.99)


@dataclass(frozen=True)
class Hotspot:
    lon: float
    lat: float
    radius_m: float
    brand_slug: str
    commune_code: str
    negative_probability: float = float(HOTSPOT_MIX[0])


@dataclass(frozen=True)
class Spike:
    day: dt.date
    brand_slug: str
    mentions: int
    multiplier: float = SPIKE_MULTIPLIER
    negative_probability: float = float(SPIKE_MIX[0])


@dataclass(frozen=True)
class PlantedPatterns:
    """What a statistic should find; with `enabled` false, nothing (a flat control)."""

    enabled: bool
    hotspots: tuple[Hotspot, ...]
    spike: Spike | None
    weekday_volume: tuple[float, ...]  # Monday first
    weekday_negative_factor: tuple[float, ...]
    brand_mix: dict[str, tuple[float, ...]]  # slug -> (negative, neutral, positive)
    brand_share_by_zone: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.spike is not None:
            data["spike"]["day"] = self.spike.day.isoformat()
        return data

    def describe(self) -> list[str]:
        """One line per planted pattern, for people."""
        if not self.enabled:
            return ["no patterns planted (flat control: same mix everywhere, every day)"]
        lines = [
            f"hotspot: {h.brand_slug} {h.negative_probability:.0%} negative within "
            f"{h.radius_m / 1000:.0f} km of ({h.lon:.4f}, {h.lat:.4f}), commune {h.commune_code}"
            for h in self.hotspots
        ]
        if self.spike is not None:
            s = self.spike
            lines.append(
                f"spike: {s.brand_slug} on {s.day.isoformat()}, {s.multiplier:g}x its volume "
                f"({s.mentions} extra mentions, {s.negative_probability:.0%} negative)"
            )
        days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        volume = ", ".join(f"{d} {v:g}" for d, v in zip(days, self.weekday_volume, strict=True))
        negative = ", ".join(
            f"{d} {v:g}" for d, v in zip(days, self.weekday_negative_factor, strict=True)
        )
        lines.append(f"weekly cycle: volume {volume}; negative share x {negative}")
        return lines


def draw_brand_mixes(rng: np.random.Generator, n_brands: int, enabled: bool) -> np.ndarray:
    """(brands, 3) opinion mix per brand: drawn around BASE_MIX, or BASE_MIX for all."""
    if not enabled:
        return np.tile(BASE_MIX, (n_brands, 1))
    return rng.dirichlet(BASE_MIX * BRAND_MIX_CONCENTRATION, size=n_brands)


def draw_hotspots(
    rng: np.random.Generator,
    centres: list[tuple[str, float, float]],
    brand_slugs: list[str],
    brand_share: np.ndarray,
) -> tuple[Hotspot, ...]:
    """2-3 discs around the most populous communes (given largest first), far apart, each
    about a brand drawn by its share of mentions."""
    wanted = int(rng.integers(2, 4))
    order = rng.permutation(min(len(centres), HOTSPOT_CANDIDATES))
    chosen: list[Hotspot] = []
    for index in order:
        code, lon, lat = centres[index]
        taken = np.array([[h.lon, h.lat] for h in chosen]).reshape(-1, 2)
        if taken.size and haversine_m(taken[:, 0], taken[:, 1], lon, lat).min() < HOTSPOT_MIN_GAP_M:
            continue
        radius = float(rng.uniform(*HOTSPOT_RADIUS_M))
        brand = brand_slugs[int(rng.choice(len(brand_slugs), p=brand_share))]
        chosen.append(Hotspot(round(lon, 5), round(lat, 5), round(radius), brand, code))
        if len(chosen) == wanted:
            break
    return tuple(chosen)


def spike_size(n: int, brand_share: float, day_share: float) -> int:
    """Extra mentions that make the brand's volume on the spike day SPIKE_MULTIPLIER times its
    usual: k = (m - 1) s q (n - k), solved for k."""
    extra = (SPIKE_MULTIPLIER - 1) * brand_share * day_share
    return round(n * extra / (1 + extra))


def weekday_negative(mix: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Scale each row's negative probability by its factor, the others sharing the rest."""
    negative = np.minimum(mix[:, 0] * factor, 0.95)
    rest = (1 - negative) / np.maximum(1 - mix[:, 0], 1e-9)
    return np.column_stack([negative, mix[:, 1] * rest, mix[:, 2] * rest])


def categorical_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One draw per row, each from its own row of probabilities."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = rng.random(len(probabilities))[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), probabilities.shape[1] - 1)


def planted_scores(rng: np.random.Generator, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Planted opinion score (around -0.8, 0, 0.8 by label) and confidence."""
    noisy = SCORE_CENTRE[label] + rng.normal(0.0, SCORE_NOISE, len(label))
    score = np.clip(noisy, SCORE_BOUNDS[0][label], SCORE_BOUNDS[1][label]).round(3)
    return score, rng.uniform(*CONFIDENCE_RANGE, len(label)).round(3)
