from django.contrib import admin

from apps.common.admin import OfflineGISAdmin
from apps.regions.models import BoundaryLayer, Region


@admin.register(BoundaryLayer)
class BoundaryLayerAdmin(admin.ModelAdmin):
    list_display = ("name", "feature_count", "parent_layer", "source", "loaded_at")
    readonly_fields = ("fingerprint", "feature_count", "loaded_at")


@admin.register(Region)
class RegionAdmin(OfflineGISAdmin):
    list_display = ("code", "name", "layer", "population", "parent")
    list_filter = ("layer",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    list_select_related = ("layer", "parent")
