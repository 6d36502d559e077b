from django.urls import path

from apps.mentions.views import AuthorErasureView

urlpatterns = [path("<str:author_id>", AuthorErasureView.as_view(), name="author-erase")]
