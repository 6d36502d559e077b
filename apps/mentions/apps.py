from django.apps import AppConfig


class MentionsConfig(AppConfig):
    name = "apps.mentions"
    label = "mentions"
