from django.contrib import admin

from apps.common.admin import OfflineGISAdmin
from apps.mentions.models import Mention, MentionBrand


class MentionBrandInline(admin.TabularInline):
    model = MentionBrand
    extra = 0
    readonly_fields = ("brand", "spans")
    can_delete = False


@admin.register(Mention)
class MentionAdmin(OfflineGISAdmin):
    list_display = (
        "external_id",
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
