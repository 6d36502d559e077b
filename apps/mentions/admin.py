from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.contrib.gis import forms as gis_forms
from django.core.exceptions import PermissionDenied
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse

from apps.common.admin import OfflineGISAdmin, admin_form_page
from apps.common.widgets import OfflineMapWidget
from apps.mentions.corrections import (
    CorrectionError,
    mention_correct_label,
    mention_correct_location,
)
from apps.mentions.models import (
    DeadMention,
    LocationProvenance,
    Mention,
    MentionBrand,
    MentionCorrection,
    OpinionLabel,
    Status,
)
from apps.mentions.pipeline import pipeline_start
from apps.mentions.pipeline.failures import mentions_redrive

REASON_HELP = "Why: kept with your name in the mention's corrections."
Apply = Callable[[Mention, dict[str, Any], User], object]


class LabelCorrectionForm(forms.Form):
    label = forms.ChoiceField(choices=OpinionLabel.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text=REASON_HELP)


class LocationCorrectionForm(forms.Form):
    point = gis_forms.PointField(
        srid=4326, widget=OfflineMapWidget, help_text="Draw the point where the mention is."
    )
    precision_m = forms.FloatField(
        min_value=0, required=False, help_text="Radius in metres; blank: the provenance's usual."
    )
    provenance = forms.ChoiceField(
        choices=[c for c in LocationProvenance.choices if c[0] != LocationProvenance.NONE],
        initial=LocationProvenance.TEXT,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text=REASON_HELP)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # admin_view lets only logged-in staff in; this says so
        raise PermissionDenied
    return user


def _apply_label(mention: Mention, data: dict[str, Any], user: User) -> object:
    return mention_correct_label(mention, data["label"], user=user, reason=data["reason"])


def _apply_location(mention: Mention, data: dict[str, Any], user: User) -> object:
    point = data["point"]
    return mention_correct_location(
        mention,
        point.x,
        point.y,
        data["precision_m"],
        user=user,
        reason=data["reason"],
        provenance=data["provenance"],
    )


@admin.action(description="Re-drive the selected dead-lettered mentions")
def redrive(
    model_admin: "admin.ModelAdmin[Any]", request: HttpRequest, queryset: QuerySet[Any]
) -> None:
    revived = mentions_redrive(list(queryset.values_list("id", flat=True)))
    pipeline_start(revived)
    model_admin.message_user(request, f"{len(revived)} dead-lettered mention(s) re-driven.")


class MentionBrandInline(admin.TabularInline):
    model = MentionBrand
    extra = 0
    readonly_fields = ("brand", "spans")
    can_delete = False


class MentionCorrectionInline(admin.TabularInline):
    model = MentionCorrection
    fields = ("changed_at", "changed_by", "field", "old_value", "new_value", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyMentionAdmin(OfflineGISAdmin):
    """Mentions are the partners' data and the pipeline's output: the admin shows them, and
    labels and locations change only through the audited corrections."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Mention._meta.concrete_fields if f.name != "location"]

    def formfield_for_dbfield(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "location" and formfield is not None:
            formfield.disabled = True  # shown on the map; moved by "Correct location"
        return formfield

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # mentions arrive through the API

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, context)


@admin.register(Mention)
class MentionAdmin(ReadOnlyMentionAdmin):
    list_display = (
        "external_id",
        "last_error",
        "source",
        "created_at",
        "lang",
        "location_provenance",
        "precision_m",
        "opinion_label",
        "model_version",
        "status",
    )
    list_filter = (
        "status",
        "location_provenance",
        "opinion_label",
        "source",
        "lang",
        "model_version",
    )
    search_fields = ("external_id", "text")
    date_hierarchy = "created_at"
    inlines = (MentionBrandInline, MentionCorrectionInline)
    actions = (redrive, "correct_label")

    def get_urls(self) -> list[URLPattern]:
        label = self.admin_site.admin_view(self.correct_label_view)
        location = self.admin_site.admin_view(self.correct_location_view)
        return [
            path("<path:object_id>/correct-label/", label, name="mentions_mention_correct_label"),
            path(
                "<path:object_id>/correct-location/",
                location,
                name="mentions_mention_correct_location",
            ),
            *super().get_urls(),
        ]

    def correct_label_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._correction_page(request, object_id, "label", LabelCorrectionForm, _apply_label)

    def correct_location_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._correction_page(
            request, object_id, "location", LocationCorrectionForm, _apply_location
        )

    def _correction_page(
        self,
        request: HttpRequest,
        object_id: str,
        what: str,
        form_class: type[forms.Form],
        apply: Apply,
    ) -> HttpResponse:
        mention = get_object_or_404(Mention, pk=object_id)
        if not self.has_change_permission(request, mention):
            raise PermissionDenied
        initial = {
            "label": mention.opinion_label,
            "point": mention.location,
            "precision_m": mention.precision_m,
        }
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                apply(mention, form.cleaned_data, _user(request))
            except CorrectionError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"The {what} of {mention} is corrected, in your name.")
                change_url = reverse("admin:mentions_mention_change", args=[mention.pk])
                return HttpResponseRedirect(change_url)
        title = f"Correct the {what}"
        return admin_form_page(
            self, request, form, title=title, submit="Correct", intro=mention.text, original=mention
        )

    @admin.action(description="Correct the label of the selected mentions")
    def correct_label(
        self, request: HttpRequest, queryset: QuerySet[Mention]
    ) -> HttpResponse | None:
        form = LabelCorrectionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, errors = 0, []
            for mention in queryset:
                try:
                    _apply_label(mention, form.cleaned_data, _user(request))
                    done += 1
                except CorrectionError as exc:
                    errors.append(str(exc))
            self.message_user(request, f"{done} label(s) corrected, in your name.")
            for error in errors:
                self.message_user(request, error, messages.ERROR)
            return None
        selected = [("_selected_action", pk) for pk in queryset.values_list("pk", flat=True)]
        return admin_form_page(
            self,
            request,
            form,
            title="Correct the label of the selected mentions",
            submit="Correct",
            intro=f"{len(selected)} mention(s) will get this label:",
            items=[f"{mention}: {mention.text[:200]}" for mention in queryset[:50]],
            hidden=[("action", "correct_label"), *selected],
        )


@admin.register(DeadMention)
class DeadMentionAdmin(ReadOnlyMentionAdmin):
    """Mentions the pipeline gave up on: their error, how often they were tried, re-drive."""

    list_display = ("external_id", "source", "attempts", "last_error", "status_changed_at")
    list_filter = ("source",)
    search_fields = ("external_id", "last_error")
    actions = (redrive,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mention]:
        return super().get_queryset(request).filter(status=Status.DEAD)
