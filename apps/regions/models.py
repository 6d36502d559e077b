from django.contrib.gis.db import models


class BoundaryLayer(models.Model):
    """A named set of regions (fr-region, country…) and the file it was last loaded from."""

    name = models.SlugField(max_length=64, unique=True)
    source = models.CharField(max_length=500, blank=True)
    fingerprint = models.CharField(
        max_length=64, blank=True, help_text="sha256 of source + options"
    )
    feature_count = models.PositiveIntegerField(default=0)
    parent_layer = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="child_layers"
    )
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    layer = models.ForeignKey(BoundaryLayer, on_delete=models.CASCADE, related_name="regions")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    population = models.BigIntegerField(null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    geom = models.MultiPolygonField(srid=4326)
    radius_m = models.FloatField(
        null=True, blank=True, help_text="radius of a disc of the same area: what precision fits"
    )

    class Meta:
        ordering = ("layer_id", "code")
        constraints = [
            models.UniqueConstraint(fields=("layer", "code"), name="region_unique_layer_code")
        ]

    def __str__(self) -> str:
        return f"{self.layer.name}:{self.code} {self.name}"


class RegionPart(models.Model):
    """ST_Subdivide pieces of a region: point-in-polygon against them is several times faster."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="parts")
    layer = models.ForeignKey(BoundaryLayer, on_delete=models.CASCADE, related_name="+")
    geom = models.PolygonField(srid=4326)

    class Meta:
        indexes = [models.Index(fields=("layer",), name="regionpart_layer_idx")]


class City(models.Model):
    """A populated place (GeoNames), used to resolve free-text profile locations."""

    geonameid = models.BigIntegerField(primary_key=True)
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, help_text="normalised name")
    country_code = models.CharField(max_length=2, blank=True)
    country_name = models.CharField(max_length=200, blank=True)
    admin1_code = models.CharField(max_length=20, blank=True)
    population = models.BigIntegerField(default=0)
    point = models.PointField(srid=4326)

    class Meta:
        verbose_name_plural = "cities"

    def __str__(self) -> str:
        return f"{self.name} ({self.country_code})"
