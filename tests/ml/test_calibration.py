import torch

from ml.calibration import fit_class_bias, fit_lang_bias, mean_source_f1


def test_class_bias_recovers_a_shifted_decision_boundary() -> None:
    # Positives whose logits lean neutral: a positive bias fixes them, nothing else changes.
    logits = torch.tensor([[0.0, 1.0, 0.6]] * 10 + [[0.0, 1.0, -2.0]] * 10 + [[2.0, 0.0, 0.0]] * 10)
    labels = [2] * 10 + [1] * 10 + [0] * 10
    sources = ["a"] * 30
    before = mean_source_f1(logits.argmax(dim=1).numpy(), torch.tensor(labels).numpy(), sources)
    bias = fit_class_bias(logits, labels, sources)
    after = mean_source_f1((logits + torch.tensor(bias)).argmax(dim=1).numpy(),
                           torch.tensor(labels).numpy(), sources)  # fmt: skip
    assert before < 0.7 and after == 1.0
    assert bias[1] == 0.0 and 0.4 < bias[2] <= 1.5


def test_no_bias_when_nothing_to_gain() -> None:
    logits = torch.eye(3).repeat(4, 1) * 3
    labels = [0, 1, 2] * 4
    assert fit_class_bias(logits, labels, ["s"] * 12) == [0.0, 0.0, 0.0]


def test_each_language_gets_the_biases_its_own_texts_need() -> None:
    # English positives lean neutral, French ones do not: only English needs a positive bias.
    shifted = [[0.0, 1.0, 0.6]] * 100 + [[0.0, 1.0, -2.0]] * 100 + [[2.0, 0.0, 0.0]] * 100
    clean = [[0.0, 0.0, 2.0]] * 100 + [[0.0, 2.0, 0.0]] * 100 + [[2.0, 0.0, 0.0]] * 100
    logits = torch.tensor(shifted + clean)
    labels = ([2] * 100 + [1] * 100 + [0] * 100) * 2
    langs = ["en"] * 300 + ["fr"] * 300
    sources = ["tweets-en"] * 300 + ["tweets-fr"] * 300
    fitted = fit_lang_bias(logits, labels, sources, langs)
    assert fitted["fr"] == [0.0, 0.0, 0.0]
    assert fitted["en"][1] == 0.0 and 0.4 < fitted["en"][2] <= 1.5
    # Too few texts to choose biases for a language: it keeps the default ones.
    assert "de" not in fit_lang_bias(logits[:10], labels[:10], sources[:10], ["de"] * 10)
    # Texts of no known language never get biases of their own.
    assert set(fit_lang_bias(logits, labels, sources, ["und"] * 300 + [""] * 300)) == set()
