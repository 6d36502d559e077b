from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.regions.services import boundary_layer_load
from geo.boundaries import BoundaryFields, BoundaryFileError


def _bbox(value: str) -> tuple[float, float, float, float]:
    parts = [float(v) for v in value.split(",")]
    if len(parts) != 4:
        raise ValueError("bbox takes minlon,minlat,maxlon,maxlat")
    return (parts[0], parts[1], parts[2], parts[3])


class Command(BaseCommand):
    help = (
        "Load a boundary layer from any file geopandas reads (GeoPackage, GeoJSON, Shapefile, "
        "GeoParquet): reprojects to EPSG:4326, repairs geometries, upserts by (layer, code)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--layer", required=True, help="layer name, e.g. fr-commune")
        parser.add_argument("--code-field", default="code")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--population-field", default=None)
        parser.add_argument("--parent-layer", default=None, help="layer the parents belong to")
        parser.add_argument("--parent-field", default=None, help="field holding the parent code")
        parser.add_argument("--source-layer", default=None, help="layer inside the file")
        parser.add_argument("--bbox", type=_bbox, default=None, help="minlon,minlat,maxlon,maxlat")
        parser.add_argument("--force", action="store_true", help="reload an unchanged file")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["parent_layer"]) != bool(options["parent_field"]):
            raise CommandError("--parent-layer and --parent-field go together; give both or none.")
        fields = BoundaryFields(
            code=options["code_field"],
            name=options["name_field"],
            population=options["population_field"],
            parent_code=options["parent_field"],
        )
        try:
            result = boundary_layer_load(
                options["path"],
                options["layer"],
                fields,
                parent_layer_name=options["parent_layer"],
                source_layer=options["source_layer"],
                bbox=options["bbox"],
                force=options["force"],
            )
        except (BoundaryFileError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped:
            self.stdout.write(f"{result.layer}: unchanged, {result.features} regions kept")
            return
        line = f"{result.layer}: {result.features} regions loaded"
        if options["parent_layer"]:
            line += f", {result.parents_linked} linked to a parent, {result.parents_missing} not"
        self.stdout.write(self.style.SUCCESS(line))
