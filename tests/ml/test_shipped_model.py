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


def _shipped() -> Path:
    folders = [p for p in ARTIFACTS.iterdir() if (p / "config.json").is_file()]
    assert len(folders) == 1, "ml/artifacts holds exactly one shipped model"
    return folders[0]


# bf16 is what `auto` serves on a CPU with native bfloat16 (this project's machines).
@pytest.fixture(scope="module", params=["fp32", "bf16"])
def predictor(request: pytest.FixtureRequest) -> Predictor:
    return Predictor(_shipped(), threads=2, precision=request.param)


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


def test_bf16_probabilities_stay_close_to_fp32() -> None:
    texts = [t for pair in CLEAR for t in pair]
    fp32 = Predictor(_shipped(), threads=2).probabilities(texts)
    bf16 = Predictor(_shipped(), threads=2, precision="bf16").probabilities(texts)
    assert bf16.dtype == fp32.dtype
    assert (bf16 - fp32).abs().max() < 0.05


def test_a_text_is_calibrated_with_its_language_biases(predictor: Predictor) -> None:
    config = predictor.config
    assert set(config.lang_bias) == {"en", "fr"}
    rows = predictor.biases(3, ["en", "fr", "es"]).tolist()
    assert rows == [pytest.approx(config.lang_bias["en"]), pytest.approx(config.lang_bias["fr"]),
                    pytest.approx(config.class_bias)]  # fmt: skip
    english = CLEAR[1][0]
    as_english, as_unknown = predictor.predict([english, english], ["en", None])
    if config.lang_bias["en"] != config.class_bias:
        assert as_english.probabilities != as_unknown.probabilities
    with pytest.raises(ValueError, match="one per text"):
        predictor.predict([english], ["en", "fr"])
