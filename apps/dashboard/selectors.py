"""What the dashboard page needs before its first API call: URLs, layers and filter choices.

Figures never come from here: the page reads them from the public insights API only.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse

from apps.insights.selectors.tiles import POINTS_MIN_ZOOM
from apps.mentions.models import H3_RESOLUTIONS, Source
from apps.regions.models import BoundaryLayer

# Choropleth levels, coarsest first, with the label the page shows.
LEVELS = (("fr-region", "Région"), ("fr-departement", "Département"), ("fr-commune", "Commune"))
LANGUAGES = (("fr", "French"), ("en", "English"))
TILE_PLACEHOLDER = "__layer__"


def dashboard_config() -> dict[str, Any]:
    loaded = set(BoundaryLayer.objects.values_list("name", flat=True))
    insights = {
        name: reverse(f"insights-{name}")
        for name in ("mentions", "regions", "h3", "hotspots", "timeseries", "share-of-voice",
                     "places")
    }  # fmt: skip
    tile = reverse("tiles", kwargs={"layer": TILE_PLACEHOLDER, "z": 0, "x": 0, "y": 0})
    return {
        "api": {
            **insights,
            "brands": reverse("brand-list"),
            # MapLibre's {z}/{x}/{y} template; the layer is filled in by the page.
            "tiles": tile.replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt").replace(
                TILE_PLACEHOLDER, "{layer}"
            ),
            "basemap": reverse("admin-basemap"),
        },
        "styleUrl": settings.DASHBOARD_STYLE_URL,
        "levels": [{"name": n, "label": label} for n, label in LEVELS if n in loaded],
        "sources": [{"value": v, "label": label} for v, label in Source.choices],
        "languages": [{"value": v, "label": label} for v, label in LANGUAGES],
        "pointsMinZoom": POINTS_MIN_ZOOM,
        "h3Resolutions": list(H3_RESOLUTIONS),
        "logoutUrl": reverse("admin:logout"),
    }
