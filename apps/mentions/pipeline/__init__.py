"""The ingestion pipeline: match (language, brands) -> locate (regions, H3) -> score."""

import logging
import uuid

from apps.mentions.ingest_batches import chunked

logger = logging.getLogger(__name__)
BATCH_SIZE = 256


def pipeline_start(ids: list[uuid.UUID]) -> None:
    """Enqueue the first stage for stored mentions. Called after commit; if the broker is down
    the mentions stay 'received' and the sweeper enqueues them later, so nothing is lost."""
    from apps.mentions.tasks import match_mentions  # noqa: PLC0415 - tasks import this module

    try:
        for batch in chunked([str(i) for i in ids], BATCH_SIZE):
            match_mentions.delay(batch)
    except Exception:
        logger.warning("could not enqueue %d mentions; the sweeper will", len(ids), exc_info=True)
