"""Statistics on aggregates: anomalous buckets, Getis-Ord Gi* hotspots with FDR control."""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

# Robust z beyond which a bucket is anomalous; high because a series is tested bucket by bucket.
ANOMALY_Z = 4.0
FDR_ALPHA = 0.05


@dataclass(frozen=True)
class Baseline:
    expected: float
    spread: float


def _baseline(history: np.ndarray) -> Baseline | None:
    if len(history) < 3:
        return None
    median = float(np.median(history))
    mad = 1.4826 * float(np.median(np.abs(history - median)))
    # Counts are at least Poisson-noisy: never trust a spread tighter than √expected.
    return Baseline(median, max(mad, math.sqrt(max(median, 1.0))))


def volume_anomalies(values: list[float], season: int, window: int) -> list[float | None]:
    """Robust z of each bucket against the median of the `window` earlier buckets `season` apart.

    With daily buckets and season 7 the baseline is the same weekday in earlier weeks, so a
    weekly rhythm is expected, not anomalous. None where there is too little history.
    """
    series = np.asarray(values, dtype=float)
    scores: list[float | None] = []
    for index in range(len(series)):
        earlier = [index - season * step for step in range(1, window + 1)]
        history = series[[i for i in earlier if i >= 0 and not np.isnan(series[i])]]
        baseline = _baseline(history)
        if baseline is None or np.isnan(series[index]):
            scores.append(None)
            continue
        scores.append(round((series[index] - baseline.expected) / baseline.spread, 3))
    return scores


def sentiment_anomalies(
    net: list[float | None], mentions: list[int], window: int
) -> list[float | None]:
    """z of a bucket's net sentiment against the pooled net of the `window` earlier buckets."""
    scores: list[float | None] = []
    for index, value in enumerate(net):
        earlier = [i for i in range(max(0, index - window), index) if net[i] is not None]
        if value is None or len(earlier) < 3:
            scores.append(None)
            continue
        weight = sum(mentions[i] for i in earlier)
        expected = sum(float(net[i] or 0.0) * mentions[i] for i in earlier) / weight
        # Variance of a net share is at most 1/n; using 1/n keeps the test conservative.
        spread = math.sqrt(1 / mentions[index] + 1 / weight)
        scores.append(round((value - expected) / spread, 3))
    return scores


def is_anomalous(z: float | None) -> bool:
    return z is not None and abs(z) >= ANOMALY_Z


def getis_ord(values: np.ndarray, neighbours: dict[Any, list[Any]], ids: list[Any]) -> dict:
    """Gi* z and two-sided p per unit, and hot/cold/not significant after Benjamini-Hochberg."""
    from esda.getisord import G_Local  # noqa: PLC0415 - heavy, only hotspot requests need it
    from libpysal.weights import W  # noqa: PLC0415

    if len(ids) < 3 or np.allclose(values, values[0]):
        return {unit: _classified(0.0, 1.0, False) for unit in ids}
    weights = W(neighbours, id_order=ids, silence_warnings=True)
    gi = G_Local(values, weights, star=True, permutations=0, transform="B")
    z = np.nan_to_num(np.asarray(gi.Zs, dtype=float))
    p = 2 * stats.norm.sf(np.abs(z))
    q = stats.false_discovery_control(p, method="bh")
    return {
        unit: _classified(float(z[i]), float(p[i]), bool(q[i] < FDR_ALPHA))
        for i, unit in enumerate(ids)
    }


def _classified(z: float, p: float, significant: bool) -> dict[str, Any]:
    kind = "not_significant"
    if significant:
        kind = "hot" if z > 0 else "cold"
    return {"class": kind, "z": round(z, 3), "p": round(p, 6)}
