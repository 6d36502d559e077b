from django.db import models


class ModelVersion(models.Model):
    """A trained opinion model: its content hash, where it lies, and how it measured."""

    version = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=500)
    config = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict)
    data_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_promoted = models.BooleanField(default=False)
    rescore_total = models.PositiveIntegerField(default=0)
    rescore_done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("is_promoted",),
                condition=models.Q(is_promoted=True),
                name="one_promoted_model",
            )
        ]

    def __str__(self) -> str:
        return self.version + (" (promoted)" if self.is_promoted else "")


class Promotion(models.Model):
    """History of promotions, newest first: what a rollback goes back to."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="+")
    promoted_at = models.DateTimeField(auto_now_add=True)
    promoted_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ("-promoted_at", "-id")

    def __str__(self) -> str:
        return f"{self.model_version.version} at {self.promoted_at:%Y-%m-%d %H:%M}"
