"""The model committed in ml/artifacts: well-formed, deterministic, and right on clear cases."""

from pathlib import Path

import pytest

from ml.serving import Predictor

ARTIFACTS = Path(__file__).resolve().parents[2] / "ml" / "artifacts"
CLEAR = [
    ("J'adore ce magasin, le personnel est adorable et super efficace !", "Service client "
     "lamentable, je ne remettrai plus jamais les pieds dans cette boutique."),
    ("Absolutely love this store, the staff were amazing and so helpful!", "Worst customer "
     "service ever, I will never shop here again."),
    ("Livraison rapide et produit parfait, merci beaucoup", "Commande jamais reçue et aucune "
     "réponse du SAV, c'est une honte"),
    ("Great app, works perfectly and the new update is fantastic", "This app is garbage, it "
     "crashes every time and support never answers"),
]  # fmt: skip


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    folders = [p for p in ARTIFACTS.iterdir() if (p / "config.json").is_file()]
    assert len(folders) == 1, "ml/artifacts holds exactly one shipped model"
    return Predictor(folders[0], threads=2)


def test_predictions_are_well_formed_and_deterministic(predictor: Predictor) -> None:
    texts = [t for pair in CLEAR for t in pair] + ["", "ok"]
    first = predictor.predict(texts)
    assert predictor.predict(texts) == first
    for prediction in first:
        assert prediction.label in {"negative", "neutral", "positive"}
        assert -1 <= prediction.score <= 1
        assert 0 < prediction.confidence <= 1
        assert abs(sum(prediction.probabilities) - 1) < 1e-4


@pytest.mark.parametrize(("positive", "negative"), CLEAR)
def test_clear_opinions_are_ordered(predictor: Predictor, positive: str, negative: str) -> None:
    good, bad = predictor.predict([positive, negative])
    assert good.score > bad.score + 0.5
    assert (good.label, bad.label) == ("positive", "negative")


def test_artifact_is_small() -> None:
    size = sum(f.stat().st_size for f in ARTIFACTS.rglob("*") if f.is_file())
    assert size <= 20 * 1024 * 1024
