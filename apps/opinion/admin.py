import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from apps.opinion.models import ModelVersion, Promotion
from apps.opinion.services import RegistryError, model_version_promote, model_version_rollback


def _flatten(metrics: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested metrics as "a.b" -> value, numbers to three decimals."""
    flat: dict[str, str] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = f"{value:.3f}" if isinstance(value, float) else str(value)
    return flat


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "is_promoted", "created_at", "dev_macro_f1", "rescore_progress")
    fields = (
        "version",
        "is_promoted",
        "metrics_table",
        "rescore_progress",
        "created_at",
        "path",
        "data_fingerprint",
        "config_json",
    )
    readonly_fields = fields
    actions = ("promote", "rollback")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions are registered from trained folders (register_model)

    @admin.display(description="metrics")
    def metrics_table(self, obj: ModelVersion) -> str:
        rows = sorted(_flatten(obj.metrics).items())
        if not rows:
            return "none recorded"
        body = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows)
        return format_html("<table>{}</table>", body)

    @admin.display(description="config")
    def config_json(self, obj: ModelVersion) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.config, indent=2, sort_keys=True))

    @admin.display(description="dev macro-F1 (mean over sources)")
    def dev_macro_f1(self, obj: ModelVersion) -> str:
        value = obj.metrics.get("dev_mean_source_macro_f1")
        return f"{value:.3f}" if isinstance(value, float) else "-"

    @admin.display(description="re-scoring")
    def rescore_progress(self, obj: ModelVersion) -> str:
        if not obj.is_promoted:
            return "-"
        return f"{obj.rescore_done} / {obj.rescore_total}"

    @admin.action(description="Promote the selected version")
    def promote(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version.", messages.ERROR)
            return
        try:
            version = model_version_promote(queryset.get().version, request.user.get_username())
        except RegistryError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"{version.version} promoted; re-scoring in the background.")

    @admin.action(description="Roll back to the previously promoted version")
    def rollback(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        try:
            version = model_version_rollback(request.user.get_username())
        except RegistryError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Rolled back to {version.version}.")


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ("model_version", "promoted_at", "promoted_by")
