"""System checks: settings the archive cannot run with, and (``check --deploy``) ones production should not keep."""

import importlib.util

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches)
def page_store_can_be_reached(app_configs=None, **kwargs):
    """A shared page store needs the Redis client; without it every page would fail, not just miss."""
    if not _shared_store() or _installed("redis"):
        return []
    return [
        checks.Error(
            "PAGE_CACHE_URL is set, but the Redis client is not installed.",
            hint="pip install -e '.[redis]', or leave PAGE_CACHE_URL unset to keep pages in each process.",
            id="testimony.E001",
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def page_store_is_shared(app_configs=None, **kwargs):
    """Pages kept in each process's memory are rendered again by every process after each change; with gunicorn's
    several workers a shared store renders them once (README, "Page cache on the server")."""
    if settings.PAGE_CACHE_SECONDS <= 0 or _shared_store():
        return []
    return [
        checks.Warning(
            "Each process keeps its own rendered pages: after every change, every process renders every page again.",
            hint="With more than one process (gunicorn's workers), set PAGE_CACHE_URL=redis://host:port/db so that "
            "they share one store.",
            id="testimony.W001",
        )
    ]


def _installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def _shared_store() -> bool:
    """Whether the page store is one Redis for every process (``PAGE_CACHE_URL``)."""
    return settings.CACHES["pages"]["BACKEND"].endswith("RedisCache")
