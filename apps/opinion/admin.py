from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.opinion.models import ModelVersion, Promotion
from apps.opinion.services import RegistryError, model_version_promote, model_version_rollback


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "is_promoted", "created_at", "dev_macro_f1", "rescore_progress")
    readonly_fields = ("version", "path", "config", "metrics", "data_fingerprint", "created_at",
                       "is_promoted", "rescore_total", "rescore_done")  # fmt: skip
    actions = ("promote", "rollback")

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
        version = model_version_promote(queryset.get().version, request.user.get_username())
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
