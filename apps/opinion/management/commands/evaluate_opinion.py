import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.opinion.models import ModelVersion


class Command(BaseCommand):
    help = (
        "Evaluate a model version (default: the promoted one) against the lexicon and TF-IDF "
        "baselines on labelled data, overall, per language and per source; writes a report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        data = Path(settings.VOXPOP_DATA_DIR) / "opinion"
        parser.add_argument("--model-version", default=None)
        parser.add_argument("--data", type=Path, default=data / "dev.jsonl")
        parser.add_argument("--train", type=Path, default=data / "train.jsonl")
        parser.add_argument("--out", type=Path, default=Path(settings.BASE_DIR) / "var" / "reports")

    def handle(self, *args: Any, **options: Any) -> None:
        from ml.evaluate import evaluate, render_markdown  # noqa: PLC0415 - heavy, CLI only

        versions = ModelVersion.objects.all()
        chosen = (versions.filter(version=options["model_version"]) if options["model_version"]
                  else versions.filter(is_promoted=True)).first()  # fmt: skip
        if chosen is None:
            raise CommandError("No such model version (or none promoted); see register_model.")
        for path in (options["data"], options["train"]):
            if not path.is_file():
                raise CommandError(f"{path} does not exist; pass --data / --train.")
        report = evaluate(Path(chosen.path), options["data"], options["train"])
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        stem = f"{chosen.version}-{options['data'].stem}"
        markdown = render_markdown(report)
        (out / f"{stem}.md").write_text(markdown, encoding="utf-8")
        (out / f"{stem}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        self.stdout.write(markdown)
        self.stdout.write(self.style.SUCCESS(f"report written to {out / stem}.md"))
