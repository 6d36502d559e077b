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
    """`entitled` as `entitled_brands` gives it: each brand with its `rival_ids`."""
    focus = tuple(sorted(focus_ids))
    by_id = {brand.pk: brand for brand in entitled.values()}
    competitors = {
        brand_id: {rival for rival in by_id[brand_id].rival_ids if rival in by_id}  # type: ignore[attr-defined]
        for brand_id in focus
    }
    slugs = {brand.pk: slug for slug, brand in entitled.items()}
    return BrandScope(focus_ids=focus, slugs=slugs, competitors=competitors)
