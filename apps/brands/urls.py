from django.urls import path

from apps.brands.views import BrandListView

urlpatterns = [
    path("", BrandListView.as_view(), name="brand-list"),
]
