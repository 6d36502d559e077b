from django.contrib import admin

from apps.brands.models import Brand, Place
from apps.common.admin import OfflineGISAdmin


class PlaceInline(admin.TabularInline):
    model = Place
    fields = ("external_id", "name", "address")
    extra = 0
    show_change_link = True


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "place_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("competitors",)
    inlines = (PlaceInline,)

    @admin.display(description="places")
    def place_count(self, obj: Brand) -> int:
        return obj.places.count()


@admin.register(Place)
class PlaceAdmin(OfflineGISAdmin):
    list_display = ("name", "brand", "external_id", "address")
    list_filter = ("brand",)
    search_fields = ("name", "external_id", "address")
