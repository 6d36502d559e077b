"""Evaluate the opinion model and the baselines on one labelled file, in the same run.

python -m ml.evaluate --model-dir DIR --data FILE --train FILE --out REPORT.md [--json REPORT.json]

Without --model-dir only the baselines are evaluated. The TF-IDF baseline is trained on --train.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from tqdm import tqdm

from ml.baselines import Baseline, LexiconBaseline, Scored, TfidfBaseline
from ml.data import Example, read_examples
from ml.labels import LABEL_INDEX, LABELS
from ml.metrics import grouped_report
from ml.serving import Predictor

BATCH = 256
TITLES = {"model": "model", "lexicon": "lexicon", "tfidf": "TF-IDF + LR"}
METRICS = {"macro_f1": "Macro-F1", "macro_recall": "Macro-recall", "accuracy": "Accuracy"}
GROUPINGS = ("source", "lang")

console = Console(stderr=True)


class ModelSystem:
    """The trained model behind the baselines' interface; its confidence is calibrated."""

    name = "model"

    def __init__(self, folder: Path) -> None:
        self.predictor = Predictor(folder)
        self.version = self.predictor.version

    def predict(self, texts: Sequence[str], langs: Sequence[str]) -> list[int]:
        return self.predict_scored(texts, langs)[0]

    def predict_scored(self, texts: Sequence[str], langs: Sequence[str]) -> Scored:
        predictions = self.predictor.predict(texts, langs)
        return [LABEL_INDEX[p.label] for p in predictions], [p.confidence for p in predictions]


def run_system(system: Baseline, examples: Sequence[Example]) -> Scored:
    """The system's labels and confidences for the examples, batch by batch with a progress bar."""
    labels: list[int] = []
    confidence: list[float] = []
    has_confidence = True
    for start in tqdm(
        range(0, len(examples), BATCH),
        desc=TITLES.get(system.name, system.name),
        unit="batch",
        leave=False,
    ):
        batch = examples[start : start + BATCH]
        batch_labels, batch_confidence = system.predict_scored(
            [e.text for e in batch], [e.lang for e in batch]
        )
        labels += batch_labels
        if batch_confidence is None:
            has_confidence = False
        else:
            confidence += batch_confidence
    return labels, confidence if has_confidence else None


def evaluate(model_dir: Path | None, data_file: Path, train_file: Path) -> dict[str, Any]:
    """grouped_report (overall, per lang, per source) of the model and both baselines."""
    examples = read_examples(data_file)
    if not examples:
        raise ValueError(f"{data_file} has no labelled example.")
    systems: list[Baseline] = []
    version = None
    if model_dir is not None:
        with console.status(f"loading the model in {model_dir}"):
            model = ModelSystem(model_dir)
        systems.append(model)
        version = model.version
    systems.append(LexiconBaseline())
    with console.status(f"training TF-IDF + LR on {train_file.name}"):
        systems.append(TfidfBaseline().fit(read_examples(train_file)))
    truth = [e.label for e in examples]
    groups: dict[str, Sequence[str]] = {g: [getattr(e, g) for e in examples] for g in GROUPINGS}
    reports = {}
    for system in systems:
        labels, confidence = run_system(system, examples)
        reports[system.name] = grouped_report(truth, labels, groups, confidence)
    return {
        "data_file": str(data_file),
        "train_file": str(train_file),
        "n": len(examples),
        "model_version": version,
        "labels": list(LABELS),
        "systems": reports,
    }


def _rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(title, grouping, key) of each row: overall, then each source, then each language."""
    first = next(iter(report["systems"].values()))
    rows = [("overall", "overall", "")]
    for grouping in GROUPINGS:
        rows += [(f"{grouping}: {key}", grouping, key) for key in first[grouping]]
    return rows


def _cell(system_report: dict[str, Any], grouping: str, key: str) -> dict[str, Any]:
    return system_report[grouping] if grouping == "overall" else system_report[grouping][key]


def _table(header: list[str], lines: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    return out + ["| " + " | ".join(line) + " |" for line in lines]


def _metric_table(report: dict[str, Any], metric: str, names: list[str]) -> list[str]:
    """One row per group, one column per system; the best value of a row in bold."""
    lines = []
    for title, grouping, key in _rows(report):
        cells = [_cell(report["systems"][name], grouping, key) for name in names]
        values = [cell[metric] for cell in cells]
        best = max(values)
        shown = [f"**{v:.3f}**" if v == best and len(values) > 1 else f"{v:.3f}" for v in values]
        lines.append([title, str(cells[0]["n"]), *shown])
    return _table(["group", "n", *(TITLES.get(n, n) for n in names)], lines)


def _confusion_table(matrix: list[list[int]]) -> list[str]:
    lines = [
        [f"**{label}**", *(str(v) for v in row)] for label, row in zip(LABELS, matrix, strict=True)
    ]
    return _table(["true \\ predicted", *LABELS], lines)


def _calibration(report: dict[str, Any]) -> list[str]:
    names = [n for n, r in report["systems"].items() if "ece" in r["overall"]]
    if not names:
        return ["No system here has a confidence to calibrate."]
    lines = []
    for title, grouping, key in _rows(report):
        cells = [_cell(report["systems"][name], grouping, key) for name in names]
        lines.append([title, str(cells[0]["n"]), *(f"{c['ece']:.3f}" for c in cells)])
    note = "Expected calibration error over 10 equal-width confidence bins (lower is better)."
    return [note, "", *_table(["group", "n", *(TITLES.get(n, n) for n in names)], lines)]


def _confusions(report: dict[str, Any]) -> list[str]:
    model = report["systems"].get("model")
    if model is None:
        return ["No model was evaluated."]
    out = ["Rows are true classes, columns predicted ones."]
    for title, grouping, key in _rows(report):
        out += ["", f"### {title}", "", *_confusion_table(_cell(model, grouping, key)["confusion"])]
    return out


def render_markdown(report: dict[str, Any]) -> str:
    names = list(report["systems"])
    model = report["model_version"] or "none (baselines only)"
    lines = [
        "# Opinion evaluation",
        "",
        f"- data: `{report['data_file']}` ({report['n']} examples)",
        f"- model: `{model}`",
        f"- TF-IDF + LR trained on `{report['train_file']}`; lexicons: VADER (en), "
        "textblob-fr (fr)",
    ]
    for metric, title in METRICS.items():
        lines += ["", f"## {title}", "", *_metric_table(report, metric, names)]
    lines += ["", "## Calibration (ECE)", "", *_calibration(report)]
    lines += ["", "## Model confusion matrices", "", *_confusions(report)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model-dir", type=Path, default=None, help="a trained model folder")
    parser.add_argument("--data", type=Path, required=True, help="labelled JSON lines to score")
    parser.add_argument("--train", type=Path, required=True, help="training file for TF-IDF")
    parser.add_argument("--out", type=Path, default=None, help="write the markdown here")
    parser.add_argument("--json", type=Path, default=None, help="write the raw report here")
    args = parser.parse_args(argv)
    report = evaluate(args.model_dir, args.data, args.train)
    markdown = render_markdown(report)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown, encoding="utf-8")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(markdown, end="")


if __name__ == "__main__":
    main()
