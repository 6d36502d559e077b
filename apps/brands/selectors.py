"""Reads of the brand catalogue, scoped to what a caller may read."""

from typing import Any

from django.db.models import Count

from apps.brands.models import Brand

# Each brand (id, name and slug; other fields load if read) with `rival_ids`, its competitors'
# ids; for a partner (%(partner)s not null) only its own brands and their competitors. One raw
# statement: every insights request runs it, and building the same query through the ORM cost
# three times as long as running it.
ENTITLED_SQL = """
SELECT b.id, b.name, b.slug,
       ARRAY(SELECT c.to_brand_id FROM {competitors} c WHERE c.from_brand_id = b.id) AS rival_ids
FROM {brands} b
WHERE %(partner)s::bigint IS NULL
   OR EXISTS (SELECT 1 FROM {partner_brands} pb
              WHERE pb.partner_id = %(partner)s AND pb.brand_id = b.id)
   OR EXISTS (SELECT 1 FROM {competitors} c
              JOIN {partner_brands} pb ON pb.brand_id = c.from_brand_id
              WHERE pb.partner_id = %(partner)s AND c.to_brand_id = b.id)
ORDER BY b.name, b.id
"""


def brands_entitled(partner_id: int | None) -> dict[str, Brand]:
    """Slug → brand a partner may read (its brands and their competitors), or all for None.

    Each brand carries `rival_ids`, its competitors' ids, so that no second query is needed.
    """
    from apps.partners.models import Partner  # noqa: PLC0415 - avoids an app-loading cycle

    sql = ENTITLED_SQL.format(
        brands=Brand._meta.db_table,
        competitors=Brand.competitors.through._meta.db_table,
        partner_brands=Partner.brands.through._meta.db_table,
    )
    return {brand.slug: brand for brand in Brand.objects.raw(sql, {"partner": partner_id})}


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
