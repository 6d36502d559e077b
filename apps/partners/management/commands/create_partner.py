from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.brands.models import Brand
from apps.partners.services import partner_create


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class Command(BaseCommand):
    help = "Create a partner entitled to some brands and print its API key, once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--brands", type=_csv, default=[], help="slugs, or 'all'")
        parser.add_argument("--scopes", type=_csv, default=["read"], help="ingest,read")
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        slugs = options["brands"]
        if slugs == ["all"]:
            slugs = list(Brand.objects.values_list("slug", flat=True))
        expires_at = None
        if options["expires_in_days"] is not None:
            expires_at = timezone.now() + timedelta(days=options["expires_in_days"])
        try:
            issued = partner_create(options["name"], slugs, options["scopes"], expires_at)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"Partner {options['name']!r} created with scopes "
            f"{','.join(issued.api_key.scopes)}; the key below is shown only once:"
        )
        self.stdout.write(issued.raw_key)
