from typing import TYPE_CHECKING

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from apps.brands.models import Brand


class Scope(models.TextChoices):
    INGEST = "ingest", "ingest"
    READ = "read", "read"


class Partner(models.Model):
    name = models.CharField(max_length=200, unique=True)
    brands = models.ManyToManyField("brands.Brand", blank=True, related_name="partners")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    # DRF's IsAuthenticated and friends read this: a partner resolved from a key is authenticated.
    @property
    def is_authenticated(self) -> bool:
        return True


class ApiKey(models.Model):
    """Only a SHA-256 of the key is kept; the key itself is shown once, at creation."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = ArrayField(models.CharField(max_length=16, choices=Scope.choices), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    # Not stored: slug → brand its partner may read, loaded with the key when it authenticates.
    entitled_brands: "dict[str, Brand] | None" = None
    # Not stored: what the key's authentication depended on (`selectors.KEY_FINGERPRINT_SQL`).
    fingerprint: str | None = None

    class Meta:
        ordering = ("-created_at",)
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.partner.name})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
