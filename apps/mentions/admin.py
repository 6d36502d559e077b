from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.common.admin import OfflineGISAdmin
from apps.mentions.models import Mention, MentionBrand
from apps.mentions.pipeline import pipeline_start
from apps.mentions.pipeline.failures import mentions_redrive


class MentionBrandInline(admin.TabularInline):
    model = MentionBrand
    extra = 0
    readonly_fields = ("brand", "spans")
    can_delete = False


@admin.register(Mention)
class MentionAdmin(OfflineGISAdmin):
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
    list_filter = ("status", "source", "lang", "location_provenance", "opinion_label")
    search_fields = ("external_id", "text")
    date_hierarchy = "created_at"
    readonly_fields = ("id", "author_hash", "received_at", "status_changed_at", "attempts")
    raw_id_fields = ("place", "partner")
    inlines = (MentionBrandInline,)
    actions = ("redrive",)

    @admin.action(description="Re-drive the selected dead-lettered mentions")
    def redrive(self, request: HttpRequest, queryset: QuerySet[Mention]) -> None:
        revived = mentions_redrive(list(queryset.values_list("id", flat=True)))
        pipeline_start(revived)
        self.message_user(request, f"{len(revived)} dead-lettered mention(s) re-driven.")
