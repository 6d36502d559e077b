"""Brand matching: one Aho-Corasick automaton over every alias, handle and hashtag.

Matching is linear in the text's length whatever the number of brands, case- and
accent-insensitive, and only on word boundaries.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from geo.text import fold_keep_offsets


@dataclass(frozen=True)
class BrandTerms:
    brand_id: int
    terms: tuple[str, ...]


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


class BrandMatcher:
    def __init__(self, brands: Iterable[BrandTerms]) -> None:
        self._automaton = ahocorasick.Automaton()
        owners: dict[str, set[int]] = {}
        for brand in brands:
            for term in brand.terms:
                key = fold_keep_offsets(term.strip())
                if key:
                    owners.setdefault(key, set()).add(brand.brand_id)
        for key, brand_ids in owners.items():
            self._automaton.add_word(key, (key, tuple(sorted(brand_ids))))
        self._empty = not owners
        if not self._empty:
            self._automaton.make_automaton()

    def match(self, text: str) -> dict[int, list[list[int]]]:
        """Brand id -> [[start, end], …] spans in `text` (end exclusive)."""
        if self._empty:
            return {}
        folded = fold_keep_offsets(text)
        found: dict[int, list[list[int]]] = {}
        for end_index, (key, brand_ids) in self._automaton.iter(folded):
            start, end = end_index - len(key) + 1, end_index + 1
            if not self._on_word_boundaries(folded, key, start, end):
                continue
            for brand_id in brand_ids:
                found.setdefault(brand_id, []).append([start, end])
        return {brand_id: _outermost(spans) for brand_id, spans in found.items()}

    @staticmethod
    def _on_word_boundaries(text: str, key: str, start: int, end: int) -> bool:
        # '@' and '#' terms start with a non-word character: only their end needs a boundary.
        before_ok = start == 0 or not _is_word_char(key[0]) or not _is_word_char(text[start - 1])
        after_ok = end == len(text) or not _is_word_char(key[-1]) or not _is_word_char(text[end])
        return before_ok and after_ok


def _outermost(spans: list[list[int]]) -> list[list[int]]:
    """Drop spans inside another ('Free' inside 'Free Mobile')."""
    ordered = sorted(spans, key=lambda s: (s[0], -s[1]))
    kept: list[list[int]] = []
    for span in ordered:
        if not kept or span[1] > kept[-1][1]:
            kept.append(span)
    return kept
