from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField


def _empty_by_language() -> dict[str, list[str]]:
    return {}


class Brand(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    aliases = models.JSONField(
        default=_empty_by_language, blank=True, help_text='per language: {"fr": ["…"], "en": […]}'
    )
    keywords = models.JSONField(default=_empty_by_language, blank=True, help_text="per language")
    handles = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    hashtags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    competitors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="competitor_of"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A brand's store or point of interest."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="places")
    external_id = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=500, blank=True)
    point = models.PointField(srid=4326)

    class Meta:
        ordering = ("brand_id", "external_id")
        constraints = [
            models.UniqueConstraint(
                fields=("brand", "external_id"), name="place_unique_brand_external_id"
            )
        ]
        indexes = [models.Index(fields=("external_id",), name="place_external_id_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.brand.slug})"
