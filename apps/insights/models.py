from django.contrib.postgres.fields import ArrayField
from django.db import models


class UnitDayRollup(models.Model):
    """Counts of one brand's scored mentions in one unit on one UTC day, recomputed, never added to.

    `level` names what `unit` is: `region:<layer id>` (unit: region id), `h3:<res>` (unit: cell),
    `all` (unit: empty, every mention), or `unplaced:<level>` (unit: empty, the mentions that
    could not be placed at that level). `authors` is the day's distinct authors: the privacy atom
    test reads it; `author_keys` (hashtext of each author's pseudonym) lets a query count distinct
    authors over several days.
    """

    level = models.CharField(max_length=32)
    unit = models.CharField(max_length=32, blank=True)
    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    mentions = models.PositiveIntegerField()
    positive = models.PositiveIntegerField()
    neutral = models.PositiveIntegerField()
    negative = models.PositiveIntegerField()
    authors = models.PositiveIntegerField()
    author_keys = ArrayField(models.IntegerField(), default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("level", "brand", "day", "unit"), name="rollup_unique_level_brand_day_unit"
            )
        ]
        # Finds the kept atoms (at least k authors) of a period without reading the others, and
        # holds their sums, so that reads other than distinct authors need no table rows.
        indexes = [
            models.Index(
                fields=("level", "brand", "day", "authors"),
                include=("unit", "mentions", "positive", "neutral", "negative"),
                name="rollup_kept_atoms_sums_idx",
            ),
            # The kept atoms alone at the default k, a small part at fine levels (1,300 of
            # 178,000 H3 res-6 atoms in a month of the benchmark), so that reads of kept atoms
            # only skip the others. A k of 10 or more implies this condition; a lower k is
            # served, as correctly but more slowly, by the index above.
            models.Index(
                fields=("level", "brand", "day"),
                include=("unit", "mentions", "positive", "neutral", "negative"),
                condition=models.Q(authors__gte=10),
                name="rollup_kept_default_k_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.unit} brand {self.brand_id} {self.day}"


class DirtyRollupDay(models.Model):
    """A UTC day whose mentions changed since its rollups were last recomputed."""

    day = models.DateField(primary_key=True)
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} (marked {self.marked_at:%Y-%m-%d %H:%M})"
