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

from ml.artifact import ModelConfig, save_artifact
from ml.data import Example, read_examples
from ml.labels import LABEL_INDEX
from ml.metrics import confusion, macro_scores
from ml.serving import Predictor
from ml.train_loop import fit_temperature

BIAS_GRID = np.round(np.arange(-1.5, 1.51, 0.1), 2)


def source_f1s(
    predicted: np.ndarray, truth: np.ndarray, sources: Sequence[str]
) -> dict[str, float]:
    """Macro-F1 of each source's texts."""
    keys = np.asarray(sources)
    return {
        s: float(macro_scores(confusion(truth[keys == s], predicted[keys == s]))["macro_f1"])
        for s in sorted(set(sources))
    }


def mean_source_f1(predicted: np.ndarray, truth: np.ndarray, sources: Sequence[str]) -> float:
    return float(np.mean(list(source_f1s(predicted, truth, sources).values())))


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
            best, best_bias = value, [round(float(v), 2) for v in bias]
    return best_bias


# A language gets its own biases only with enough labelled texts to choose them; texts of no
# known language keep the general ones.
MIN_LANG_EXAMPLES = 200
UNKNOWN_LANGS = {"", "und"}


def fit_lang_bias(
    logits: torch.Tensor, labels: Sequence[int], sources: Sequence[str], langs: Sequence[str]
) -> dict[str, list[float]]:
    """`fit_class_bias` on each language's texts, for languages with enough of them."""
    codes = np.asarray(langs)
    fitted = {}
    for lang in sorted(set(langs) - UNKNOWN_LANGS):
        rows = np.flatnonzero(codes == lang).tolist()
        if len(rows) >= MIN_LANG_EXAMPLES:
            fitted[lang] = fit_class_bias(
                logits[rows], [labels[i] for i in rows], [sources[i] for i in rows]
            )
    return fitted


def calibrate(
    config: ModelConfig, logits: torch.Tensor, examples: Sequence[Example]
) -> torch.Tensor:
    """Set the config's class biases (general, then per language) and temperature from the raw
    logits of labelled examples; returns the logits with their biases added."""
    labels = [e.label for e in examples]
    sources, langs = [e.source for e in examples], [e.lang for e in examples]
    config.class_bias = fit_class_bias(logits, labels, sources)
    config.lang_bias = fit_lang_bias(logits, labels, sources, langs)
    adjusted = logits + config.biases(langs)
    config.temperature = fit_temperature(adjusted, torch.tensor(labels))
    return adjusted


def recalibrate(folder: Path, dev_file: Path, out_dir: Path) -> tuple[str, Path]:
    """`calibrate` a trained model on labelled data; saved as a new version (the config
    changes, so does the hash)."""
    predictor = Predictor(folder)
    examples = read_examples(dev_file)
    config = replace(predictor.config)
    adjusted = calibrate(config, predictor.logits([e.text for e in examples]), examples)
    score = mean_source_f1(adjusted.argmax(dim=1).numpy(), np.asarray([e.label for e in examples]),
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
