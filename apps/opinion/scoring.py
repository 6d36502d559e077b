"""Service: score mentions with the promoted model, recording the version on every score."""

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.insights.rollups import rollup_days_mark_mentions
from apps.mentions.bulk import PerRow, mentions_set_columns
from apps.mentions.models import NOT_A_MODEL_PREFIXES, Mention, Status
from apps.opinion.predictor import current_predictor

if TYPE_CHECKING:
    from ml.serving import Predictor


def not_a_model() -> Q:
    """Labels a person or the generator set, which no model re-scores."""
    condition = Q()
    for prefix in NOT_A_MODEL_PREFIXES:
        condition |= Q(model_version__startswith=prefix)
    return condition


def mentions_score(ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Pipeline stage 3: enriched mentions get label, score, confidence and model version."""
    predictor = current_predictor()
    if predictor is None:
        return []  # nothing promoted yet: they wait, enriched, and promotion scores them
    mentions = list(
        Mention.objects.filter(id__in=ids, status=Status.ENRICHED).only("id", "text", "lang")
    )
    _apply(predictor, mentions)
    return [m.id for m in mentions]


def mentions_rescore(predictor: "Predictor", ids: Sequence[uuid.UUID]) -> int:
    """Re-score enriched or scored mentions that another version scored (or none); labels
    corrected by a person are theirs and stay."""
    mentions = list(
        Mention.objects.filter(id__in=ids, status__in=(Status.ENRICHED, Status.SCORED))
        .filter(~Q(model_version=predictor.version))
        .exclude(not_a_model())
        .only("id", "text", "lang")
    )
    _apply(predictor, mentions)
    return len(mentions)


def _apply(predictor: "Predictor", mentions: list[Mention]) -> None:
    if not mentions:
        return
    predictions = predictor.predict([m.text for m in mentions], [m.lang for m in mentions])
    with transaction.atomic():
        mentions_set_columns(
            [m.id for m in mentions],
            {
                "opinion_label": PerRow("text", [p.label for p in predictions]),
                "opinion_score": PerRow(
                    "float8", [max(-1.0, min(1.0, p.score)) for p in predictions]
                ),
                "opinion_confidence": PerRow("float8", [p.confidence for p in predictions]),
            },
            {
                "model_version": predictor.version,
                "status": Status.SCORED.value,
                "status_changed_at": timezone.now(),
            },
        )
        rollup_days_mark_mentions([m.id for m in mentions])
