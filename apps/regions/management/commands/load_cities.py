from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.regions.services import cities_load


class Command(BaseCommand):
    help = "Load populated places (GeoNames cities) used to resolve free-text profile locations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--countries", type=Path, default=None, help="countries file (names)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = cities_load(options["path"], options["countries"])
        self.stdout.write(self.style.SUCCESS(f"cities: {count} loaded"))
