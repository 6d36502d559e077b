from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from apps.opinion.services import model_version_install_shipped
from apps.regions.defaults import DEFAULT_LAYERS

DEMO_CATALOGUE = Path(settings.BASE_DIR) / "data" / "demo" / "brands.yaml"


class Command(BaseCommand):
    help = (
        "Load the default boundary layers from VOXPOP_DATA_DIR/geo and the demo brand catalogue. "
        "Idempotent: unchanged files are skipped, records are upserted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        geo_dir = Path(settings.VOXPOP_DATA_DIR) / "geo"
        if not geo_dir.is_dir():
            raise CommandError(
                f"{geo_dir} does not exist; set VOXPOP_DATA_DIR to the folder holding geo/."
            )
        for layer in DEFAULT_LAYERS:
            arguments = [
                str(geo_dir / layer.filename),
                f"--layer={layer.name}",
                f"--code-field={layer.fields.code}",
                f"--name-field={layer.fields.name}",
            ]
            if layer.fields.population:
                arguments.append(f"--population-field={layer.fields.population}")
            if layer.parent_layer and layer.fields.parent_code:
                arguments += [
                    f"--parent-layer={layer.parent_layer}",
                    f"--parent-field={layer.fields.parent_code}",
                ]
            call_command("load_boundaries", *arguments, stdout=self.stdout, stderr=self.stderr)
        call_command(
            "load_cities",
            str(geo_dir / "cities15000.gpkg"),
            f"--countries={geo_dir / 'world_countries.gpkg'}",
            stdout=self.stdout,
        )
        call_command("load_brands", str(DEMO_CATALOGUE), stdout=self.stdout, stderr=self.stderr)
        self._shipped_models()

    def _shipped_models(self) -> None:
        promoted = model_version_install_shipped()
        if promoted is not None:
            self.stdout.write(f"opinion model {promoted.version} promoted")
