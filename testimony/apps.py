from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestimonyConfig(AppConfig):
    name = "testimony"
    verbose_name = _("Testimony archive")

    def ready(self):
        from . import pagecache, signals  # noqa: F401  (keep the search index, counts and page cache current)
