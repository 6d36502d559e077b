"""Services: correct a mention's opinion label or location by hand, leaving an audit record.

A corrected label is a person's, not a model's: the mention's model_version becomes
"human:<username>", its score the label's end of the scale (-1, 0 or 1) and its confidence 1.
Re-scoring after a model promotion skips such mentions, so the correction stays. The
MentionCorrection row keeps the previous label, score and model version, the author and why.

A corrected location replaces the point, radius and provenance; a mention that the pipeline
had already located gets its regions and H3 cells again from the same stage service.
"""

import math
from typing import Any

from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from apps.insights.rollups import rollup_days_mark_mentions
from apps.mentions.locations import DEFAULT_PRECISION_M
from apps.mentions.models import (
    HUMAN_VERSION_PREFIX,
    CorrectedField,
    LocationProvenance,
    Mention,
    MentionCorrection,
    OpinionLabel,
    Status,
)
from apps.mentions.pipeline.stages import mentions_locate

HUMAN_SCORE = {OpinionLabel.NEGATIVE: -1.0, OpinionLabel.NEUTRAL: 0.0, OpinionLabel.POSITIVE: 1.0}
LOCATED = (Status.ENRICHED, Status.SCORED)
LABEL_FIELDS = ("opinion_label", "opinion_score", "opinion_confidence", "model_version")


class CorrectionError(ValueError):
    """The correction cannot be made; the message says what to do instead."""


def human_version(user: User) -> str:
    max_length = Mention._meta.get_field("model_version").max_length or 64
    return f"{HUMAN_VERSION_PREFIX}{user.get_username()}"[:max_length]


@transaction.atomic
def mention_correct_label(
    mention: Mention, label: str, *, user: User, reason: str
) -> MentionCorrection:
    """Set the opinion label of an enriched or scored mention as a person's judgement."""
    _check_reason(reason)
    if label not in OpinionLabel.values:
        raise CorrectionError(
            f"label must be one of {', '.join(OpinionLabel.values)}; got {label!r}"
        )
    mention = _locked(mention)
    if mention.status not in LOCATED:
        raise CorrectionError(
            f"mention {mention} is {mention.status}, not scored yet: wait for the pipeline "
            "to score it (re-drive it first if it is dead-lettered), then correct its label."
        )
    old = {name: getattr(mention, name) for name in LABEL_FIELDS}
    mention.opinion_label = label
    mention.opinion_score = HUMAN_SCORE[OpinionLabel(label)]
    mention.opinion_confidence = 1.0
    mention.model_version = human_version(user)
    mention.status, mention.status_changed_at = Status.SCORED, timezone.now()
    mention.save(update_fields=[*LABEL_FIELDS, "status", "status_changed_at"])
    new = {name: getattr(mention, name) for name in LABEL_FIELDS}
    rollup_days_mark_mentions([mention.id])
    return _record(mention, CorrectedField.LABEL, old, new, user=user, reason=reason)


@transaction.atomic
def mention_correct_location(
    mention: Mention,
    lon: float,
    lat: float,
    precision_m: float | None,
    *,
    user: User,
    reason: str,
    provenance: str = LocationProvenance.TEXT,
) -> MentionCorrection:
    """Move a mention (radius defaults to the provenance's usual one) and re-locate it."""
    _check_reason(reason)
    _check_location(lon, lat, precision_m, provenance)
    mention = _locked(mention)
    old = _location_state(mention)
    mention.location = Point(lon, lat, srid=4326)
    mention.precision_m = (
        precision_m
        if precision_m is not None
        else DEFAULT_PRECISION_M[LocationProvenance(provenance)]
    )
    mention.location_provenance = provenance
    mention.save(update_fields=["location", "precision_m", "location_provenance"])
    mention_relocate(mention)
    mention.refresh_from_db()
    new = _location_state(mention)
    rollup_days_mark_mentions([mention.id])
    return _record(mention, CorrectedField.LOCATION, old, new, user=user, reason=reason)


def mention_relocate(mention: Mention) -> None:
    """Regions and H3 cells of a mention again, if the pipeline had located it already (the
    pipeline locates the others when they get there)."""
    if mention.status in LOCATED:
        status = Status(mention.status)
        mentions_locate([mention.id], status=status, next_status=status)


def _locked(mention: Mention) -> Mention:
    return Mention.objects.select_for_update().get(pk=mention.pk)


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise CorrectionError("say why you correct this mention: the reason is kept for audit")


def _check_location(lon: float, lat: float, precision_m: float | None, provenance: str) -> None:
    if not (math.isfinite(lon) and -180 <= lon <= 180 and math.isfinite(lat) and -90 <= lat <= 90):
        raise CorrectionError(
            f"lon {lon}, lat {lat} is not a point on Earth: lon -180..180, "
            "lat -90..90 (WGS 84 degrees)"
        )
    if precision_m is not None and not (math.isfinite(precision_m) and precision_m >= 0):
        raise CorrectionError(f"precision {precision_m} must be a radius in metres, 0 or more")
    if provenance not in DEFAULT_PRECISION_M:
        raise CorrectionError(
            f"provenance must be one of {', '.join(sorted(DEFAULT_PRECISION_M))}; "
            f"got {provenance!r}"
        )


def _location_state(mention: Mention) -> dict[str, Any]:
    point = mention.location
    return {
        "lon": point.x if point is not None else None,
        "lat": point.y if point is not None else None,
        "precision_m": mention.precision_m,
        "provenance": mention.location_provenance,
        "h3_r9": mention.h3_r9,
    }


def _record(
    mention: Mention,
    field: CorrectedField,
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    user: User,
    reason: str,
) -> MentionCorrection:
    return MentionCorrection.objects.create(
        mention=mention,
        field=field,
        old_value=old,
        new_value=new,
        reason=reason.strip(),
        changed_by=user,
    )
