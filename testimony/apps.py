from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestimonyConfig(AppConfig):
    name = "testimony"
    verbose_name = _("Testimony archive")

    def ready(self):
        from . import signals  # noqa: F401  (keeps the search index current)
