"""Texts of synthetic mentions: real labelled sentences, with the brand named in them."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from apps.insights.synthetic.patterns import LABELS

# Drawn among the languages the corpus holds (French and English today): a language it lacks
# is not drawn, rather than stored beside a text in another language.
LANGUAGE_SHARES = {"fr": 0.80, "en": 0.15, "es": 0.02, "de": 0.02, "it": 0.01}
HASHTAG_SHARE = 0.2
PREFIX_SHARE = 0.5


@dataclass(frozen=True)
class Corpus:
    text: np.ndarray
    label: np.ndarray  # index into LABELS
    lang: np.ndarray


@dataclass(frozen=True)
class BrandWords:
    name: str
    aliases: dict[str, list[str]]
    hashtags: tuple[str, ...]

    def aliases_for(self, lang: str) -> list[str]:
        """Aliases of the language, else of any language, else the name."""
        if self.aliases.get(lang):
            return self.aliases[lang]
        return next((names for names in self.aliases.values() if names), [self.name])


def read_corpus(path: Path) -> Corpus:
    """A labelled JSON-lines corpus (text, label, lang), blank texts dropped."""
    frame = pd.read_json(path, lines=True, dtype={"text": str, "label": str, "lang": str})
    text = frame["text"].astype(str).str.replace("\x00", "", regex=False).str.strip()
    keep = (text != "") & frame["label"].isin(LABELS)
    label = frame.loc[keep, "label"].map({name: i for i, name in enumerate(LABELS)})
    return Corpus(
        text=text[keep].to_numpy(dtype=object),
        label=label.to_numpy(dtype=np.int64),
        lang=frame.loc[keep, "lang"].astype(str).to_numpy(dtype=object),
    )


def draw_languages(rng: np.random.Generator, n: int, corpus: Corpus) -> np.ndarray:
    available = [lang for lang in LANGUAGE_SHARES if lang in set(corpus.lang)]
    if not available:
        available = sorted(set(corpus.lang))
    shares = np.array([LANGUAGE_SHARES.get(lang, 1.0) for lang in available])
    return np.array(available, dtype=object)[rng.choice(len(available), n, p=shares / shares.sum())]


def sample_texts(
    rng: np.random.Generator, corpus: Corpus, lang: np.ndarray, label: np.ndarray
) -> np.ndarray:
    """Corpus row of each mention: same label and language, else same label in any language."""
    chosen = np.empty(len(lang), dtype=np.int64)
    for language in sorted(set(lang)):
        for index in range(len(LABELS)):
            rows = np.flatnonzero((lang == language) & (label == index))
            if not rows.size:
                continue
            pool = np.flatnonzero((corpus.lang == language) & (corpus.label == index))
            if not pool.size:
                pool = np.flatnonzero(corpus.label == index)
            chosen[rows] = pool[rng.integers(len(pool), size=rows.size)]
    return chosen


def brand_terms(
    rng: np.random.Generator, words: list[BrandWords], brand: np.ndarray, lang: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The alias or hashtag naming each mention's brand, and whether it is a hashtag."""
    terms = np.empty(len(brand), dtype=object)
    wants_tag = rng.random(len(brand)) < HASHTAG_SHARE
    is_tag = np.zeros(len(brand), dtype=bool)
    for b, brand_words in enumerate(words):
        for language in sorted(set(lang)):
            rows = np.flatnonzero((brand == b) & (lang == language))
            tags = rows[wants_tag[rows]] if brand_words.hashtags else rows[:0]
            named = np.setdiff1d(rows, tags, assume_unique=True)
            aliases = np.array(brand_words.aliases_for(language), dtype=object)
            terms[named] = aliases[rng.integers(len(aliases), size=named.size)]
            hashtags = np.array(brand_words.hashtags, dtype=object)
            terms[tags] = hashtags[rng.integers(len(hashtags), size=tags.size)]
            is_tag[tags] = True
    return terms, is_tag


def compose(
    rng: np.random.Generator, texts: np.ndarray, terms: np.ndarray, is_tag: np.ndarray
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """'<alias> : <text>' or '<text> <alias or hashtag>', and the term's span in it."""
    prefix = ~is_tag & (rng.random(len(texts)) < PREFIX_SHARE)
    composed = [
        f"{term} : {text}" if first else f"{text} {term}"
        for text, term, first in zip(texts, terms, prefix, strict=True)
    ]
    text_len = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    term_len = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
    start = np.where(prefix, 0, text_len + 1)
    return composed, start, start + term_len
