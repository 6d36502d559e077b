"""Reference baselines for the opinion model: sentiment lexicons, and TF-IDF + logistic regression.

Both answer `predict(texts, langs)` with label indices (ml.labels order) and
`predict_scored(texts, langs)` with the labels and, where the method has one, a confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from textblob_fr import PatternAnalyzer
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from ml.data import Example
from ml.labels import LABEL_INDEX, LABELS

NEGATIVE, NEUTRAL, POSITIVE = (LABEL_INDEX[name] for name in ("negative", "neutral", "positive"))
VADER_THRESHOLD = 0.05  # the cut-off recommended by VADER's authors

# Labels, and one confidence per label or None where the method has no natural one.
Scored = tuple[list[int], list[float] | None]


class Baseline(Protocol):
    name: str

    def predict(self, texts: Sequence[str], langs: Sequence[str]) -> list[int]: ...

    def predict_scored(self, texts: Sequence[str], langs: Sequence[str]) -> Scored: ...


def vader_label(compound: float) -> int:
    if compound >= VADER_THRESHOLD:
        return POSITIVE
    if compound <= -VADER_THRESHOLD:
        return NEGATIVE
    return NEUTRAL


def polarity_label(polarity: float) -> int:
    if polarity > 0:
        return POSITIVE
    if polarity < 0:
        return NEGATIVE
    return NEUTRAL


class LexiconBaseline:
    """VADER for English, textblob-fr's pattern lexicon for French, chosen by each text's lang.

    The French analyzer is called directly on the raw text: it tokenizes with its own
    regular expressions and reads the lexicon shipped in the wheel, so no NLTK corpus is
    needed (a TextBlob object would want NLTK's punkt models for its own tokenization).
    Languages other than French go to VADER.
    """

    name = "lexicon"

    def __init__(self) -> None:
        self._vader = SentimentIntensityAnalyzer()
        self._french = PatternAnalyzer()

    def french_polarity(self, text: str) -> float:
        try:
            return float(self._french.analyze(text)[0])
        except AttributeError:
            # pattern takes a text such as "a-1234" for a WordNet synset id and fails on it.
            return 0.0

    def english_compound(self, text: str) -> float:
        return float(self._vader.polarity_scores(text)["compound"])

    def label(self, text: str, lang: str) -> int:
        if lang == "fr":
            return polarity_label(self.french_polarity(text))
        return vader_label(self.english_compound(text))

    def predict(self, texts: Sequence[str], langs: Sequence[str]) -> list[int]:
        return [self.label(text, lang) for text, lang in zip(texts, langs, strict=True)]

    def predict_scored(self, texts: Sequence[str], langs: Sequence[str]) -> Scored:
        return self.predict(texts, langs), None


class TfidfBaseline:
    """Word 1-2-grams and char_wb 2-5-grams, sublinear tf, class-balanced logistic regression."""

    name = "tfidf"

    def __init__(self, seed: int = 13, min_df: int = 2, max_iter: int = 1000) -> None:
        words = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=min_df, dtype=np.float32
        )
        chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            sublinear_tf=True,
            min_df=min_df,
            dtype=np.float32,
        )
        classifier = LogisticRegression(
            class_weight="balanced", max_iter=max_iter, random_state=seed
        )
        features = FeatureUnion([("words", words), ("chars", chars)])
        self.pipeline = Pipeline([("features", features), ("classifier", classifier)])
        self.fitted = False

    def fit(self, examples: Sequence[Example]) -> TfidfBaseline:
        if len({e.label for e in examples}) < 2:
            raise ValueError("TF-IDF + LR needs examples of at least two labels.")
        self.pipeline.fit(
            [e.text for e in examples],
            np.array([e.label for e in examples]),
            classifier__sample_weight=np.array([e.weight for e in examples]),
        )
        self.fitted = True
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """[len(texts), 3] probabilities in ml.labels order (0 for a class unseen in training)."""
        if not self.fitted:
            raise RuntimeError("fit the TF-IDF baseline before predicting.")
        out = np.zeros((len(texts), len(LABELS)))
        if texts:
            classes = self.pipeline.named_steps["classifier"].classes_
            out[:, classes] = self.pipeline.predict_proba(list(texts))
        return out

    def predict(self, texts: Sequence[str], langs: Sequence[str]) -> list[int]:
        return self.predict_scored(texts, langs)[0]

    def predict_scored(self, texts: Sequence[str], langs: Sequence[str]) -> Scored:
        probabilities = self.predict_proba(texts)
        return probabilities.argmax(axis=1).tolist(), probabilities.max(axis=1).tolist()
