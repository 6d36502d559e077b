from django.apps import AppConfig


class OpinionConfig(AppConfig):
    name = "apps.opinion"
    label = "opinion"
