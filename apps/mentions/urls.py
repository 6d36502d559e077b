from django.urls import path

from apps.mentions.views import MentionBatchView

urlpatterns = [path("batch", MentionBatchView.as_view(), name="mention-batch")]
