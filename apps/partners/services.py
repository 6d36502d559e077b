"""Writes of partners and their API keys."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.brands.models import Brand
from apps.partners.models import ApiKey, Partner, Scope

KEY_PREFIX = "vxp"
# Avoid a write on every request: refresh last_used_at at most this often.
LAST_USED_RESOLUTION_S = 60


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    raw_key: str


def api_key_hash(raw_key: str) -> str:
    # Keys carry 256 random bits, so a fast hash cannot be brute-forced; it keeps lookups O(1).
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_create(
    partner: Partner,
    scopes: Iterable[str],
    name: str = "",
    expires_at: datetime | None = None,
) -> IssuedKey:
    scopes = sorted(set(scopes))
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ValueError(
            f"scopes must be among {', '.join(Scope.values)}; got {', '.join(scopes) or 'none'}"
        )
    prefix = secrets.token_hex(4)
    raw_key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        partner=partner,
        name=name,
        prefix=prefix,
        key_hash=api_key_hash(raw_key),
        scopes=scopes,
        expires_at=expires_at,
    )
    return IssuedKey(api_key=api_key, raw_key=raw_key)


def api_key_touch(api_key: ApiKey) -> None:
    """Record that the key was used now, unless it was within the last minute."""
    now = timezone.now()
    last = api_key.last_used_at
    if last is None or (now - last).total_seconds() > LAST_USED_RESOLUTION_S:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now  # the same object may serve this process's next requests


def api_key_revoke(api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


@transaction.atomic
def api_key_rotate(api_key: ApiKey) -> IssuedKey:
    """A new key with the same scopes and expiry; the old one stops working at once."""
    api_key_revoke(api_key)
    return api_key_create(api_key.partner, api_key.scopes, api_key.name, api_key.expires_at)


@transaction.atomic
def partner_create(
    name: str,
    brand_slugs: Iterable[str],
    scopes: Iterable[str],
    expires_at: datetime | None = None,
) -> IssuedKey:
    slugs = set(brand_slugs)
    brands = list(Brand.objects.filter(slug__in=slugs))
    missing = slugs - {b.slug for b in brands}
    if missing:
        raise ValueError(f"unknown brands {', '.join(sorted(missing))}; load them with load_brands")
    if Partner.objects.filter(name=name).exists():
        raise ValueError(f"a partner named {name!r} exists; pick another name")
    partner = Partner.objects.create(name=name)
    partner.brands.set(brands)
    return api_key_create(partner, scopes, name="default", expires_at=expires_at)
