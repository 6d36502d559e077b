from celery import shared_task

from apps.insights.rollups import rollups_refresh_dirty


@shared_task(name="insights.refresh_rollups", acks_late=True)
def refresh_rollups() -> int:
    """Recompute the rollups of every day whose mentions changed since the last run."""
    return rollups_refresh_dirty()
