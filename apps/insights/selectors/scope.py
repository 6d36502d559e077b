"""Which brands a query is about, which of their competitors it may compare them with."""

from collections.abc import Iterable
from dataclasses import dataclass

from apps.brands.models import Brand


@dataclass(frozen=True)
class BrandScope:
    focus_ids: tuple[int, ...]
    slugs: dict[int, str]
    # focus brand → its competitors the caller may read
    competitors: dict[int, set[int]]

    @property
    def all_ids(self) -> tuple[int, ...]:
        ids = set(self.focus_ids).union(*self.competitors.values()) if self.competitors else set()
        return tuple(sorted(ids | set(self.focus_ids)))


def brand_scope(focus_ids: Iterable[int], entitled: dict[str, Brand]) -> BrandScope:
    focus = tuple(sorted(focus_ids))
    entitled_ids = {brand.pk for brand in entitled.values()}
    links = Brand.competitors.through.objects.filter(from_brand_id__in=focus).values_list(
        "from_brand_id", "to_brand_id"
    )
    competitors: dict[int, set[int]] = {brand_id: set() for brand_id in focus}
    for brand_id, rival_id in links:
        if rival_id in entitled_ids:
            competitors[brand_id].add(rival_id)
    slugs = {brand.pk: slug for slug, brand in entitled.items()}
    return BrandScope(focus_ids=focus, slugs=slugs, competitors=competitors)
