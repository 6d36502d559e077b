from typing import Any

import orjson
from rest_framework import serializers

from apps.regions.models import Region


class RegionRefSerializer(serializers.Serializer):
    layer = serializers.CharField(source="layer.name")
    code = serializers.CharField()


class RegionSerializer(serializers.ModelSerializer):
    layer = serializers.CharField(source="layer.name")
    parent = RegionRefSerializer(allow_null=True)

    class Meta:
        model = Region
        fields = ("layer", "code", "name", "population", "parent")


class RegionFeatureSerializer(RegionSerializer):
    """A GeoJSON Feature whose geometry PostGIS already simplified and rounded."""

    def to_representation(self, instance: Region) -> dict[str, Any]:
        return {
            "type": "Feature",
            "id": f"{instance.layer.name}:{instance.code}",
            "geometry": orjson.loads(instance.geojson),  # type: ignore[attr-defined]
            "properties": super().to_representation(instance),
        }


class LookupQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class RegionListQuerySerializer(serializers.Serializer):
    layer = serializers.CharField(required=False)
    zoom = serializers.IntegerField(min_value=0, max_value=22, default=8)
