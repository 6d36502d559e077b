from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.opinion.languages import languages_of
from apps.opinion.predictor import current_predictor

CHUNK = 1_024


class Command(BaseCommand):
    help = "Score a JSON-lines file (text, optional lang) with the promoted model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", type=Path, required=True)
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        predictor = current_predictor()
        if predictor is None:
            raise CommandError("No opinion model is promoted; run promote_model first.")
        rows = [orjson.loads(line) for line in options["input"].open("rb") if line.strip()]
        missing = [i for i, row in enumerate(rows) if not isinstance(row.get("text"), str)]
        if missing:
            raise CommandError(f"line {missing[0] + 1} has no text field")
        with options["output"].open("wb") as out:
            for start in tqdm(range(0, len(rows), CHUNK), unit="chunk", disable=None):
                chunk = rows[start : start + CHUNK]
                texts = [r["text"] for r in chunk]
                langs = languages_of(texts, [r.get("lang") for r in chunk])
                predictions = predictor.predict(texts, langs)
                for row, p in zip(chunk, predictions, strict=True):
                    row.update(
                        label=p.label,
                        score=round(p.score, 4),
                        confidence=round(p.confidence, 4),
                        model_version=predictor.version,
                    )
                    out.write(orjson.dumps(row) + b"\n")
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} texts scored with {predictor.version}"))
