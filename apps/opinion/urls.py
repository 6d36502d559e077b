from django.urls import path

from apps.opinion.views import PredictView

urlpatterns = [path("predict", PredictView.as_view(), name="opinion-predict")]
