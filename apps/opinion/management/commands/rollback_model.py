from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.opinion.services import RegistryError, model_version_rollback


class Command(BaseCommand):
    help = "Promote again the opinion model version that served before the current one."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            promoted = model_version_rollback(promoted_by="manage.py")
        except RegistryError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"rolled back to {promoted.version}"))
