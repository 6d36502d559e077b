"""Service: record a mention's failure; after MAX_ATTEMPTS it is dead-lettered with its error."""

import uuid

from django.db.models import F
from django.utils import timezone

from apps.mentions.models import Mention, Status

MAX_ATTEMPTS = 3


def mention_failure_record(mention_id: uuid.UUID, error: BaseException) -> int:
    """Count one more failed attempt; returns the attempts so far (dead at MAX_ATTEMPTS)."""
    message = f"{type(error).__name__}: {error}"[:2000]
    Mention.objects.filter(id=mention_id).update(attempts=F("attempts") + 1, last_error=message)
    attempts = Mention.objects.filter(id=mention_id).values_list("attempts", flat=True).first()
    if attempts is not None and attempts >= MAX_ATTEMPTS:
        Mention.objects.filter(id=mention_id).update(
            status=Status.DEAD, status_changed_at=timezone.now()
        )
    return attempts or 0


def mentions_redrive(ids: list[uuid.UUID] | None = None) -> list[uuid.UUID]:
    """Send dead-lettered mentions back to the start of the pipeline with fresh attempts."""
    dead = Mention.objects.filter(status=Status.DEAD)
    if ids is not None:
        dead = dead.filter(id__in=ids)
    revived = list(dead.values_list("id", flat=True))
    Mention.objects.filter(id__in=revived).update(
        status=Status.RECEIVED, attempts=0, last_error="", status_changed_at=timezone.now()
    )
    return revived
