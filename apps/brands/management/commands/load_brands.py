from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.brands.services import CatalogueError, brand_catalogue_load, brand_catalogue_read


class Command(BaseCommand):
    help = "Load a brand catalogue (YAML or JSON): brands, aliases, competitors and places."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = brand_catalogue_load(brand_catalogue_read(options["path"]))
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"brands: {result.brands_created} created, {result.brands_updated} updated; "
                f"places: {result.places_created} created, {result.places_updated} updated"
            )
        )
