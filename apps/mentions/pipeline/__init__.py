"""The ingestion pipeline: match (language, brands) -> locate (regions, H3) -> score."""

import logging
import uuid
from collections.abc import Sequence

from apps.mentions.ingest_batches import chunked

logger = logging.getLogger(__name__)
# One task per ingest request (at most 1,000 items): fewer messages to send, and the model
# stage sorts a whole task's texts by length before cutting them into forward passes.
BATCH_SIZE = 1000


def pipeline_start(ids: Sequence[uuid.UUID | str]) -> None:
    """Enqueue the first stage for stored mentions. Called after commit; if the broker is down
    the mentions stay 'received' and the sweeper enqueues them later, so nothing is lost."""
    from apps.mentions.tasks import match_mentions  # noqa: PLC0415 - tasks import this module

    try:
        with match_mentions.app.producer_or_acquire() as producer:
            for batch in chunked([str(i) for i in ids], BATCH_SIZE):
                # Celery's default repr of the ids for the message headers was a fifth of the
                # time spent sending; argsrepr is a Celery option the stubs do not list.
                match_mentions.apply_async(  # type: ignore[call-arg]
                    (batch,), producer=producer, argsrepr=f"[{len(batch)} mention ids]"
                )
    except Exception:
        logger.warning("could not enqueue %d mentions; the sweeper will", len(ids), exc_info=True)
