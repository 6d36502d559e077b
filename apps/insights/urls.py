from django.urls import path

from apps.insights import views

urlpatterns = [
    path("mentions/", views.MentionListView.as_view(), name="insights-mentions"),
    path(
        "mentions/<uuid:mention_id>/",
        views.MentionDetailView.as_view(),
        name="insights-mention-detail",
    ),
    path("regions/", views.RegionFiguresView.as_view(), name="insights-regions"),
    path("h3/", views.H3FiguresView.as_view(), name="insights-h3"),
    path("hotspots/", views.HotspotView.as_view(), name="insights-hotspots"),
    path("timeseries/", views.TimeseriesView.as_view(), name="insights-timeseries"),
    path("share-of-voice/", views.ShareOfVoiceView.as_view(), name="insights-share-of-voice"),
    path("places/", views.PlaceRankingView.as_view(), name="insights-places"),
    path("compare/", views.CompareView.as_view(), name="insights-compare"),
]
