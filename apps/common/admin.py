from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.admin import ModelAdmin
from django.contrib.gis import admin
from django.contrib.gis.db import models as gis_models
from django.db.models import Model
from django.http import HttpRequest
from django.template.response import TemplateResponse

from apps.common.widgets import OfflineMapWidget


class OfflineGISAdmin(admin.GISModelAdmin):
    """GeoDjango admin whose map widgets work without internet access."""

    formfield_overrides = {
        gis_models.PointField: {"widget": OfflineMapWidget},
        gis_models.MultiPolygonField: {"widget": OfflineMapWidget},
        gis_models.PolygonField: {"widget": OfflineMapWidget},
    }
    gis_widget = OfflineMapWidget


def admin_form_page(
    model_admin: "ModelAdmin[Any]",
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    intro: str = "",
    items: Iterable[object] = (),
    hidden: Iterable[tuple[str, object]] = (),
    original: Model | None = None,
) -> TemplateResponse:
    """An admin page with one form (an action's intermediate page, an import, a correction),
    in the admin's look, with breadcrumbs back to the model's list and the object."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "submit_label": submit,
        "intro": intro,
        "items": list(items),
        "hidden": list(hidden),
        "opts": model_admin.opts,
        "original": original,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/voxpop/form_page.html", context)
