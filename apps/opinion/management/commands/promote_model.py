from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.opinion.services import RegistryError, model_version_promote


class Command(BaseCommand):
    help = "Serve an opinion model version; stored mentions are re-scored in the background."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            promoted = model_version_promote(options["version"], promoted_by="manage.py")
        except RegistryError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{promoted.version} promoted"))
