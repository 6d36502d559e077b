"""The language each text is scored as: the one given with it, else detected as ingestion does."""

from collections.abc import Sequence

from apps.mentions.pipeline.language import detect_languages


def languages_of(texts: Sequence[str], given: Sequence[object]) -> list[str]:
    """One ISO 639-1 code per text; `given` may be shorter, or hold blanks, None or non-text."""
    langs = [
        value if i < len(given) and isinstance(value := given[i], str) else ""
        for i in range(len(texts))
    ]
    missing = [i for i, lang in enumerate(langs) if not lang.strip()]
    if missing:
        for i, lang in zip(missing, detect_languages([texts[i] for i in missing]), strict=True):
            langs[i] = lang
    return [lang.strip().lower() for lang in langs]
