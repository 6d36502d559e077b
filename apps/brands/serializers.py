"""Validation of a brand catalogue file; loading it is `services.brand_catalogue_load`."""

from typing import Any

from rest_framework import serializers

LANGUAGE_CODE_MAX = 8


class TermsByLanguageField(serializers.DictField):
    child = serializers.ListField(child=serializers.CharField(max_length=200), allow_empty=True)

    def to_internal_value(self, data: Any) -> dict[str, list[str]]:
        value = super().to_internal_value(data)
        bad = [lang for lang in value if not (0 < len(lang) <= LANGUAGE_CODE_MAX)]
        if bad:
            raise serializers.ValidationError(f"not a language code: {bad[0]!r}")
        return value


class CataloguePlaceSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=200)
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=500, required=False, default="")
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class CatalogueBrandSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=100)
    name = serializers.CharField(max_length=200)
    aliases = TermsByLanguageField(required=False, default=dict)
    keywords = TermsByLanguageField(required=False, default=dict)
    handles = serializers.ListField(child=serializers.CharField(max_length=100), default=list)
    hashtags = serializers.ListField(child=serializers.CharField(max_length=100), default=list)
    competitors = serializers.ListField(child=serializers.SlugField(), default=list)
    places = CataloguePlaceSerializer(many=True, default=list)


class CatalogueSerializer(serializers.Serializer):
    brands = CatalogueBrandSerializer(many=True)

    def validate_brands(self, brands: list[dict]) -> list[dict]:
        slugs = [b["slug"] for b in brands]
        repeated = {s for s in slugs if slugs.count(s) > 1}
        if repeated:
            raise serializers.ValidationError(f"brand slugs repeat: {', '.join(sorted(repeated))}")
        return brands
