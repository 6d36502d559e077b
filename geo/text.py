"""Text normalisation shared by place-name and brand matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: 'Saint-Étienne ' -> 'saint-etienne'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip().lower()


def _same_length_fold_table() -> dict[int, str]:
    """Map each character to one lower-case, accent-free character, where one exists.

    Keeping one character for one keeps match offsets valid in the original text.
    """
    table = {}
    for code in range(0x10000):  # beyond the BMP nothing folds to one letter
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in base if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base != char:
            table[code] = base
    return table


_FOLD_TABLE: dict[int, str] | None = None


def fold_keep_offsets(text: str) -> str:
    """Like `fold` but character for character, so spans found in the result fit the input."""
    global _FOLD_TABLE  # noqa: PLW0603 - built once per process, on first use
    if _FOLD_TABLE is None:
        _FOLD_TABLE = _same_length_fold_table()
    return text.translate(_FOLD_TABLE)
