from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html

from apps.common.admin import admin_form_page
from apps.partners.models import ApiKey, Partner, Scope
from apps.partners.services import IssuedKey, api_key_create, api_key_revoke, api_key_rotate


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ("prefix", "name", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "created_at")
    filter_horizontal = ("brands",)
    readonly_fields = ("issue_key",)
    inlines = (ApiKeyInline,)

    @admin.display(description="API keys")
    def issue_key(self, obj: Partner) -> str:
        if obj.pk is None:
            return "Save the partner first, then issue it a key."
        url = reverse("admin:partners_apikey_add") + f"?partner={obj.pk}"
        return format_html('<a href="{}">Issue a new key</a>', url)


class ApiKeyIssueForm(forms.Form):
    """What an admin chooses for a new key; the key, its prefix and hash come from the service."""

    partner = forms.ModelChoiceField(Partner.objects.all())
    name = forms.CharField(max_length=100, required=False, help_text="e.g. where it is used")
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.READ]
    )
    expires_at = forms.DateTimeField(
        required=False, help_text="YYYY-MM-DD HH:MM; blank: never expires"
    )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "prefix",
        "name",
        "partner",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("partner", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "name", "partner__name")
    fields = (
        "partner",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    readonly_fields = ("partner", "prefix", "scopes", "created_at", "revoked_at", "last_used_at")
    actions = ("rotate", "revoke")

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """Issue a key through the service and show it once; only its hash is stored."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiKeyIssueForm(request.POST or None, initial=request.GET.dict())
        if request.method == "POST" and form.is_valid():
            issued = api_key_create(**form.cleaned_data)
            self.log_addition(request, issued.api_key, [{"added": {}}])
            return self._show_once(request, [issued], "API key issued")
        return admin_form_page(self, request, form, title="Issue an API key", submit="Issue")

    @admin.action(description="Rotate the selected keys (new key, the old one stops at once)")
    def rotate(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> HttpResponse | None:
        live = [key for key in queryset.select_related("partner") if not key.is_revoked]
        if not live:
            self.message_user(request, "Revoked keys cannot be rotated.", messages.ERROR)
            return None
        issued = [api_key_rotate(key) for key in live]
        for old, new in zip(live, issued, strict=True):
            self.log_change(request, old, f"Revoked; replaced by {new.api_key.prefix}")
            self.log_addition(request, new.api_key, [{"added": {}}])
        return self._show_once(request, issued, "API keys rotated")

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        live = [key for key in queryset if not key.is_revoked]
        for key in live:
            api_key_revoke(key)
            self.log_change(request, key, "Revoked")
        self.message_user(request, f"{len(live)} key(s) revoked; they no longer work.")

    def _show_once(self, request: HttpRequest, issued: list[IssuedKey], title: str) -> HttpResponse:
        """The raw keys, in this response only: never in a message, a log or the database."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "issued": issued,
        }
        response = TemplateResponse(request, "admin/partners/apikey/issued.html", context)
        add_never_cache_headers(response)
        return response
