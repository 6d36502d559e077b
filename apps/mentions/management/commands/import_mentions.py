from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.mentions.imports import chunks_ingest
from apps.mentions.readers import FORMATS, guess_format, read_records

CHUNK = 5_000


def _chunks(records: Iterator[Any]) -> Iterator[list[Any]]:
    while chunk := list(islice(records, CHUNK)):
        yield chunk


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
        rejects_path = options["rejects"] or path.with_name(path.name + ".rejects.jsonl")
        if file_format not in FORMATS:
            raise CommandError(
                f"Unknown format {file_format!r}: use --format jsonl, csv or geojson."
            )
        chunks = _chunks(read_records(path, file_format))
        totals = {"rows": 0, "stored": 0, "duplicates": 0, "rejected": 0}
        with rejects_path.open("wb") as rejects, tqdm(unit=" rows", disable=None) as progress:
            for outcome in chunks_ingest(chunks, options["source"]):
                for rejection in outcome.rejected:
                    row = {
                        "row": totals["rows"] + rejection.index,
                        "external_id": rejection.external_id,
                        "reason": rejection.reason,
                    }
                    rejects.write(orjson.dumps(row) + b"\n")
                totals["rows"] += outcome.rows
                totals["stored"] += outcome.stored
                totals["duplicates"] += outcome.duplicates
                totals["rejected"] += len(outcome.rejected)
                progress.update(outcome.rows)
        self.stdout.write(
            self.style.SUCCESS(
                f"{totals['rows']} rows: {totals['stored']} stored, {totals['duplicates']} "
                f"duplicates, {totals['rejected']} rejected (reasons in {rejects_path})"
            )
        )
