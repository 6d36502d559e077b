"""The brand matcher of this process, rebuilt only when the catalogue changes."""

from django.db.models import Count, Max

from apps.brands.models import Brand
from apps.mentions.pipeline.matching import BrandMatcher, BrandTerms

_cache: dict[str, object] = {}


def _terms(brand: Brand) -> tuple[str, ...]:
    aliases = [alias for terms in (brand.aliases or {}).values() for alias in terms]
    return (brand.name, *aliases, *brand.handles, *brand.hashtags)


def current_brand_matcher() -> BrandMatcher:
    version = Brand.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    if _cache.get("version") != version:
        brands = [BrandTerms(b.pk, _terms(b)) for b in Brand.objects.all()]
        _cache["matcher"] = BrandMatcher(brands)
        _cache["version"] = version
    matcher = _cache["matcher"]
    assert isinstance(matcher, BrandMatcher)
    return matcher
