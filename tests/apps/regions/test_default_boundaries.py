"""The real boundary files in ../shared: the default layers and the Paris look-up."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.regions.defaults import DEFAULT_LAYERS

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
# The communes file is large: a box around Paris keeps this test quick, through the same code.
PARIS_BOX = "2.2,48.8,2.5,48.95"


def _load(data_dir: Path, bbox_for: dict[str, str]) -> None:
    for layer in DEFAULT_LAYERS:
        args = [
            str(data_dir / "geo" / layer.filename),
            f"--layer={layer.name}",
            f"--code-field={layer.fields.code}",
            f"--name-field={layer.fields.name}",
            f"--population-field={layer.fields.population}",
        ]
        if layer.parent_layer:
            args += [
                f"--parent-layer={layer.parent_layer}",
                f"--parent-field={layer.fields.parent_code}",
            ]
        if layer.name in bbox_for:
            args.append(f"--bbox={bbox_for[layer.name]}")
        call_command("load_boundaries", *args, stdout=StringIO(), stderr=StringIO())


def test_default_layers_and_paris_lookup(read_client: APIClient, data_dir: Path) -> None:
    _load(data_dir, {"fr-commune": PARIS_BOX})
    counts = {
        layer: read_client.get("/api/v1/regions/", {"layer": layer}).json()["count"]
        for layer in ("fr-region", "fr-departement", "country")
    }
    assert counts == {"fr-region": 18, "fr-departement": 101, "country": 250}

    body = read_client.get("/api/v1/regions/lookup/", {"lat": 48.8566, "lon": 2.3522}).json()
    found = {r["layer"]: r for r in body["results"]}
    assert found["fr-commune"]["code"] == "75056"
    assert found["fr-commune"]["parent"] == {"layer": "fr-departement", "code": "75"}
    assert found["fr-departement"]["code"] == "75"
    assert found["fr-departement"]["parent"] == {"layer": "fr-region", "code": "11"}
    assert found["fr-region"]["code"] == "11"
    assert found["country"]["code"] == "FRA"
