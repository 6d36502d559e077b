from django.urls import path

from apps.insights import views

urlpatterns = [
    path("<str:layer>/<int:z>/<int:x>/<int:y>.mvt", views.TileView.as_view(), name="tiles"),
]
