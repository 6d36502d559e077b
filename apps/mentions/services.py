"""Writes of mentions."""

import hmac
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from apps.insights.rollups import rollup_days_mark_mentions
from apps.mentions.models import Mention


def author_pseudonymiser() -> Callable[[str], str]:
    """`author_pseudonymise` with the secret read once, for batches: reading a setting costs
    more than the HMAC itself."""
    key = settings.AUTHOR_HASH_SECRET.encode()

    def pseudonymise(author_id: str) -> str:
        return hmac.digest(key, author_id.encode(), "sha256").hex() if author_id else ""

    return pseudonymise


def author_pseudonymise(author_id: str) -> str:
    """HMAC-SHA256 of a source's author id: stable per author, irreversible without the secret."""
    return author_pseudonymiser()(author_id)


def author_erase(author_id: str, partner_id: int | None = None) -> int:
    """Delete every mention of an author (found through the keyed hash) and what derives from
    them (brand matches and region links cascade); only the partner's own when one is given."""
    author_hash = author_pseudonymise(author_id)
    if not author_hash:
        return 0
    mentions = Mention.objects.filter(author_hash=author_hash)
    if partner_id is not None:
        mentions = mentions.filter(partner_id=partner_id)
    with transaction.atomic():
        rollup_days_mark_mentions(list(mentions.values_list("id", flat=True)))
        _, by_model = mentions.delete()
    return by_model.get(Mention._meta.label, 0)
