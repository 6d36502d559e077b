from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse

from apps.brands.imports import CSV_COLUMNS, PlaceImportError, PlaceImportResult, places_import
from apps.brands.models import Brand, Place
from apps.common.admin import OfflineGISAdmin, admin_form_page

# How many rejected rows are spelt out after an import; the rest are counted.
REJECTS_SHOWN = 20


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


class PlaceImportForm(forms.Form):
    file = forms.FileField(
        help_text=f"CSV with the columns {','.join(CSV_COLUMNS)} (address and brand optional), "
        "or a GeoJSON FeatureCollection of Points with properties external_id, name, address "
        "and optionally brand. Places are matched by brand and external_id: known ones are "
        "updated, new ones created."
    )
    brand = forms.ModelChoiceField(
        Brand.objects.all(),
        required=False,
        help_text="For rows without a brand (slug) of their own.",
    )


@admin.register(Place)
class PlaceAdmin(OfflineGISAdmin):
    list_display = ("name", "brand", "external_id", "address")
    list_filter = ("brand",)
    search_fields = ("name", "external_id", "address")
    list_select_related = ("brand",)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="brands_place_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = PlaceImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = places_import(upload.read(), upload.name, form.cleaned_data["brand"])
            except PlaceImportError as exc:
                form.add_error("file", str(exc))
            else:
                self._report(request, result)
                return HttpResponseRedirect(reverse("admin:brands_place_changelist"))
        return admin_form_page(
            self,
            request,
            form,
            title="Import places",
            submit="Import",
            intro="Upload a CSV or GeoJSON file of places; invalid rows are listed, the "
            "others are imported.",
        )

    def _report(self, request: HttpRequest, result: PlaceImportResult) -> None:
        rejected = result.rejected
        summary = f"{result.created} place(s) created, {result.updated} updated"
        if not rejected:
            self.message_user(request, f"{summary}.", messages.SUCCESS)
            return
        self.message_user(request, f"{summary}, {len(rejected)} rejected.", messages.WARNING)
        for row in rejected[:REJECTS_SHOWN]:
            self.message_user(request, f"Rejected {row}", messages.ERROR)
        if len(rejected) > REJECTS_SHOWN:
            more = len(rejected) - REJECTS_SHOWN
            self.message_user(request, f"… and {more} more rejected row(s).", messages.ERROR)
