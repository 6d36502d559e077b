from rest_framework import authentication, exceptions
from rest_framework.request import Request

from apps.partners import key_checks
from apps.partners.models import ApiKey, Partner
from apps.partners.selectors import api_key_by_hash
from apps.partners.services import api_key_hash, api_key_touch

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>` resolves to the key's partner; request.auth is the key."""

    def authenticate(self, request: Request) -> tuple[Partner, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, raw_key = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        raw_key = raw_key.strip()
        if not raw_key:
            raise exceptions.AuthenticationFailed("The Api-Key header carries no key.")
        key_hash = api_key_hash(raw_key)
        # Views that check the key in their read take the one this process last looked up; its
        # use is recorded once the check holds (`key_checks`), not before.
        assumed = key_checks.assumed(key_hash)
        api_key = assumed or api_key_by_hash(key_hash)
        if api_key is None:
            raise exceptions.AuthenticationFailed("This API key is not valid.")
        if api_key.is_revoked:
            raise exceptions.AuthenticationFailed("This API key was revoked; ask for a new one.")
        if api_key.is_expired:
            raise exceptions.AuthenticationFailed("This API key has expired; ask for a new one.")
        if not api_key.partner.is_active:
            raise exceptions.AuthenticationFailed("This partner account is disabled.")
        if assumed is None:
            key_checks.remember(key_hash, api_key)
            api_key_touch(api_key)
        else:
            key_checks.accepted(api_key)
        return api_key.partner, api_key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
