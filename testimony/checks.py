"""Checks ``manage.py check --deploy`` runs: settings a production archive should not leave as they are."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def page_store_is_shared(app_configs=None, **kwargs):
    """Pages kept in each process's memory are rendered again by every process after each change; with gunicorn's
    several workers a shared store renders them once (README, "Page cache on the server")."""
    if settings.PAGE_CACHE_SECONDS <= 0 or settings.CACHES["pages"]["BACKEND"].endswith("RedisCache"):
        return []
    return [
        checks.Warning(
            "Each process keeps its own rendered pages: after every change, every process renders every page again.",
            hint="With more than one process (gunicorn's workers), set PAGE_CACHE_URL=redis://host:port/db so that "
            "they share one store.",
            id="testimony.W001",
        )
    ]
