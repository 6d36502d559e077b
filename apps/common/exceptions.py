"""Every API error leaves as `application/problem+json` (RFC 9457) with a clear `detail`."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://voxpop.dev/problems/"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A service voxpop depends on is unavailable; retry shortly."
    default_code = "service_unavailable"


def _flatten_detail(detail: Any) -> tuple[str, Any]:
    """A one-sentence `detail` plus, for validation errors, the per-field errors."""
    if isinstance(detail, dict):
        field, messages = next(iter(detail.items()))
        first = messages[0] if isinstance(messages, list) and messages else messages
        return f"{field}: {first}", detail
    if isinstance(detail, list):
        return (str(detail[0]) if detail else "Invalid request."), detail
    return str(detail), None


def problem_response(
    status_code: int, code: str, detail: str, errors: Any = None, headers: dict | None = None
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code.replace("_", "-"),
        "title": code.replace("_", " ").capitalize(),
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    detail, errors = _flatten_detail(exc.detail)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    headers = {k: v for k, v in response.headers.items() if k != "Content-Type"}
    return problem_response(response.status_code, str(code), detail, errors, headers)
