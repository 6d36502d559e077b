"""Service: Stripe-style idempotency keys. The first request with a key executes; later ones
replay its response. A concurrent duplicate waits on the key's row, then replays."""

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.mentions.models import IdempotencyRecord
from apps.partners.models import Partner

Outcome = tuple[int, dict[str, Any]]
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(Exception):
    """The key was first used with another request body."""


def request_fingerprint(body: bytes, content_type: str) -> str:
    return hashlib.sha256(content_type.encode() + b"\0" + body).hexdigest()


def idempotent_execute(
    partner: Partner, key: str, fingerprint: str, execute: Callable[[], Outcome]
) -> tuple[Outcome, bool]:
    """(status, body) of the first execution for this key, and whether it is a replay."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A second transaction inserting the same key blocks here until the first commits.
            cursor.execute(
                "INSERT INTO mentions_idempotencyrecord "
                "(partner_id, key, request_hash, created_at) "
                "VALUES (%s, %s, %s, now()) ON CONFLICT (partner_id, key) DO NOTHING RETURNING id",
                [partner.pk, key, fingerprint],
            )
            inserted = cursor.fetchone()
        if inserted is None:
            record = IdempotencyRecord.objects.get(partner=partner, key=key)
            if record.request_hash != fingerprint:
                raise IdempotencyKeyReused(key)
            assert record.status_code is not None and record.response_body is not None
            return (record.status_code, record.response_body), True
        status, body = execute()
        IdempotencyRecord.objects.filter(pk=inserted[0]).update(
            status_code=status, response_body=body
        )
        return (status, body), False


def idempotency_keys_forget() -> int:
    cutoff = timezone.now() - dt.timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_S)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
