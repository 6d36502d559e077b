from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:
    from rest_framework.views import APIView

from apps.partners.models import ApiKey, Scope


class _HasScope(BasePermission):
    """An API key needs the scope; a staff user signed in to the admin has every scope."""

    scope: str = ""

    def has_permission(self, request: Request, view: "APIView") -> bool:
        if isinstance(request.auth, ApiKey):
            if self.scope in request.auth.scopes:
                return True
            self.message = f"This API key lacks the '{self.scope}' scope."
            return False
        user = request.user
        return bool(user and getattr(user, "is_staff", False) and user.is_authenticated)


class HasReadScope(_HasScope):
    scope = Scope.READ


class HasIngestScope(_HasScope):
    scope = Scope.INGEST
