"""Celery tasks: take ids, call a stage service, hand the ids to the next stage.

A batch that fails is retried mention by mention, so one poison mention is isolated, retried
with backoff and dead-lettered after MAX_ATTEMPTS without holding the others back.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from apps.mentions.ingest_batches import chunked
from apps.mentions.models import Mention, Status
from apps.mentions.pipeline import BATCH_SIZE
from apps.mentions.pipeline.failures import mention_failure_record
from apps.mentions.pipeline.stages import mentions_locate, mentions_match
from apps.opinion.predictor import promoted_model
from apps.opinion.scoring import mentions_score

logger = logging.getLogger(__name__)
Stage = Callable[[list[uuid.UUID]], list[uuid.UUID]]


def _run(task: Task, stage: Stage, ids: list[str], after: Task | None) -> None:
    mention_ids = [uuid.UUID(i) for i in ids]
    try:
        done = stage(mention_ids)
    except Exception as batch_error:
        if len(mention_ids) == 1:
            _record_and_retry(task, mention_ids[0], batch_error)
            return
        logger.warning("batch of %d failed in %s; retrying one by one", len(ids), task.name)
        done = []
        for mention_id in mention_ids:
            try:
                done += stage([mention_id])
            except Exception as exc:  # isolate the poison mention, keep the others going
                _record_and_retry(task, mention_id, exc)
    if after is not None and done:
        after.delay([str(i) for i in done])


def _record_and_retry(task: Task, mention_id: uuid.UUID, error: Exception) -> None:
    attempts = mention_failure_record(mention_id, error)
    logger.warning(
        "mention %s failed in %s (attempt %d): %s", mention_id, task.name, attempts, error
    )
    if attempts < settings.PIPELINE_MAX_ATTEMPTS:
        task.apply_async(([str(mention_id)],), countdown=2**attempts)


@shared_task(name="mentions.match", bind=True, acks_late=True, reject_on_worker_lost=True)
def match_mentions(self: Task, ids: list[str]) -> None:
    _run(self, mentions_match, ids, after=locate_mentions)


@shared_task(name="mentions.locate", bind=True, acks_late=True, reject_on_worker_lost=True)
def locate_mentions(self: Task, ids: list[str]) -> None:
    _run(self, mentions_locate, ids, after=score_mentions)


@shared_task(name="mentions.score", bind=True, acks_late=True, reject_on_worker_lost=True)
def score_mentions(self: Task, ids: list[str]) -> None:
    _run(self, mentions_score, ids, after=None)


STAGE_TASKS = {
    Status.RECEIVED: match_mentions,
    Status.MATCHED: locate_mentions,
    Status.ENRICHED: score_mentions,
}


@shared_task(name="mentions.sweep")
def sweep_stuck_mentions() -> int:
    """Re-enqueue mentions left in a stage longer than the timeout (a lost enqueue, a crash)."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.PIPELINE_STUCK_AFTER_S)
    sent = 0
    for status, task in STAGE_TASKS.items():
        if status == Status.ENRICHED and promoted_model() is None:
            continue  # nothing can score them yet; promotion will
        ids = [
            str(i)
            for i in Mention.objects.filter(status=status, status_changed_at__lt=cutoff)
            .order_by("status_changed_at")
            .values_list("id", flat=True)[: settings.PIPELINE_SWEEP_LIMIT]
        ]
        for batch in chunked(ids, BATCH_SIZE):
            task.delay(batch)
        sent += len(ids)
    return sent


@shared_task(name="mentions.forget_idempotency_keys")
def forget_idempotency_keys() -> int:
    from apps.mentions.idempotency import idempotency_keys_forget  # noqa: PLC0415

    return idempotency_keys_forget()
