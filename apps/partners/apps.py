from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "apps.partners"
    label = "partners"

    def ready(self) -> None:
        from apps.partners import schema  # noqa: F401, PLC0415 - registers the OpenAPI scheme
