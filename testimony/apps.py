from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestimonyConfig(AppConfig):
    name = "testimony"
    verbose_name = _("Testimony archive")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, pagecache, signals  # noqa: F401  (deploy checks; keep the index, counts and pages current)

        post_migrate.connect(pagecache.after_migrate, sender=self, dispatch_uid="pagecache-after-migrate")
