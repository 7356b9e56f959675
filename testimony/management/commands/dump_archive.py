"""python manage.py dump_archive FILE [--include-confidential]

Writes a complete, versioned dump of the archive (see ``_backup`` for the format): every model with its history,
users without password hashes, and confidential witness identities only with ``--include-confidential``. Reads one
consistent snapshot and streams it, so memory stays flat. Writes to FILE.partial and renames it when complete.
"""

import os
from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from . import _backup


class Command(BaseCommand):
    help = "Write a complete, versioned dump of the archive and its history (restore it with restore_archive)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the dump (.jsonl, or .jsonl.gz to compress it).")
        parser.add_argument(
            "--include-confidential",
            action="store_true",
            help=(
                "Also dump confidential witness identities and their history. Keep such a file as safe as the database."
            ),
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, file, include_confidential, no_progress, **options):
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(f"No such directory: {path.parent}")
        if path.exists() and not path.is_file():  # a folder, a device: never replaced by a dump
            raise CommandError(f"{path} is not a file: give the name of the file to write the dump to.")
        partial = path.with_name(path.name + ".partial")
        models = _backup.archive_models(include_confidential)
        outermost = not connection.in_atomic_block
        try:
            with transaction.atomic():
                if outermost:
                    self._snapshot()
                quiet = no_progress or options["verbosity"] == 0
                counts = self._write(partial, path.suffix == ".gz", models, include_confidential, quiet)
        except OSError as exc:  # the folder cannot be written, the disk is full
            partial.unlink(missing_ok=True)
            raise CommandError(f"The dump could not be written to {path} ({exc.strerror or exc}).") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        try:
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"The dump could not be written to {path} ({exc.strerror or exc}).") from None
        total = sum(counts.values())
        note = "with" if include_confidential else "without"
        self.stdout.write(
            self.style.SUCCESS(f"Dumped {total} rows of {len(counts)} tables to {path} ({note} confidential data).")
        )

    def _snapshot(self):
        # Every table read from one snapshot, so the dump is consistent while editors keep working. SQLite's read
        # transaction already is one; PostgreSQL's default (read committed) gives each query its own.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def _write(self, path, compressed, models, include_confidential, quiet):
        counts = {}
        total = sum(_backup.saved_rows(m).count() for m in models)
        bar = tqdm(total=total, unit="rows", desc="Dumping", file=self.stderr._out, disable=quiet)
        with _backup.open_dump(path, "w", compressed=compressed) as out:
            header = {
                "format": _backup.FORMAT_NAME,
                "version": _backup.FORMAT_VERSION,
                "created": timezone.now(),
                "confidential": include_confidential,
                "migrations": _backup.migration_state(),
            }
            out.write(_backup.dumps(header) + "\n")
            counts["auth.group"] = self._rows(out, "auth.group", _backup.group_rows())
            counts["auth.user"] = self._rows(out, "auth.user", _backup.user_rows())
            for model in models:
                label = model._meta.label_lower
                rows = (
                    _backup.saved_rows(model)
                    .order_by("pk")
                    .values(*_backup.columns(model))
                    .iterator(chunk_size=_backup.BATCH_SIZE)
                )
                counts[label] = self._rows(out, label, rows, bar)
            out.write(_backup.dumps({"end": True, "counts": counts}) + "\n")
        bar.close()
        return counts

    def _rows(self, out, label, rows, bar=None):
        count = 0
        for row in rows:
            out.write(_backup.dumps({"model": label, "fields": row}) + "\n")
            count += 1
            if bar is not None and count % _backup.BATCH_SIZE == 0:
                bar.update(_backup.BATCH_SIZE)
        if bar is not None:
            bar.update(count % _backup.BATCH_SIZE)
        return count
