"""Classification metrics reported for every model and baseline."""

from collections.abc import Sequence
from typing import Any

import numpy as np

from ml.labels import LABELS

N_CLASSES = len(LABELS)


def confusion(truth: Sequence[int], predicted: Sequence[int]) -> np.ndarray:
    """Rows are true classes, columns predicted ones."""
    matrix = np.zeros((N_CLASSES, N_CLASSES), dtype=np.int64)
    np.add.at(matrix, (np.asarray(truth), np.asarray(predicted)), 1)
    return matrix


def macro_scores(matrix: np.ndarray) -> dict[str, float]:
    true_positive = np.diag(matrix).astype(float)
    predicted = matrix.sum(axis=0).astype(float)
    actual = matrix.sum(axis=1).astype(float)
    precision = np.divide(true_positive, predicted, out=np.zeros(N_CLASSES), where=predicted > 0)
    recall = np.divide(true_positive, actual, out=np.zeros(N_CLASSES), where=actual > 0)
    denominator = precision + recall
    f1 = np.divide(2 * precision * recall, denominator, out=np.zeros(N_CLASSES),
                   where=denominator > 0)  # fmt: skip
    present = actual > 0
    total = matrix.sum()
    return {
        "macro_f1": float(f1[present].mean()) if present.any() else 0.0,
        "macro_recall": float(recall[present].mean()) if present.any() else 0.0,
        "accuracy": float(true_positive.sum() / total) if total else 0.0,
    }


def expected_calibration_error(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """Mean gap between confidence and accuracy over equal-width confidence bins."""
    conf = np.asarray(confidence, dtype=float)
    hits = np.asarray(correct, dtype=float)
    if conf.size == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            error += members.mean() * abs(conf[members].mean() - hits[members].mean())
    return float(error)


def report(
    truth: Sequence[int],
    predicted: Sequence[int],
    confidence: Sequence[float] | None = None,
) -> dict[str, Any]:
    matrix = confusion(truth, predicted)
    out: dict[str, Any] = {**macro_scores(matrix), "n": int(matrix.sum()),
                           "confusion": matrix.tolist()}  # fmt: skip
    if confidence is not None:
        correct = [t == p for t, p in zip(truth, predicted, strict=True)]
        out["ece"] = expected_calibration_error(confidence, correct)
    return out


def grouped_report(
    truth: Sequence[int],
    predicted: Sequence[int],
    groups: dict[str, Sequence[str]],
    confidence: Sequence[float] | None = None,
) -> dict[str, Any]:
    """The report overall and for each value of each grouping (e.g. lang, source)."""
    result: dict[str, Any] = {"overall": report(truth, predicted, confidence)}
    for name, keys in groups.items():
        result[name] = {}
        for key in sorted(set(keys)):
            idx = [i for i, k in enumerate(keys) if k == key]
            conf = [confidence[i] for i in idx] if confidence is not None else None
            result[name][key] = report([truth[i] for i in idx], [predicted[i] for i in idx], conf)
    return result
