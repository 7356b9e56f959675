"""python manage.py import_testimonies FILE [--dry-run] [--publish] [--format json|csv] [--user USERNAME]

Checks the whole file, then imports it in one transaction: every row or none. Errors are listed on stderr with
their line numbers and the command exits with status 1. Streams the file twice (check, then write), so memory stays
flat on a file of a million rows.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from tqdm import tqdm

from testimony import importing


class _ProgressBars:
    """One tqdm bar per phase on stderr: bytes while checking, rows while writing."""

    LABELS = {"check": "Checking", "write": "Writing"}

    def __init__(self, stream, enabled: bool):
        self.stream, self.enabled = stream, enabled
        self.bar = self.phase = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            self.close()
            unit, scale = ("B", True) if phase == "check" else ("rows", False)
            self.bar = tqdm(total=total, desc=self.LABELS[phase], unit=unit, unit_scale=scale, file=self.stream)
            self.phase = phase
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Import testimonies from a CSV or JSON file in the archive's interchange format: all rows or none. "
        "They arrive as drafts unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .json or .csv file in the interchange format (see README).")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")
        parser.add_argument("--publish", action="store_true", help="Publish the imported testimonies at once.")
        parser.add_argument("--format", choices=["json", "csv"], help="The file's format (default: from its name).")
        parser.add_argument("--user", help="Record this user (a username) as the one who imported.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw progress bars.")

    def handle(self, *args, file, dry_run, publish, format, user, no_progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            fmt = importing.detect_format(path.name, format)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        importer_user = None
        if user:
            try:
                importer_user = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user called “{user}”.") from None
        progress = _ProgressBars(self.stderr._out, enabled=not no_progress and options.get("verbosity", 1) > 0)
        try:
            report = importing.import_file(
                path, fmt, publish=publish, user=importer_user, dry_run=dry_run, progress=progress
            )
        finally:
            progress.close()
        if not report.ok:
            for error in report.sorted_errors():
                self.stderr.write(str(error))
            if report.error_count > len(report.errors):
                self.stderr.write(f"… and {report.error_count - len(report.errors)} more.")
            raise CommandError(report.summary())
        self._describe(report)

    def _describe(self, report):
        created = ", ".join(f"{count} {family.replace('_', ' ')}" for family, count in report.created.items())
        existing = ", ".join(f"{count} {family.replace('_', ' ')}" for family, count in report.existing.items())
        if created:
            self.stdout.write(f"New vocabulary: {created}.")
        if existing:
            self.stdout.write(f"Already in the archive (left as they are): {existing}.")
        self.stdout.write(
            f"{report.kept_identifiers} identifiers kept from the file, "
            f"{report.new_identifiers} allocated by the archive."
        )
        if report.written and report.created_identifiers:
            first, last = report.created_identifiers
            self.stdout.write(f"Written: {first} … {last}.")
        if not report.written:
            self.stdout.write("Dry run: nothing was written.")
        self.stdout.write(self.style.SUCCESS(report.summary()))
