import tempfile
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.mentions.models import Mention
from apps.opinion.services import model_version_register

# Star ratings are a weaker signal than human labels: they weigh less in the loss.
WEAK_LABEL_WEIGHT = 0.3
RATING_LABELS = {1: "negative", 2: "negative", 3: "neutral", 4: "positive", 5: "positive"}


def export_rated_mentions(path: Path) -> int:
    count = 0
    with path.open("wb") as out:
        rated = Mention.objects.filter(rating__isnull=False)
        for text, rating, lang, source in rated.values_list("text", "rating", "lang", "source"):
            if rating is None:
                continue
            row = {"text": text, "label": RATING_LABELS[rating], "lang": lang,
                   "source": f"rated-{source}", "weight": WEAK_LABEL_WEIGHT}  # fmt: skip
            out.write(orjson.dumps(row) + b"\n")
            count += 1
    return count


class Command(BaseCommand):
    help = "Train an opinion model (python -m ml.train) with weak labels from rated mentions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--config", type=Path, default=Path("ml/configs/default.yaml"))
        parser.add_argument("--resume", action="store_true")
        parser.add_argument("--no-weak-labels", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from ml.train import main  # noqa: PLC0415 - training code stays out of web and workers

        out_dir = Path(settings.MODEL_DIR)
        argv = ["--config", str(options["config"]), "--data-dir", str(settings.VOXPOP_DATA_DIR),
                "--out", str(out_dir)]  # fmt: skip
        if options["resume"]:
            argv.append("--resume")
        with tempfile.TemporaryDirectory() as tmp:
            weak = Path(tmp) / "rated_mentions.jsonl"
            if not options["no_weak_labels"] and export_rated_mentions(weak):
                argv += ["--extra", f"{weak}:{WEAK_LABEL_WEIGHT}"]
            version = main(argv)
        registered = model_version_register(out_dir / version)
        hint = f"promote it with: manage.py promote_model {registered.version}"
        self.stdout.write(self.style.SUCCESS(f"registered {registered.version}; {hint}"))
