from django.conf import settings
from rest_framework import serializers


class PredictRequestSerializer(serializers.Serializer):
    texts = serializers.ListField(
        child=serializers.CharField(max_length=5000, allow_blank=False, trim_whitespace=False),
        min_length=1,
        max_length=settings.OPINION_PREDICT_MAX_TEXTS,
    )
    langs = serializers.ListField(
        child=serializers.RegexField(
            r"^([A-Za-z]{2,3})?$",
            allow_null=True,
            allow_blank=True,
            error_messages={"invalid": "Give an ISO 639-1 code such as fr or en, or null."},
        ),
        required=False,
        help_text="The language (ISO 639-1) of each text, null where unknown; detected when "
        "absent. It selects the model's calibration for that language.",
    )

    def validate(self, attrs: dict) -> dict:
        langs = attrs.get("langs")
        if langs is not None and len(langs) != len(attrs["texts"]):
            raise serializers.ValidationError(
                {"langs": f"Give one language per text: {len(langs)} for {len(attrs['texts'])}."}
            )
        return attrs


class PredictionSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=["negative", "neutral", "positive"])  # type: ignore[assignment]
    score = serializers.FloatField(help_text="P(positive) - P(negative), in [-1, 1]")
    confidence = serializers.FloatField(help_text="calibrated probability of the label")
    lang = serializers.CharField(help_text="the language the text was read as (given or detected)")


class PredictResponseSerializer(serializers.Serializer):
    model_version = serializers.CharField()
    results = PredictionSerializer(many=True)
