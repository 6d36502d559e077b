from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.exceptions import ServiceUnavailable
from apps.opinion.languages import languages_of
from apps.opinion.predictor import current_predictor
from apps.opinion.serializers import PredictRequestSerializer, PredictResponseSerializer


class PredictView(APIView):
    """Opinion of up to 100 texts (French or English) with the promoted model."""

    @extend_schema(
        request=PredictRequestSerializer,
        responses=PredictResponseSerializer,
        examples=[
            OpenApiExample(
                "two texts",
                value={"texts": ["Service au top !", "Never again."]},
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        query = PredictRequestSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        predictor = current_predictor()
        if predictor is None:
            raise ServiceUnavailable("No opinion model is promoted yet; promote one first.")
        texts = query.validated_data["texts"]
        langs = languages_of(texts, query.validated_data.get("langs", []))
        predictions = predictor.predict(texts, langs)
        results = [
            {"label": p.label, "score": round(p.score, 4), "confidence": round(p.confidence, 4),
             "lang": lang}
            for p, lang in zip(predictions, langs, strict=True)
        ]  # fmt: skip
        return Response({"model_version": predictor.version, "results": results})
