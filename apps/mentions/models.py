import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.db.models import Q, Value
from django.db.models.functions import Now


class Source(models.TextChoices):
    POST = "post", "social post"
    APP_REVIEW = "app_review", "app review"
    STORE_REVIEW = "store_review", "store review"
    CHECKIN = "checkin", "check-in"
    TIP = "tip", "tip"
    SURVEY = "survey", "survey"


class LocationProvenance(models.TextChoices):
    GPS = "gps", "device GPS"
    PLACE = "place", "a brand place"
    PROFILE = "profile", "the author's profile location"
    TEXT = "text", "a place named in the text"
    COUNTRY = "country", "country only"
    NONE = "none", "unknown"


class OpinionLabel(models.TextChoices):
    NEGATIVE = "negative", "negative"
    NEUTRAL = "neutral", "neutral"
    POSITIVE = "positive", "positive"


class Status(models.TextChoices):
    RECEIVED = "received", "received"
    MATCHED = "matched", "language and brands found"
    ENRICHED = "enriched", "enriched"
    SCORED = "scored", "scored"
    DEAD = "dead", "dead-lettered"


# model_version of a label set by a person in the admin ("human:<username>"): re-scoring after a
# model promotion leaves such mentions alone, the correction itself lies in MentionCorrection.
HUMAN_VERSION_PREFIX = "human:"
# model_version of the labels `generate_mentions` plants ("synthetic-planted"): not a model's
# output either, so re-scoring leaves them too (the planted patterns stay what tests look for).
PLANTED_VERSION_PREFIX = "synthetic-"
NOT_A_MODEL_PREFIXES = (HUMAN_VERSION_PREFIX, PLANTED_VERSION_PREFIX)

# Mentions carry H3 cells at these resolutions (the h3_r4 … h3_r9 fields).
H3_RESOLUTIONS = tuple(range(4, 10))


class Mention(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    external_id = models.CharField(max_length=200)
    text = models.TextField()
    lang = models.CharField(max_length=8, blank=True)
    # HMAC-SHA256 of the source's author id; the raw id is never stored.
    author_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    place = models.ForeignKey(
        "brands.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    # Indexed with created_at below (GiST, btree_gist), which also serves location alone.
    location = models.PointField(srid=4326, null=True, blank=True, spatial_index=False)
    precision_m = models.FloatField(null=True, blank=True, help_text="radius, metres")
    location_provenance = models.CharField(
        max_length=10, choices=LocationProvenance.choices, default=LocationProvenance.NONE
    )

    brands = models.ManyToManyField(
        "brands.Brand", through="MentionBrand", blank=True, related_name="mentions"
    )
    # The ids of `brands`, written with them by the matching stage: kept on the row so that a
    # brand filter and a time or area filter combine their indexes on one table.
    # The database default serves the COPY writers, which leave the column out.
    brand_ids = ArrayField(models.BigIntegerField(), default=list, db_default=Value([]), blank=True)
    # Database defaults (db_default) on the columns a new mention starts blank serve the COPY
    # writers, which then send 14 columns instead of 26.
    opinion_label = models.CharField(
        max_length=10, choices=OpinionLabel.choices, blank=True, default="", db_default=""
    )
    opinion_score = models.FloatField(null=True, blank=True, help_text="-1 … 1")
    opinion_confidence = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=64, blank=True, default="", db_default="")
    h3_r4 = models.CharField(max_length=16, blank=True, default="", db_default="")
    h3_r5 = models.CharField(max_length=16, blank=True, default="", db_default="")
    h3_r6 = models.CharField(max_length=16, blank=True, default="", db_default="")
    h3_r7 = models.CharField(max_length=16, blank=True, default="", db_default="")
    h3_r8 = models.CharField(max_length=16, blank=True, default="", db_default="")
    h3_r9 = models.CharField(max_length=16, blank=True, default="", db_default="")

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RECEIVED, db_default=Status.RECEIVED
    )
    status_changed_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    last_error = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("source", "external_id"), name="mention_unique_source_external_id"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="mention_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(precision_m__isnull=True) | Q(precision_m__gte=0),
                name="mention_precision_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(opinion_score__isnull=True)
                | Q(opinion_score__gte=-1, opinion_score__lte=1),
                name="mention_score_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=("status", "status_changed_at"), name="mention_status_idx"),
            models.Index(fields=("created_at",), name="mention_created_idx"),
            GinIndex(fields=("brand_ids",), name="mention_brand_ids_idx"),
            GistIndex(fields=("location", "created_at"), name="mention_location_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class DeadMention(Mention):
    """Dead-lettered mentions, listed on their own in the admin to inspect and re-drive."""

    class Meta:
        proxy = True
        verbose_name = "dead-lettered mention"


class CorrectedField(models.TextChoices):
    LABEL = "label", "opinion label"
    LOCATION = "location", "location"


class MentionCorrection(models.Model):
    """Who changed what of a mention by hand, when and why: the audit trail of corrections."""

    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=10, choices=CorrectedField.choices)
    old_value = models.JSONField()
    new_value = models.JSONField()
    reason = models.TextField()
    # PROTECT: the audit trail outlives no author; deactivate users instead of deleting them.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mention_corrections"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-changed_at", "-id")
        indexes = [models.Index(fields=("mention", "changed_at"), name="correction_mention_idx")]

    def __str__(self) -> str:
        return f"{self.get_field_display()} of {self.mention_id} by {self.changed_by_id}"


class MentionBrand(models.Model):
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="brand_matches")
    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    spans = models.JSONField(default=list, help_text="[[start, end], …] of each match in the text")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("mention", "brand"), name="mentionbrand_unique")
        ]


class MentionRegion(models.Model):
    """The region of each boundary layer a mention falls in, where its precision allows."""

    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="region_links")
    layer = models.ForeignKey("regions.BoundaryLayer", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("mention", "layer"), name="mentionregion_unique")
        ]
        indexes = [models.Index(fields=("region",), name="mentionregion_region_idx")]


class IdempotencyRecord(models.Model):
    """The first response to a request carrying an Idempotency-Key, replayed for retries."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("partner", "key"), name="idempotency_unique_key")
        ]
