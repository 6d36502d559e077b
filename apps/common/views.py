from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.health import run_probes


class HealthView(APIView):
    """Readiness: 200 when the database, Redis and a Celery worker answer, 503 otherwise."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        responses=inline_serializer(
            "Health",
            {"status": serializers.CharField(), "checks": serializers.DictField()},
        )
    )
    def get(self, request: Request) -> Response:
        healthy, checks = run_probes()
        return Response(
            {"status": "ok" if healthy else "unavailable", "checks": checks},
            status=status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE,
        )
