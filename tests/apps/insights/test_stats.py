"""Units of the statistics behind the figures."""

import numpy as np

from apps.insights.figures import net_sentiment
from apps.insights.stats import (
    getis_ord,
    getis_ord_each,
    sentiment_residuals,
    volume_anomalies,
)


def test_net_sentiment_interval_narrows_with_more_mentions_and_stays_in_bounds() -> None:
    small = net_sentiment(positive=3, neutral=0, negative=0)
    large = net_sentiment(positive=300, neutral=0, negative=0)
    assert small["net_sentiment"] == large["net_sentiment"] == 1.0
    assert small["interval"][1] <= 1.0 and small["interval"][0] < large["interval"][0]
    assert net_sentiment(0, 0, 0) == {"net_sentiment": None, "interval": None}


def test_a_weekly_rhythm_is_not_an_anomaly_but_a_jump_is() -> None:
    week = [100, 95, 100, 105, 120, 160, 110]
    series = [float(v) for v in week * 5]
    assert all(z is None or abs(z) < 4 for z in volume_anomalies(series, 7, 4))
    series[30] *= 4
    scores = volume_anomalies(series, 7, 4)
    assert [i for i, z in enumerate(scores) if z is not None and abs(z) >= 4] == [30]


def test_residuals_weigh_a_unit_by_its_size() -> None:
    rows = [
        {"positive": 5, "neutral": 0, "negative": 5},
        {"positive": 500, "neutral": 0, "negative": 500},
        {"positive": 1, "neutral": 0, "negative": 9},
        {"positive": 100, "neutral": 0, "negative": 900},
    ]
    residuals = sentiment_residuals(rows)
    assert residuals[3] < residuals[2] < 0 and np.isclose(residuals[0], residuals[1] / 10)


def test_gi_star_signs_do_not_depend_on_the_sign_of_the_values() -> None:
    # A 7 x 7 grid of cells, each the neighbour of the next: a low corner among zeros.
    ids = list(range(49))
    neighbours = {
        i: [j for j in ids if j != i and abs(j // 7 - i // 7) <= 1 and abs(j % 7 - i % 7) <= 1]
        for i in ids
    }
    rng = np.random.default_rng(1)
    values = rng.normal(0, 0.3, 49)
    values[[0, 1, 7, 8]] -= 3
    for shift in (0.0, -10.0, 10.0):
        result = getis_ord(values + shift, neighbours, ids)
        assert result[0]["class"] == "cold" and result[0]["z"] < 0
        assert result[48]["class"] == "not_significant"


def test_gi_star_matches_esda_with_its_own_self_weights() -> None:
    from esda.getisord import G_Local  # noqa: PLC0415
    from libpysal.weights import W  # noqa: PLC0415

    ids = [f"u{i}" for i in range(30)]
    neighbours = {u: [ids[(i - 1) % 30], ids[(i + 1) % 30], ids[(i + 5) % 30]]
                  for i, u in enumerate(ids)}  # fmt: skip
    neighbours = {u: sorted(set(n) | {v for v, ns in neighbours.items() if u in ns})
                  for u, n in neighbours.items()}  # fmt: skip
    values = np.random.default_rng(3).gamma(2.0, 5.0, 30)
    values[:4] += 40
    weights = W(neighbours, id_order=ids, silence_warnings=True)
    expected = G_Local(values - values.min() + 1.0, weights, star=True, permutations=0,
                       transform="B").Zs  # fmt: skip
    both = getis_ord_each({"a": values, "b": values * 2}, neighbours, ids)
    for name in ("a", "b"):
        assert np.allclose([both[name][u]["z"] for u in ids], np.round(expected, 3), atol=1e-3)
    assert both["a"] == getis_ord(values, neighbours, ids)
