"""Decision calibration on held-out data: class biases for macro-F1, then a temperature.

The training mix has other class priors than the texts the model serves (many neutral
CrowdFlower tweets, mostly positive reviews); a bias per class, chosen on the development
set, moves the decision boundaries back. Figures measured on that same set are therefore
optimistic, and the model card says so."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from ml.artifact import save_artifact
from ml.data import read_examples
from ml.labels import LABEL_INDEX
from ml.metrics import confusion, macro_scores
from ml.serving import Predictor
from ml.train_loop import fit_temperature

BIAS_GRID = np.round(np.arange(-1.5, 1.51, 0.1), 2)


def mean_source_f1(predicted: np.ndarray, truth: np.ndarray, sources: Sequence[str]) -> float:
    keys = np.asarray(sources)
    scores = [
        macro_scores(confusion(truth[keys == s], predicted[keys == s]))["macro_f1"]
        for s in sorted(set(sources))
    ]
    return float(np.mean(scores))


def fit_class_bias(
    logits: torch.Tensor, labels: Sequence[int], sources: Sequence[str]
) -> list[float]:
    """Additive logit biases (neutral fixed at 0) maximising the mean per-source macro-F1."""
    scores = logits.numpy()
    truth = np.asarray(labels)
    best, best_bias = -1.0, [0.0, 0.0, 0.0]
    negative, positive = LABEL_INDEX["negative"], LABEL_INDEX["positive"]
    for b_neg, b_pos in itertools.product(BIAS_GRID, BIAS_GRID):
        bias = np.zeros(3, dtype=np.float32)  # the precision the served model adds it in
        bias[negative], bias[positive] = b_neg, b_pos
        value = mean_source_f1((scores + bias).argmax(axis=1), truth, sources)
        # Ties go to the smallest correction.
        if value > best + 1e-9 or (
            abs(value - best) <= 1e-9 and abs(bias).sum() < sum(map(abs, best_bias))
        ):
            best, best_bias = value, [float(v) for v in bias]
    return best_bias


def recalibrate(folder: Path, dev_file: Path, out_dir: Path) -> tuple[str, Path]:
    """Fit class biases and temperature of a trained model on labelled data; saved as a new
    version (the config changes, so does the hash)."""
    predictor = Predictor(folder)
    examples = read_examples(dev_file)
    logits = predictor.logits([e.text for e in examples])
    labels = [e.label for e in examples]
    config = replace(predictor.config)
    config.class_bias = fit_class_bias(logits, labels, [e.source for e in examples])
    adjusted = logits + torch.tensor(config.class_bias)
    config.temperature = fit_temperature(adjusted, torch.tensor(labels))
    score = mean_source_f1(adjusted.argmax(dim=1).numpy(), np.asarray(labels),
                           [e.source for e in examples])  # fmt: skip
    return save_artifact(predictor.model, config, out_dir, {"dev_mean_source_macro_f1": score})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("var/models"))
    args = parser.parse_args(argv)
    version, folder = recalibrate(args.model_dir, args.dev, args.out)
    print(f"model {version} written to {folder}")


if __name__ == "__main__":
    main()
