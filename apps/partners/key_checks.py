"""API keys this process authenticated before, taken as still valid by read views that check
them in the first statement of their read instead of looking them up first: one round trip
fewer per request.

A view opts in with `KeyCheckedInReadMixin`; its reads send `check_sql()` with their first
statement (`apps.insights.sql.insight_cursor` does) and pass what it answers to `settle`. A key
whose fingerprint changed (revoked, expired, its scopes, its partner or the partner's brands)
is forgotten and the request runs again with a fresh lookup; a request that ends without such a
check (an error before any read, a read inside a transaction) looks the key up before it
answers. Nothing is answered from a key that was not checked in the database during the
request.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from rest_framework.response import Response

from apps.partners.models import ApiKey
from apps.partners.selectors import api_key_by_hash, key_fingerprint_sql
from apps.partners.services import api_key_touch

MAX_REMEMBERED = 1024

# key hash → the key as its last lookup in this process found it (with its fingerprint)
_remembered: dict[str, ApiKey] = {}


@dataclass
class _RequestCheck:
    """The key a request assumed, if any, and whether the database confirmed it."""

    # A request run again after its key changed looks the key up, never assumes it.
    fresh_only: bool = False
    key_hash: str | None = None
    api_key: ApiKey | None = None
    fingerprint: str | None = None
    settled: bool = False
    changed: bool = False


_current: ContextVar[_RequestCheck | None] = ContextVar("voxpop_key_check", default=None)
_running_again: ContextVar[bool] = ContextVar("voxpop_key_running_again", default=False)


class KeyChanged(Exception):
    """The key a request assumed changed since this process looked it up: run it again."""


def remember(key_hash: str, api_key: ApiKey) -> None:
    if len(_remembered) >= MAX_REMEMBERED:
        _remembered.clear()
    _remembered[key_hash] = api_key


def forget(key_hash: str) -> None:
    _remembered.pop(key_hash, None)


def assumed(key_hash: str) -> ApiKey | None:
    """The remembered key, inside a request of a view that checks it in its read; else None."""
    check = _current.get()
    api_key = _remembered.get(key_hash)
    if check is None or check.fresh_only or api_key is None or api_key.fingerprint is None:
        return None
    check.key_hash, check.fingerprint = key_hash, api_key.fingerprint
    return api_key


def accepted(api_key: ApiKey) -> None:
    """The assumed key passed authentication: its use is recorded once the check holds."""
    check = _current.get()
    if check is not None:
        check.api_key = api_key


def check_sql() -> str | None:
    """An SQL expression to read beside the request's next statement, while its key is unchecked."""
    check = _current.get()
    if check is None or check.key_hash is None or check.settled or check.changed:
        return None
    return key_fingerprint_sql(check.key_hash)


def settle(fingerprint_now: str | None) -> None:
    """What `check_sql()` answered: the request goes on, or `KeyChanged` is raised."""
    check = _current.get()
    if check is None or check.key_hash is None:
        raise RuntimeError("A key check was read outside a request that assumed a key.")
    if fingerprint_now != check.fingerprint:
        check.changed = True  # the mixin's dispatch forgets the key and runs the request again
        raise KeyChanged("The API key or what it may read changed; looking it up again.")
    check.settled = True


def _confirmed(check: _RequestCheck) -> bool:
    assert check.key_hash is not None
    api_key = api_key_by_hash(check.key_hash)
    return api_key is not None and api_key.fingerprint == check.fingerprint


class KeyCheckedInReadMixin:
    """For an APIView of GET requests whose reads call `check_sql` and `settle`."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        check = _RequestCheck(fresh_only=_running_again.get())
        token = _current.set(check)
        try:
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            if check.key_hash is not None and not (check.settled or check.changed):
                check.changed = not _confirmed(check)
        finally:
            _current.reset(token)
        if check.changed:
            assert check.key_hash is not None
            forget(check.key_hash)
            return self._run_again(request, *args, **kwargs)
        if check.api_key is not None:
            api_key_touch(check.api_key)  # only now that the key is known to hold
        return response

    def _run_again(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """The request from the start, once, with a fresh lookup of its key."""
        token = _running_again.set(True)
        try:
            return type(self).as_view()(request, *args, **kwargs)  # type: ignore[attr-defined]
        finally:
            _running_again.reset(token)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, KeyChanged):
            return Response(status=503)  # replaced by the request run again (`dispatch`)
        return super().handle_exception(exc)  # type: ignore[misc]
