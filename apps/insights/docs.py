"""OpenAPI examples of the insights responses (shortened)."""

from drf_spectacular.utils import OpenApiExample

_FIGURES = {
    "suppressed": False,
    "mentions": 412,
    "authors": 388,
    "positive": 170,
    "neutral": 121,
    "negative": 121,
    "net_sentiment": 0.1189,
    "interval": [0.0462, 0.1896],
    "share_of_voice": 0.3821,
}


def _example(name: str, value: dict) -> list[OpenApiExample]:
    return [OpenApiExample(name, value=value, response_only=True)]


EXAMPLES: dict[str, list[OpenApiExample]] = {
    "mentions": _example(
        "A page of mentions",
        {
            "type": "FeatureCollection",
            "next_cursor": "MjAyNi0xMS0yMlQx…",
            "min_authors": 10,
            "not_placed": 1207,
            "features": [
                {
                    "type": "Feature",
                    "id": "5f0c…",
                    "geometry": {"type": "Point", "coordinates": [2.352, 48.8566]},
                    "properties": {
                        "created_at": "2026-11-22T18:04:11Z",
                        "source": "post",
                        "lang": "fr",
                        "text": "Super accueil chez Carrefour ce matin",
                        "brands": ["carrefour"],
                        "label": "positive",
                        "score": 0.83,
                        "confidence": 0.91,
                        "model_version": "744ea80aca02fe67",
                        "location_provenance": "gps",
                        "precision_m": 12.0,
                    },
                }
            ],
        },
    ),
    "regions": _example(
        "Régions",
        {
            "type": "FeatureCollection",
            "layer": "fr-region",
            "min_authors": 10,
            "not_placed": 96,
            "not_placed_suppressed": False,
            "features": [
                {
                    "type": "Feature",
                    "id": "11",
                    "geometry": {"type": "MultiPolygon", "coordinates": []},
                    "properties": {
                        "code": "11",
                        "name": "Île-de-France",
                        "suppressed": False,
                        "brands": {"carrefour": _FIGURES},
                    },
                },
                {
                    "type": "Feature",
                    "id": "94",
                    "geometry": {"type": "MultiPolygon", "coordinates": []},
                    "properties": {
                        "code": "94",
                        "name": "Corse",
                        "suppressed": True,
                        "brands": {"carrefour": {"suppressed": True}},
                    },
                },
            ],
        },
    ),
    "h3": _example(
        "H3 cells",
        {
            "type": "FeatureCollection",
            "resolution": 6,
            "min_authors": 10,
            "not_placed": 2210,
            "features": [
                {
                    "type": "Feature",
                    "id": "861fb4667ffffff",
                    "geometry": {"type": "Polygon", "coordinates": []},
                    "properties": {
                        "cell": "861fb4667ffffff",
                        "suppressed": False,
                        "brands": {"carrefour": _FIGURES},
                    },
                }
            ],
        },
    ),
    "hotspots": _example(
        "Hotspots",
        {
            "on": "h3:5",
            "min_authors": 10,
            "brands": {
                "carrefour": [
                    {
                        "cell": "851fb467fffffff",
                        "mentions": 95,
                        "net_sentiment": -0.52,
                        "volume": {"class": "hot", "z": 4.1, "p": 0.00004},
                        "sentiment": {"class": "cold", "z": -5.3, "p": 0.0000001},
                    }
                ]
            },
        },
    ),
    "timeseries": _example(
        "Daily series",
        {
            "interval": "day",
            "min_authors": 10,
            "series": {
                "carrefour": [
                    {
                        "bucket": "2026-11-20",
                        **_FIGURES,
                        "volume_z": 0.4,
                        "sentiment_z": -0.2,
                        "anomalous": False,
                    }
                ]
            },
        },
    ),
    "share-of-voice": _example(
        "Share of voice",
        {
            "layer": "fr-region",
            "min_authors": 10,
            "regions": [
                {
                    "region": "11",
                    "brands": {
                        "carrefour": {
                            "suppressed": False,
                            "shares": {
                                "carrefour": {"suppressed": False, "mentions": 412, "share": 0.38},
                                "leclerc": {"suppressed": False, "mentions": 671, "share": 0.62},
                            },
                        }
                    },
                }
            ],
        },
    ),
    "places": _example(
        "Places",
        {
            "radius_m": 500,
            "min_authors": 10,
            "brands": {"carrefour": _FIGURES},
            "places": [
                {
                    "external_id": "crf-paris-01",
                    "brand": "carrefour",
                    "name": "Carrefour City Rivoli",
                    "address": "",
                    "location": [2.3522, 48.8566],
                    **_FIGURES,
                    "vs_brand": 0.21,
                }
            ],
        },
    ),
    "compare": _example(
        "Two weeks",
        {
            "a": {"…": "figure"},
            "b": {"…": "figure"},
            "differences": [
                {"unit": "11", "brand": "carrefour", "mentions": 40, "net_sentiment": -0.08}
            ],
        },
    ),
}
