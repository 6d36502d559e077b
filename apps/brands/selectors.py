"""Reads of the brand catalogue, scoped to what a caller may read."""

from typing import Any

from django.db.models import Count

from apps.brands.models import Brand

# Each brand (id, name and slug; other fields load if read) with `rival_ids`, its competitors'
# ids in order (an API key's fingerprint hashes them); for a partner ({partner} not null) only
# its own brands and their competitors. One raw statement: every insights request runs it, and
# building the same query through the ORM cost three times as long as running it. A change here
# needs a migration that writes `api_key_fingerprint` again (see partners 0003).
ENTITLED_SQL = """
SELECT b.id, b.name, b.slug,
       ARRAY(SELECT c.to_brand_id FROM brands_brand_competitors c WHERE c.from_brand_id = b.id
             ORDER BY c.to_brand_id) AS rival_ids
FROM brands_brand b
WHERE {partner} IS NULL
   OR EXISTS (SELECT 1 FROM partners_partner_brands pb
              WHERE pb.partner_id = {partner} AND pb.brand_id = b.id)
   OR EXISTS (SELECT 1 FROM brands_brand_competitors c
              JOIN partners_partner_brands pb ON pb.brand_id = c.from_brand_id
              WHERE pb.partner_id = {partner} AND c.to_brand_id = b.id)
"""
ENTITLED_COLUMNS = ("id", "name", "slug")

# The same brands as one JSON value, for a statement that reads them beside other things (an API
# key's authentication reads its partner's).
ENTITLED_JSON_SQL = """(
    SELECT coalesce(json_agg(json_build_array(e.id, e.name, e.slug, e.rival_ids)
                             ORDER BY e.name, e.id), '[]')
    FROM ({entitled}) e
)"""


def entitled_json_sql(partner_sql: str) -> str:
    """`ENTITLED_JSON_SQL` for the partner id that `partner_sql` (an SQL expression) gives."""
    return ENTITLED_JSON_SQL.format(entitled=ENTITLED_SQL.format(partner=partner_sql))


def brands_from_entitled_json(rows: list[list[Any]], alias: str) -> dict[str, Brand]:
    """What `brands_entitled` answers, from the rows of `entitled_json_sql` read on `alias`."""
    brands = {}
    for pk, name, slug, rival_ids in rows:
        brand = Brand.from_db(alias, ENTITLED_COLUMNS, (pk, name, slug))
        brand.rival_ids = rival_ids  # type: ignore[attr-defined]
        brands[slug] = brand
    return brands


def brands_entitled(partner_id: int | None) -> dict[str, Brand]:
    """Slug → brand a partner may read (its brands and their competitors), or all for None.

    Each brand carries `rival_ids`, its competitors' ids, so that no second query is needed.
    """
    sql = ENTITLED_SQL.format(partner="%(partner)s::bigint") + "ORDER BY b.name, b.id"
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
