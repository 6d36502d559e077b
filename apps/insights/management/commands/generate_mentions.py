import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.insights.rollups import rollups_refresh_all
from apps.insights.synthetic.inputs import GenerationError
from apps.insights.synthetic.services import GenerationSummary, mentions_generate


class Command(BaseCommand):
    help = (
        "Generate N synthetic mentions over France (placed by commune population, mixed "
        "precisions, sources, languages and brand mixes by région) with planted patterns: "
        "negative hotspots, a weekly cycle and one spike. Deterministic per --seed; a second "
        "run with the same arguments stores nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("n", type=int, help="number of mentions")
        parser.add_argument("--brands", default="", help="slugs, comma-separated (default all)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--days", type=int, default=90, help="days covered (default 90)")
        parser.add_argument(
            "--end", type=dt.date.fromisoformat, default=None, help="last day, YYYY-MM-DD"
        )
        parser.add_argument(
            "--no-patterns",
            action="store_true",
            help="no hotspot, spike or weekly cycle; one opinion mix for all (a control)",
        )
        parser.add_argument(
            "--score",
            action="store_true",
            help="score with the promoted model instead of planting opinions (slow)",
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="connections writing at once (default 2)"
        )
        parser.add_argument("--plan-out", type=Path, default=None, help="write the summary JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        brands = [s.strip() for s in options["brands"].split(",") if s.strip()] or None
        bars: dict[str, tqdm[Any]] = {}

        def progress(stage: str, advance: int, total: int) -> None:
            if stage not in bars:
                bars[stage] = tqdm(total=total, desc=stage, unit=" mentions", disable=None)
            bars[stage].update(advance)

        self.stdout.write(f"Planning {options['n']} mentions…")
        try:
            summary = mentions_generate(
                options["n"],
                brands=brands,
                seed=options["seed"],
                days=options["days"],
                end=options["end"],
                patterns=not options["no_patterns"],
                score=options["score"],
                workers=options["workers"],
                progress=progress,
            )
        except GenerationError as error:
            raise CommandError(str(error)) from error
        finally:
            for bar in bars.values():
                bar.close()
        self._report(summary)
        if options["plan_out"]:
            options["plan_out"].write_text(json.dumps(summary.as_dict(), indent=2) + "\n")
            self.stdout.write(f"Summary written to {options['plan_out']}")
        self._refresh_rollups()

    def _report(self, summary: GenerationSummary) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.stored} of {summary.requested} mentions stored "
                f"({summary.requested - summary.stored} already there), seed {summary.seed}, "
                f"{summary.start} to {summary.end}, in {summary.seconds} s; opinions: "
                f"{summary.opinion_source} ({summary.scored} scored)"
            )
        )
        for name in ("by_provenance", "by_source", "by_lang", "by_brand"):
            counts = getattr(summary, name)
            shares = ", ".join(f"{k} {v / summary.requested:.1%}" for k, v in counts.items())
            self.stdout.write(f"  {name.removeprefix('by_')}: {shares}")
        for line in summary.patterns.describe():
            self.stdout.write(f"  {line}")

    def _refresh_rollups(self) -> None:
        self.stdout.write("Recomputing the rollups…")
        rollups_refresh_all(progress=True)
