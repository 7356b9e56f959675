"""Rebuild the full-text index of every testimony, and each row's copy of its tag links (``Testimony.tag_ids``), in
batches, e.g. after a bulk load that bypassed signals."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from testimony import search
from testimony.models import Testimony


class Command(BaseCommand):
    help = "Rebuild the full-text search index of every testimony, in batches, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Testimonies indexed per transaction (default 500).",
        )

    def handle(self, *args, batch_size, verbosity, **options):
        if batch_size < 1:
            raise CommandError(f"--batch-size must be a whole number of at least 1, not {batch_size}.")
        search.ensure_installed()
        total = Testimony.objects.count()
        done = 0
        last_pk = 0
        # tqdm redraws its line with "\r": give it the raw stream, not Django's wrapper that ends each write with "\n".
        with tqdm(total=total, unit="testimony", disable=verbosity == 0, file=self.stderr._out) as progress:
            while True:
                # Keyset pagination: each batch starts after the last id seen, so no OFFSET is re-scanned and a
                # row deleted meanwhile cannot shift the batches.
                ids = list(
                    Testimony.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size]
                )
                if not ids:
                    break
                with transaction.atomic():
                    search.reindex(ids)
                done += len(ids)
                last_pk = ids[-1]
                progress.update(len(ids))
        pruned = search.prune()
        search.optimize()
        if verbosity:
            message = f"Indexed {done} testimonies."
            if pruned:
                message += f" Dropped {pruned} index entries of deleted testimonies."
            self.stdout.write(self.style.SUCCESS(message))
