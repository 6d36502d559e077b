"""Language detection, offline (lingua), for French, English and the languages around them."""

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# French and English are what the opinion model reads; the others are detected so that they
# are marked as such rather than mistaken for French or English.
LANGUAGES = (
    Language.FRENCH,
    Language.ENGLISH,
    Language.SPANISH,
    Language.GERMAN,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH,
    Language.ARABIC,
)
UNDETERMINED = "und"


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    # Built once per process, on first use: it holds the language models in memory.
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


def detect_languages(texts: list[str]) -> list[str]:
    """ISO 639-1 code per text, or 'und' when no language is likely enough."""
    detected = _detector().detect_languages_in_parallel_of(texts)
    return [_code(language) for language in detected]


def _code(language: Language | None) -> str:
    if language is None:
        return UNDETERMINED
    iso: IsoCode639_1 = language.iso_code_639_1
    return str(iso.name).lower()
