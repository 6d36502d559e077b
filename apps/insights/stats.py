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


# Counts of mentions vary more than Poisson; the spread from one or two past buckets is widened.
OVERDISPERSION = 1.5


def _baseline(history: np.ndarray) -> Baseline | None:
    """Median and robust spread of three or more past buckets; with one or two, their mean and a
    Poisson spread that also counts the baseline's own noise."""
    if len(history) == 0:
        return None
    if len(history) < 3:
        mean = float(history.mean())
        spread = OVERDISPERSION * math.sqrt(max(mean, 1.0) * (1 + 1 / len(history)))
        return Baseline(mean, spread)
    median = float(np.median(history))
    mad = 1.4826 * float(np.median(np.abs(history - median)))
    # Counts are at least Poisson-noisy: never trust a spread tighter than sqrt(expected).
    return Baseline(median, max(mad, math.sqrt(max(median, 1.0))))


def volume_anomalies(values: list[float], season: int, window: int) -> list[float | None]:
    """Robust z of each bucket against the median of the `window` earlier buckets `season` apart.

    With daily buckets and season 7 the baseline is the same weekday in earlier weeks, so a
    weekly rhythm is expected, not anomalous. None before the first full season.
    """
    series = np.asarray(values, dtype=float)
    usual = series.copy()  # anomalies found so far never become a later bucket's baseline
    scores: list[float | None] = []
    for index in range(len(series)):
        baseline = _baseline(_history(usual, index, season, window))
        if baseline is None or np.isnan(series[index]):
            scores.append(None)
            continue
        z = round((series[index] - baseline.expected) / baseline.spread, 3)
        if is_anomalous(z):
            usual[index] = math.nan
        scores.append(z)
    return scores


def _history(series: np.ndarray, index: int, season: int, window: int) -> np.ndarray:
    seasonal = [index - season * step for step in range(1, window + 1)]
    return series[[i for i in seasonal if i >= 0 and not np.isnan(series[i])]]


def sentiment_anomalies(
    net: list[float | None], mentions: list[int], season: int, window: int
) -> list[float | None]:
    """z of a bucket's net sentiment against the median net of the same earlier buckets as the
    volume baseline uses (a spike's own mood never becomes the norm for the days after)."""
    series = np.array([math.nan if value is None else value for value in net], dtype=float)
    usual = series.copy()
    scores: list[float | None] = []
    for index, value in enumerate(series):
        history = _history(usual, index, season, window)
        if math.isnan(value) or len(history) < 3:
            scores.append(None)
            continue
        expected = float(np.median(history))
        mad = 1.4826 * float(np.median(np.abs(history - expected)))
        # Variance of a net share is at most 1/n; the history's own spread adds to it.
        spread = math.sqrt(1 / mentions[index] + mad**2)
        z = round((value - expected) / spread, 3)
        if is_anomalous(z):
            usual[index] = math.nan
        scores.append(z)
    return scores


def is_anomalous(z: float | None) -> bool:
    return z is not None and abs(z) >= ANOMALY_Z


def sentiment_residuals(rows: list[dict[str, Any]]) -> np.ndarray:
    """Each unit's net sentiment as a standardised residual from the pooled mix.

    A unit of 5 mentions swings far more than one of 500; Gi* assumes one variance for all, so
    it is fed (net - pooled net) * sqrt(n) / sd, about N(0, 1) for every unit when nothing
    but chance is at work, instead of the raw net sentiment.
    """
    counts = np.array([[r["positive"], r["neutral"], r["negative"]] for r in rows], float)
    if not len(counts):
        return np.zeros(0)
    n = counts.sum(axis=1)
    pooled = counts.sum(axis=0) / max(n.sum(), 1.0)
    pooled_net = pooled[0] - pooled[2]
    sigma = math.sqrt(max(pooled[0] + pooled[2] - pooled_net**2, 1e-9))
    net = (counts[:, 0] - counts[:, 2]) / np.maximum(n, 1.0)
    return (net - pooled_net) * np.sqrt(n) / sigma


def getis_ord(values: np.ndarray, neighbours: dict[Any, list[Any]], ids: list[Any]) -> dict:
    """Gi* z and two-sided p per unit, and hot/cold/not significant after Benjamini-Hochberg."""
    return getis_ord_each({"values": values}, neighbours, ids)["values"]


def getis_ord_each(
    series: dict[str, np.ndarray], neighbours: dict[Any, list[Any]], ids: list[Any]
) -> dict[str, dict]:
    """`getis_ord` of several series on the same units, sharing one weights matrix."""
    from esda.getisord import G_Local  # noqa: PLC0415 - heavy, only hotspot requests need it
    from libpysal.weights import W  # noqa: PLC0415

    # Gi* counts each unit as its own neighbour: given here, not added by esda's fill_diagonal,
    # which took three quarters of a hotspot request's statistics.
    with_self = {unit: [unit, *(n for n in neighbours[unit] if n != unit)] for unit in ids}
    weights = W(with_self, id_order=ids, silence_warnings=True) if len(ids) >= 3 else None
    result = {}
    for name, values in series.items():
        if weights is None or np.allclose(values, values[0]):
            result[name] = {unit: _classified(0.0, 1.0, False) for unit in ids}
            continue
        # G is a ratio to the sum of the values, defined for positive values only; its z-score
        # is unchanged by a shift, so residuals (negative as often as not) are shifted above 0.
        shifted = values - values.min() + 1.0
        gi = G_Local(shifted, weights, star=None, permutations=0, transform="B")
        z = np.nan_to_num(np.asarray(gi.Zs, dtype=float))
        p = 2 * stats.norm.sf(np.abs(z))
        q = stats.false_discovery_control(p, method="bh")
        result[name] = {
            unit: _classified(float(z[i]), float(p[i]), bool(q[i] < FDR_ALPHA))
            for i, unit in enumerate(ids)
        }
    return result


def _classified(z: float, p: float, significant: bool) -> dict[str, Any]:
    kind = "not_significant"
    if significant:
        kind = "hot" if z > 0 else "cold"
    return {"class": kind, "z": round(z, 3), "p": round(p, 6)}
