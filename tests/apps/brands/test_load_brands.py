from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.brands.models import Brand, Place

pytestmark = pytest.mark.django_db
CATALOGUE = """
brands:
  - slug: acme
    name: Acme
    aliases: {fr: [Acmé, Acme], en: [Acme]}
    handles: ["@acme"]
    hashtags: ["#acme"]
    competitors: [globex]
    places:
      - {external_id: s1, name: Acme Paris, lat: 48.85, lon: 2.35}
  - slug: globex
    name: Globex
    competitors: [acme]
"""


def _load(path: Path) -> str:
    out = StringIO()
    call_command("load_brands", str(path), stdout=out)
    return out.getvalue()


def test_catalogue_loads_and_reloads_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "brands.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    assert "brands: 2 created, 0 updated; places: 1 created" in _load(path)
    assert "brands: 0 created, 2 updated; places: 0 created, 1 updated" in _load(path)
    acme = Brand.objects.get(slug="acme")
    assert acme.aliases == {"fr": ["Acmé", "Acme"], "en": ["Acme"]}
    assert list(acme.competitors.values_list("slug", flat=True)) == ["globex"]
    assert Place.objects.get().point.coords == (2.35, 48.85)
    assert Brand.objects.count() == 2


def test_json_catalogue_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "brands.json"
    path.write_text('{"brands": [{"slug": "solo", "name": "Solo"}]}', encoding="utf-8")
    _load(path)
    assert Brand.objects.get().name == "Solo"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("brands:\n  - {slug: a, name: A, competitors: [ghost]}", "unknown competitors"),
        ("brands:\n  - {slug: a, name: A}\n  - {slug: a, name: B}", "brand slugs repeat"),
        (
            "brands:\n  - {slug: a, name: A, places: [{external_id: x, name: X, lat: 95, lon: 0}]}",
            "lat",
        ),
        ("brands: [", "cannot read"),
    ],
)
def test_bad_catalogues_are_refused_whole(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        _load(path)
    assert not Brand.objects.exists()


def test_demo_catalogue_is_valid() -> None:
    _load(Path(settings.BASE_DIR) / "data" / "demo" / "brands.yaml")
    orange = Brand.objects.get(slug="orange")
    assert set(orange.competitors.values_list("slug", flat=True)) == {
        "sfr",
        "bouygues-telecom",
        "free",
    }
    assert Place.objects.count() >= 10
