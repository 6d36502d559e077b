from django.urls import path

from apps.regions.views import RegionListView, RegionLookupView

urlpatterns = [
    path("", RegionListView.as_view(), name="region-list"),
    path("lookup/", RegionLookupView.as_view(), name="region-lookup"),
]
