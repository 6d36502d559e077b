"""Endpoint-specific query parameters, on top of the shared filter grammar."""

from rest_framework import serializers

from apps.insights.selectors.temporal import INTERVALS
from apps.mentions.models import H3_RESOLUTIONS


class LayerParams(serializers.Serializer):
    layer = serializers.CharField(default="fr-region", help_text="a boundary layer name")


class RegionParams(LayerParams):
    zoom = serializers.IntegerField(
        default=6,
        min_value=0,
        max_value=22,
        help_text="web-map zoom the geometry is simplified for",
    )
    geometry = serializers.BooleanField(default=True, help_text="false: figures only")


class H3Params(serializers.Serializer):
    res = serializers.ChoiceField(choices=list(H3_RESOLUTIONS), default=6)


class HotspotParams(serializers.Serializer):
    res = serializers.ChoiceField(choices=list(H3_RESOLUTIONS), required=False)
    layer = serializers.CharField(
        required=False, help_text="use region contiguity on this layer instead of H3 cells"
    )


class TimeseriesParams(serializers.Serializer):
    interval = serializers.ChoiceField(choices=list(INTERVALS), default="day")


class PlaceParams(serializers.Serializer):
    radius_m = serializers.FloatField(default=500.0, min_value=10, max_value=50_000)


class MentionParams(serializers.Serializer):
    cursor = serializers.CharField(required=False)
    limit = serializers.IntegerField(default=100, min_value=1, max_value=1000)


FIGURES = ("regions", "h3", "timeseries", "share-of-voice", "places", "hotspots")


class CompareParams(serializers.Serializer):
    figure = serializers.ChoiceField(choices=FIGURES, default="regions")
    a_from = serializers.DateTimeField(required=False)
    a_to = serializers.DateTimeField(required=False)
    b_from = serializers.DateTimeField(required=False)
    b_to = serializers.DateTimeField(required=False)
    a_brand = serializers.CharField(required=False)
    b_brand = serializers.CharField(required=False)

    def validate(self, attrs: dict) -> dict:
        periods = any(attrs.get(name) for name in ("a_from", "a_to", "b_from", "b_to"))
        brands = attrs.get("a_brand") and attrs.get("b_brand")
        if periods == bool(brands):
            raise serializers.ValidationError(
                "Compare either two periods (a_from, a_to, b_from, b_to) "
                "or two brands (a_brand, b_brand), not both and not neither."
            )
        return attrs


class TileParams(serializers.Serializer):
    res = serializers.ChoiceField(choices=list(H3_RESOLUTIONS), required=False)
