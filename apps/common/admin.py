from django.contrib.gis import admin
from django.contrib.gis.db import models as gis_models

from apps.common.widgets import OfflineMapWidget


class OfflineGISAdmin(admin.GISModelAdmin):
    """GeoDjango admin whose map widgets work without internet access."""

    formfield_overrides = {
        gis_models.PointField: {"widget": OfflineMapWidget},
        gis_models.MultiPolygonField: {"widget": OfflineMapWidget},
        gis_models.PolygonField: {"widget": OfflineMapWidget},
    }
    gis_widget = OfflineMapWidget
