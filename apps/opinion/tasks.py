from celery import shared_task
from django.db.models import F

from apps.mentions.models import Mention, Status
from apps.opinion.models import ModelVersion
from apps.opinion.predictor import current_predictor
from apps.opinion.scoring import mentions_rescore, not_a_model

RESCORE_CHUNK = 512


@shared_task(name="opinion.rescore", acks_late=True, reject_on_worker_lost=True)
def rescore_mentions(model_version_id: int) -> int:
    """After a promotion: re-score stored mentions in chunks, progress visible in the admin.

    Safe to run again: mentions already scored by the promoted version are skipped."""
    target = ModelVersion.objects.filter(pk=model_version_id, is_promoted=True).first()
    predictor = current_predictor()
    if target is None or predictor is None or predictor.version != target.version:
        return 0  # superseded by a later promotion
    pending = (
        Mention.objects.filter(status__in=(Status.ENRICHED, Status.SCORED))
        .exclude(model_version=target.version)
        .exclude(not_a_model())
    )
    ModelVersion.objects.filter(pk=target.pk).update(rescore_total=pending.count(), rescore_done=0)
    done = 0
    while ids := list(pending.order_by("id").values_list("id", flat=True)[:RESCORE_CHUNK]):
        done += mentions_rescore(predictor, ids)
        ModelVersion.objects.filter(pk=target.pk).update(rescore_done=F("rescore_done") + len(ids))
    return done
