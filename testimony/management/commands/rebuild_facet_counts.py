"""Recompute the counts table (testimony.summary) from the testimonies, e.g. after a write that bypassed signals."""

import time

from django.core.management.base import BaseCommand

from testimony import summary
from testimony.models import FacetCount


class Command(BaseCommand):
    help = "Recompute the counts behind facets, totals, the timeline and the day pages from the public testimonies."

    def handle(self, *args, verbosity, **options):
        started = time.monotonic()
        summary.rebuild()
        if verbosity:
            rows = FacetCount.objects.count()
            self.stdout.write(
                f"Counted {summary.total():,} public testimonies into {rows:,} rows "
                f"in {time.monotonic() - started:.1f} s."
            )
