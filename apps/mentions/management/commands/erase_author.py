from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.mentions.services import author_erase


class Command(BaseCommand):
    help = "Erase every mention of an author (their id at the source), across all partners."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("author_id")

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = author_erase(options["author_id"])
        self.stdout.write(self.style.SUCCESS(f"{deleted} mention(s) erased"))
