from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.mentions.ingest import mentions_ingest
from apps.mentions.parsing import RawItem
from apps.mentions.readers import guess_format, read_items

CHUNK = 5_000


class Command(BaseCommand):
    help = (
        "Import a large file of mentions through the same validation as the API, written with "
        "COPY; rejected rows go to a file with their reasons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=("jsonl", "csv", "geojson"), default=None)
        parser.add_argument("--source", default=None, help="source for rows that name none")
        parser.add_argument("--rejects", type=Path, default=None, help="where rejected rows go")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        file_format = options["format"] or guess_format(path)
        rejects_path = options["rejects"] or path.with_name(path.name + ".rejects.jsonl")
        items = read_items(path, file_format)
        totals = {"stored": 0, "duplicates": 0, "rejected": 0}
        offset = 0
        with rejects_path.open("wb") as rejects, tqdm(unit=" rows", disable=None) as progress:
            while chunk := list(islice(items, CHUNK)):
                if options["source"]:
                    chunk = [_with_source(i, options["source"]) for i in chunk]
                result = mentions_ingest(None, chunk)
                for rejection in result.rejected:
                    row = {"row": offset + rejection.index, "external_id": rejection.external_id,
                           "reason": rejection.reason}  # fmt: skip
                    rejects.write(orjson.dumps(row) + b"\n")
                totals["stored"] += len(result.stored_ids)
                totals["duplicates"] += result.duplicates
                totals["rejected"] += len(result.rejected)
                offset += len(chunk)
                progress.update(len(chunk))
        self.stdout.write(
            self.style.SUCCESS(
                f"{offset} rows: {totals['stored']} stored, {totals['duplicates']} duplicates, "
                f"{totals['rejected']} rejected (reasons in {rejects_path})"
            )
        )


def _with_source(item: RawItem, source: str) -> RawItem:
    if isinstance(item.value, dict) and item.error is None and "source" not in item.value:
        return RawItem({**item.value, "source": source})
    return item
