"""Writes of mentions."""

import hashlib
import hmac

from django.conf import settings


def author_pseudonymise(author_id: str) -> str:
    """HMAC-SHA256 of a source's author id: stable per author, irreversible without the secret."""
    if not author_id:
        return ""
    return hmac.new(
        settings.AUTHOR_HASH_SECRET.encode(), author_id.encode(), hashlib.sha256
    ).hexdigest()
