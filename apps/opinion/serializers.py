from django.conf import settings
from rest_framework import serializers


class PredictRequestSerializer(serializers.Serializer):
    texts = serializers.ListField(
        child=serializers.CharField(max_length=5000, allow_blank=False, trim_whitespace=False),
        min_length=1,
        max_length=settings.OPINION_PREDICT_MAX_TEXTS,
    )


class PredictionSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=["negative", "neutral", "positive"])  # type: ignore[assignment]
    score = serializers.FloatField(help_text="P(positive) - P(negative), in [-1, 1]")
    confidence = serializers.FloatField(help_text="calibrated probability of the label")


class PredictResponseSerializer(serializers.Serializer):
    model_version = serializers.CharField()
    results = PredictionSerializer(many=True)
