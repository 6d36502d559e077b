from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.exceptions import problem_response
from apps.mentions.idempotency import (
    MAX_KEY_LENGTH,
    IdempotencyKeyReused,
    idempotent_execute,
    request_fingerprint,
)
from apps.mentions.ingest import mentions_ingest
from apps.mentions.parsing import MAX_BODY_BYTES, BodyError, decompress, parse_items
from apps.mentions.services import author_erase
from apps.partners.models import Partner
from apps.partners.permissions import HasIngestScope

# A gzip body barely grows incompressible data; anything far past the limit is refused unread.
MAX_WIRE_BYTES = MAX_BODY_BYTES + 64_000
EXAMPLE_ITEM = {
    "source": "store_review",
    "external_id": "rev-20261123-0001",
    "text": "Caisse automatique en panne encore une fois…",
    "created_at": "2026-11-23T09:12:00Z",
    "lang": "fr",
    "author_id": "device-7f3a",
    "rating": 2,
    "lat": 48.8566,
    "lon": 2.3522,
    "accuracy_m": 15,
    "location_source": "gps",
}


def _outcome(partner: Partner, data: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    result = mentions_ingest(partner, parse_items(data, content_type))
    body = result.as_body()
    if result.accepted == 0:
        return 400, body
    return (207 if result.rejected else 202), body


class MentionBatchView(APIView):
    """Store a batch of mentions (JSON array, NDJSON or GeoJSON; gzip accepted)."""

    permission_classes = (HasIngestScope,)
    parser_classes = ()

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT, "application/x-ndjson": OpenApiTypes.STR},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={
            202: OpenApiResponse(description="every item stored (or already stored)"),
            207: OpenApiResponse(description="some items rejected; see `rejected`"),
            400: OpenApiResponse(description="no item could be stored, or the body is unreadable"),
            413: OpenApiResponse(description="over 1,000 items or 1 MB decompressed"),
            422: OpenApiResponse(description="Idempotency-Key reused with another body"),
        },
        examples=[OpenApiExample("one review", value=[EXAMPLE_ITEM], request_only=True)],
    )
    def post(self, request: Request) -> Response:
        partner = request.user
        if not isinstance(partner, Partner):
            raise exceptions.PermissionDenied("Ingestion needs a partner API key.")
        try:
            if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_WIRE_BYTES:
                raise BodyError(413, "payload_too_large", "Bodies are limited to 1 MB.")
            data = decompress(request.body, request.headers.get("Content-Encoding", ""))
            key = request.headers.get("Idempotency-Key", "").strip()
            if len(key) > MAX_KEY_LENGTH:
                raise BodyError(
                    400, "bad_idempotency_key", "Idempotency-Key is over 255 characters."
                )
            if not key:
                status, body = _outcome(partner, data, request.content_type)
                return self._respond(status, body, replayed=False)
            fingerprint = request_fingerprint(data, request.content_type)
            (status, body), replayed = idempotent_execute(
                partner, key, fingerprint, lambda: _outcome(partner, data, request.content_type)
            )
        except BodyError as error:
            return problem_response(error.status, error.code, error.detail)
        except IdempotencyKeyReused:
            return problem_response(422, "idempotency_key_reused", "This Idempotency-Key was "
                                    "used with a different body; use a new key.")  # fmt: skip
        return self._respond(status, body, replayed)

    @staticmethod
    def _respond(status: int, body: dict[str, Any], replayed: bool) -> Response:
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        if status == 400:
            detail = "No item could be stored; each rejection says why."
            return problem_response(
                400, "no_valid_items", detail, errors=body["rejected"], headers=headers
            )
        return Response(body, status=status, headers=headers)


class AuthorErasureView(APIView):
    """Erase an author: every mention of theirs this partner sent, and all derived from them."""

    permission_classes = (HasIngestScope,)

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(description='{"deleted": <number of mentions>}')},
    )
    def delete(self, request: Request, author_id: str) -> Response:
        partner = request.user
        if not isinstance(partner, Partner):
            raise exceptions.PermissionDenied("Erasure needs a partner API key.")
        return Response({"deleted": author_erase(author_id, partner_id=partner.pk)})
