import gc
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.mentions.imports import chunk_ingest
from apps.mentions.ingest_batches import chunked
from apps.mentions.readers import FORMATS, UnreadableFileError, guess_format, read_records

CHUNK = 5_000


class Command(BaseCommand):
    help = (
        "Import a large file of mentions through the same validation as the API, written with "
        "COPY; rejected rows go to a file with their reasons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=FORMATS, default=None)
        parser.add_argument("--source", default=None, help="source for rows that name none")
        parser.add_argument("--rejects", type=Path, default=None, help="where rejected rows go")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        file_format = options["format"] or guess_format(path)
        if file_format not in FORMATS:
            choices = ", ".join(FORMATS)
            raise CommandError(f"Unknown format {file_format!r}: use --format with {choices}.")
        rejects_path = options["rejects"] or path.with_name(path.name + ".rejects.jsonl")
        # Full garbage collections would otherwise walk every object loaded so far (Django,
        # GeoPandas...) again and again while rows are made by the hundred thousand.
        gc.freeze()
        try:
            totals = _import(path, file_format, options["source"], rejects_path)
        except UnreadableFileError as exc:
            raise CommandError(
                f"{exc}. Rows read before it are stored: once the file is fixed, the same "
                "command stores the rest (and counts those as duplicates)."
            ) from exc
        finally:
            gc.unfreeze()
        self.stdout.write(
            self.style.SUCCESS(
                f"{totals['rows']} rows: {totals['stored']} stored, {totals['duplicates']} "
                f"duplicates, {totals['rejected']} rejected (reasons in {rejects_path})"
            )
        )


def _import(path: Path, file_format: str, source: str | None, rejects_path: Path) -> Counter:
    totals: Counter = Counter(rows=0, stored=0, duplicates=0, rejected=0)
    with rejects_path.open("wb") as rejects, tqdm(unit=" rows", disable=None) as progress:
        for chunk in chunked(read_records(path, file_format), CHUNK):
            outcome = chunk_ingest(chunk, source)
            for rejection in outcome.rejected:
                row = {
                    "row": totals["rows"] + rejection.index,
                    "external_id": rejection.external_id,
                    "reason": rejection.reason,
                }
                rejects.write(orjson.dumps(row) + b"\n")
            totals.update(
                rows=outcome.rows,
                stored=outcome.stored,
                duplicates=outcome.duplicates,
                rejected=len(outcome.rejected),
            )
            progress.update(outcome.rows)
    return totals
