"""Reads of the brand catalogue, scoped to what a caller may read."""

from typing import Any

from django.db.models import Count

from apps.brands.models import Brand


def brand_list(entitled: dict[str, Brand]) -> list[dict[str, Any]]:
    """The entitled brands by name, each with its competitors among them and its place count.

    `entitled` is `apps.insights.filters.entitled_brands(...)`: a partner's brands and their
    competitors, or every brand for staff. A competitor outside it is never named.
    """
    ids = [brand.pk for brand in entitled.values()]
    brands = (
        Brand.objects.filter(pk__in=ids)
        .annotate(place_count=Count("places"))
        .prefetch_related("competitors")
        .order_by("name", "slug")
    )
    return [
        {
            "slug": brand.slug,
            "name": brand.name,
            "competitors": sorted(c.slug for c in brand.competitors.all() if c.slug in entitled),
            "places": brand.place_count,
        }
        for brand in brands
    ]
