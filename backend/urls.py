from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.common.views import HealthView
from apps.regions.views import admin_basemap

api_v1: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("brands/", include("apps.brands.urls")),
    path("regions/", include("apps.regions.urls")),
    path("mentions/", include("apps.mentions.urls")),
    path("authors/", include("apps.mentions.author_urls")),
    path("opinion/", include("apps.opinion.urls")),
    path("insights/", include("apps.insights.urls")),
    path("tiles/", include("apps.insights.tile_urls")),
]

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("admin/basemap.geojson", admin_basemap, name="admin-basemap"),
    path("admin/", admin.site.urls),
    path("dashboard/", include("apps.dashboard.urls")),
    path("api/v1/", include(api_v1)),
]
