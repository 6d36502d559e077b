"""Hand-written French and English opinion rows for fast tests."""

import json
from pathlib import Path

# (text, label, lang, source): eight of each label in each language.
ROWS: list[tuple[str, str, str, str]] = [
    ("I love this phone, it is great!", "positive", "en", "toy-en-tweets"),
    ("What a wonderful day, thank you all!", "positive", "en", "toy-en-tweets"),
    ("Great service, I love it.", "positive", "en", "toy-en-tweets"),
    ("This is the best movie ever, amazing!", "positive", "en", "toy-en-tweets"),
    ("Excellent support, very happy with it.", "positive", "en", "toy-en-tweets"),
    ("I love the new update, great work.", "positive", "en", "toy-en-tweets"),
    ("Amazing concert, I loved every minute!", "positive", "en", "toy-en-tweets"),
    ("So happy with this great purchase.", "positive", "en", "toy-en-tweets"),
    ("I hate this phone, it is terrible.", "negative", "en", "toy-en-tweets"),
    ("Worst service ever, awful and rude.", "negative", "en", "toy-en-tweets"),
    ("This update is terrible, I hate it.", "negative", "en", "toy-en-tweets"),
    ("Awful movie, a horrible waste of time.", "negative", "en", "toy-en-tweets"),
    ("Terrible support, very angry and sad.", "negative", "en", "toy-en-tweets"),
    ("I hate waiting, the worst queue ever.", "negative", "en", "toy-en-tweets"),
    ("Horrible food, awful and cold.", "negative", "en", "toy-en-tweets"),
    ("The battery is terrible, I hate it.", "negative", "en", "toy-en-tweets"),
    ("The store opens at nine tomorrow.", "neutral", "en", "toy-en-tweets"),
    ("The meeting is on Tuesday at noon.", "neutral", "en", "toy-en-tweets"),
    ("The new phone is released in March.", "neutral", "en", "toy-en-tweets"),
    ("The train leaves from platform four.", "neutral", "en", "toy-en-tweets"),
    ("The report is published on Tuesday.", "neutral", "en", "toy-en-tweets"),
    ("The store is on the main street.", "neutral", "en", "toy-en-tweets"),
    ("The update is released tomorrow.", "neutral", "en", "toy-en-tweets"),
    ("The train is at nine on Tuesday.", "neutral", "en", "toy-en-tweets"),
    ("J'adore ce livre, il est magnifique !", "positive", "fr", "toy-fr-reviews"),
    ("Un film excellent, vraiment magnifique.", "positive", "fr", "toy-fr-reviews"),
    ("Super service, très bon accueil, merci !", "positive", "fr", "toy-fr-tweets"),
    ("Un livre excellent et très beau.", "positive", "fr", "toy-fr-reviews"),
    ("Très bon restaurant, j'adore.", "positive", "fr", "toy-fr-tweets"),
    ("Magnifique concert, super ambiance !", "positive", "fr", "toy-fr-tweets"),
    ("Un très beau roman, excellent.", "positive", "fr", "toy-fr-reviews"),
    ("Super équipe, très bon travail !", "positive", "fr", "toy-fr-tweets"),
    ("Ce livre est nul, vraiment horrible.", "negative", "fr", "toy-fr-reviews"),
    ("Un film mauvais et ennuyeux.", "negative", "fr", "toy-fr-reviews"),
    ("Service horrible, très mauvais accueil.", "negative", "fr", "toy-fr-tweets"),
    ("Un roman nul et ennuyeux.", "negative", "fr", "toy-fr-reviews"),
    ("Restaurant horrible, c'est nul.", "negative", "fr", "toy-fr-tweets"),
    ("Concert mauvais, ambiance horrible.", "negative", "fr", "toy-fr-tweets"),
    ("Un livre très mauvais, nul.", "negative", "fr", "toy-fr-reviews"),
    ("Équipe nulle, travail horrible.", "negative", "fr", "toy-fr-tweets"),
    ("Le magasin ouvre à neuf heures demain.", "neutral", "fr", "toy-fr-tweets"),
    ("La réunion a lieu mardi à midi.", "neutral", "fr", "toy-fr-tweets"),
    ("Le livre sort en mars.", "neutral", "fr", "toy-fr-reviews"),
    ("Le train part du quai quatre.", "neutral", "fr", "toy-fr-tweets"),
    ("Le roman compte trois cents pages.", "neutral", "fr", "toy-fr-reviews"),
    ("Le magasin est dans la rue principale.", "neutral", "fr", "toy-fr-tweets"),
    ("Le film sort mardi.", "neutral", "fr", "toy-fr-reviews"),
    ("Le train part mardi à neuf heures.", "neutral", "fr", "toy-fr-tweets"),
]


def write_rows(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"text": t, "label": lab, "lang": la, "source": s}) for t, lab, la, s in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
