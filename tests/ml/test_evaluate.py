import json
from pathlib import Path

import pytest

from ml.baselines import (
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    LexiconBaseline,
    TfidfBaseline,
    polarity_label,
    vader_label,
)
from ml.data import Example, read_examples
from ml.evaluate import evaluate, main, render_markdown
from ml.labels import LABELS

from .opinion_rows import ROWS

TEXTS = [row[0] for row in ROWS]
LANGS = [row[2] for row in ROWS]


@pytest.fixture(scope="module")
def lexicon() -> LexiconBaseline:
    return LexiconBaseline()


def test_baselines_return_valid_labels(lexicon: LexiconBaseline, toy_file: Path) -> None:
    tfidf = TfidfBaseline(min_df=1).fit(read_examples(toy_file))
    for baseline in (lexicon, tfidf):
        labels = baseline.predict([*TEXTS, "", "a-1234"], [*LANGS, "fr", "fr"])
        assert len(labels) == len(TEXTS) + 2
        assert set(labels) <= set(range(len(LABELS)))
    assert lexicon.predict_scored(TEXTS[:2], LANGS[:2])[1] is None
    assert lexicon.predict([], []) == [] and tfidf.predict_scored([], []) == ([], [])


def test_vader_orders_english_sentences(lexicon: LexiconBaseline) -> None:
    good = lexicon.english_compound("I love this phone, it is wonderful and works great!")
    bad = lexicon.english_compound("I hate this phone, it is awful and broke after a day.")
    assert good > 0.05 > -0.05 > bad
    assert lexicon.predict(["Wonderful, I love it!", "Awful, I hate it."], ["en", "en"]) == [
        POSITIVE,
        NEGATIVE,
    ]


def test_textblob_fr_orders_french_sentences(lexicon: LexiconBaseline) -> None:
    good = lexicon.french_polarity("Ce livre est magnifique, je l'adore, excellent !")
    bad = lexicon.french_polarity("Ce livre est horrible, vraiment mauvais et ennuyeux.")
    assert good > 0 > bad
    assert lexicon.predict(["Un film magnifique !", "Un film horrible."], ["fr", "fr"]) == [
        POSITIVE,
        NEGATIVE,
    ]


def test_lexicons_are_chosen_by_lang(lexicon: LexiconBaseline) -> None:
    # "magnifique" is in the French lexicon, not in VADER's.
    assert lexicon.predict(["magnifique", "magnifique"], ["fr", "en"]) == [POSITIVE, NEUTRAL]


def test_thresholds() -> None:
    assert [vader_label(v) for v in (0.05, 0.049, -0.049, -0.05)] == [
        POSITIVE,
        NEUTRAL,
        NEUTRAL,
        NEGATIVE,
    ]
    assert [polarity_label(v) for v in (0.01, 0.0, -0.01)] == [POSITIVE, NEUTRAL, NEGATIVE]


def test_tfidf_learns_a_separable_toy_set() -> None:
    words = {NEGATIVE: "awful", NEUTRAL: "tuesday", POSITIVE: "lovely"}
    train = [
        Example(f"{word} {filler}", label, "en", "toy")
        for label, word in words.items()
        for filler in ("day", "phone", "service", "show", "team", "shop")
    ]
    baseline = TfidfBaseline(min_df=1).fit(train)
    texts = ["lovely food", "awful food", "tuesday food"]
    assert baseline.predict(texts, ["en"] * 3) == [POSITIVE, NEGATIVE, NEUTRAL]
    probabilities = baseline.predict_proba(texts)
    assert probabilities.shape == (3, len(LABELS))
    assert probabilities.sum(axis=1) == pytest.approx([1.0] * 3)


def test_tfidf_keeps_label_order_when_a_class_is_missing() -> None:
    train = [Example(f"lovely {i}", POSITIVE, "en", "t") for i in range(3)]
    train += [Example(f"awful {i}", NEGATIVE, "en", "t") for i in range(3)]
    probabilities = TfidfBaseline(min_df=1).fit(train).predict_proba(["lovely", "awful"])
    assert probabilities[:, NEUTRAL].tolist() == [0.0, 0.0]
    assert probabilities.argmax(axis=1).tolist() == [POSITIVE, NEGATIVE]


def test_report_and_markdown_without_model(toy_file: Path) -> None:
    report = evaluate(None, toy_file, toy_file)
    assert report["model_version"] is None and report["n"] == len(ROWS)
    assert list(report["systems"]) == ["lexicon", "tfidf"]
    for system in report["systems"].values():
        assert set(system) == {"overall", "lang", "source"}
        assert set(system["lang"]) == {"en", "fr"}
        assert set(system["source"]) == {"toy-en-tweets", "toy-fr-reviews", "toy-fr-tweets"}
        assert {"macro_f1", "macro_recall", "accuracy", "confusion"} <= set(system["overall"])
    assert "ece" not in report["systems"]["lexicon"]["overall"]
    markdown = render_markdown(report)
    for section in ("## Macro-F1", "## Macro-recall", "## Accuracy", "## Calibration (ECE)"):
        assert section in markdown
    assert "| source: toy-fr-reviews |" in markdown and "| lang: fr |" in markdown
    assert "No model was evaluated." in markdown


def test_cli_end_to_end_with_a_tiny_model(
    tiny_model_dir: Path, toy_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, raw = tmp_path / "report" / "eval.md", tmp_path / "eval.json"
    main(["--model-dir", str(tiny_model_dir), "--data", str(toy_file), "--train", str(toy_file),
          "--out", str(out), "--json", str(raw)])  # fmt: skip
    printed = capsys.readouterr().out
    assert printed == out.read_text(encoding="utf-8")
    report = json.loads(raw.read_text(encoding="utf-8"))
    assert list(report["systems"]) == ["model", "lexicon", "tfidf"]
    assert report["model_version"] == tiny_model_dir.name
    model = report["systems"]["model"]
    assert 0.0 <= model["overall"]["ece"] <= 1.0 and "ece" in model["source"]["toy-en-tweets"]
    assert sum(map(sum, model["overall"]["confusion"])) == len(ROWS)
    assert "| group | n | model | lexicon | TF-IDF + LR |" in printed
    assert "## Model confusion matrices" in printed and "### source: toy-fr-tweets" in printed
    assert "| true \\ predicted | negative | neutral | positive |" in printed
