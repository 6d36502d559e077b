import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.mentions.pipeline import pipeline_start
from apps.mentions.pipeline.failures import mentions_redrive


class Command(BaseCommand):
    help = "Send dead-lettered mentions (all, or the ids given) back through the pipeline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=uuid.UUID)

    def handle(self, *args: Any, **options: Any) -> None:
        revived = mentions_redrive(options["ids"] or None)
        pipeline_start(revived)
        self.stdout.write(self.style.SUCCESS(f"{len(revived)} mention(s) re-driven"))
