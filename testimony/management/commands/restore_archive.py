"""python manage.py restore_archive FILE

Loads a dump written by ``dump_archive`` into an EMPTY, migrated database, in one transaction: all of it or nothing.
Ids and identifiers come back unchanged, with the identifier counters, place paths and every history record; the
search index is rebuilt. A database that already holds any row of the archive (testimonies, statements, witnesses,
places, history, ...) or any user is refused. The credibility vocabulary a fresh ``migrate`` seeds is replaced by the
dump's own.
"""

import json
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from tqdm import tqdm

from testimony import search, summary
from testimony.models import Counter, Statement, Tag, TagGroup, Testimony

from . import _backup


class RestoreError(Exception):
    pass


# What a damaged or hand-edited dump raises while it is read and written, all inside the one transaction: a wrong
# value (ValueError, ValidationError, OverflowError), a missing key or unknown model (LookupError), a row of the
# wrong shape (TypeError, AttributeError), a permission or row that is not there (ObjectDoesNotExist), a line nested
# past the JSON reader's recursion (RecursionError), the database's refusal or a cut-off file.
UNREADABLE = (
    DatabaseError,
    ValueError,
    LookupError,
    TypeError,
    AttributeError,
    OverflowError,
    RecursionError,
    ValidationError,
    ObjectDoesNotExist,
    EOFError,
    OSError,
)


class Command(BaseCommand):
    help = "Load a dump made by dump_archive into an empty database (refuses a database that holds an archive)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A dump written by dump_archive (.jsonl or .jsonl.gz).")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, file, no_progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        self._refuse_if_not_empty()
        self.quiet = no_progress or options["verbosity"] == 0
        try:
            with transaction.atomic():
                header, counts = self._restore(path)
        except RestoreError as exc:
            raise CommandError(f"{exc} Nothing was restored.") from None
        except UNREADABLE as exc:
            raise CommandError(
                f"The dump could not be loaded ({type(exc).__name__}: {exc}). Nothing was restored."
            ) from None
        total = sum(counts.values())
        dumped = f"dumped {header['created']}" if header.get("created") else "the dump does not say when it was made"
        self.stdout.write(self.style.SUCCESS(f"Restored {total} rows from {path} ({dumped})."))
        if not header.get("confidential"):
            self.stdout.write("This dump holds no confidential witness identities: re-enter them if you need them.")
        self.stdout.write("Users were restored without passwords: each sets one with `manage.py changepassword`.")

    def _refuse_if_not_empty(self):
        seeded = {Tag, TagGroup, Tag.history.model, TagGroup.history.model}
        models = [m for m in _backup.archive_models(include_confidential=True) if m not in seeded]
        held = [model._meta.verbose_name_plural for model in models if _backup.saved_rows(model).exists()]
        if get_user_model().objects.exists():
            held.append("users")
        if held:
            raise CommandError(
                f"The database is not empty (it holds {', '.join(str(h) for h in held)}). "
                "Restore into a new, migrated database: nothing was changed."
            )

    def _restore(self, path):
        with _backup.open_dump(path, "r") as lines:
            header = self._header(next(lines, ""))
            # The vocabulary a fresh migrate seeds is replaced by the dump's own (same slugs, the dump's ids).
            for model in (Tag.history.model, Tag, TagGroup.history.model, TagGroup):
                model._default_manager.all()._raw_delete(connection.alias)
            counts, trailer = {}, None
            bar = tqdm(unit="rows", desc="Restoring", file=self.stderr._out, disable=self.quiet)
            batch, label = [], None
            for number, line in enumerate(lines, start=2):
                if trailer is not None:
                    raise RestoreError(f"Line {number}: rows after the end of the dump.")
                record = json.loads(line)
                if record.get("end"):
                    trailer = record
                    continue
                if record["model"] != label or len(batch) >= _backup.BATCH_SIZE:
                    self._load(label, batch)
                    bar.update(len(batch))
                    batch, label = [], record["model"]
                batch.append(record["fields"])
                counts[label] = counts.get(label, 0) + 1
            self._load(label, batch)
            bar.update(len(batch))
            bar.close()
        if trailer is None:
            raise RestoreError("The dump is incomplete (it has no end line): it was probably cut short.")
        if {label: n for label, n in trailer["counts"].items() if n} != counts:
            raise RestoreError("The dump's row counts do not match its end line.")
        self._finish()
        return header, counts

    def _header(self, line):
        try:
            header = json.loads(line)
        except json.JSONDecodeError:
            header = None
        if not isinstance(header, dict) or header.get("format") != _backup.FORMAT_NAME:
            raise RestoreError("This is not a dump made by dump_archive.")
        if header.get("version") != _backup.FORMAT_VERSION:
            raise RestoreError(f"This dump is in version {header.get('version')} of the format; this archive reads 1.")
        here = _backup.migration_state()
        for app, names in header["migrations"].items():
            missing = sorted(set(names) - set(here.get(app, [])))
            if missing:
                raise RestoreError(
                    f"The dump was made by a newer version of the archive (migration {app}.{missing[0]} is not "
                    "applied here): upgrade and run migrate first."
                )
        return header

    def _load(self, label, rows):
        if not rows:
            return
        if label == "auth.group":
            for row in rows:
                group, _ = Group.objects.get_or_create(name=row["name"])
                group.permissions.set([_backup.permission(p) for p in row["permissions"]])
            return
        if label == "auth.user":
            self._load_users(rows)
            return
        model = apps.get_model(label)
        if model._meta.app_label != "testimony":
            raise RestoreError(f"Unexpected table {label} in the dump.")
        fields = {f.attname: f for f in model._meta.concrete_fields}
        objects = []
        for row in rows:
            unknown = set(row) - set(fields)
            if unknown:
                raise RestoreError(f"{label} has columns this archive does not know: {', '.join(sorted(unknown))}.")
            objects.append(model(**{name: fields[name].to_python(value) for name, value in row.items()}))
        model._default_manager.bulk_create(objects)

    def _load_users(self, rows):
        User = get_user_model()
        users = []
        for row in rows:
            user = User(**{name: row[name] for name in _backup.USER_COLUMNS})
            user.date_joined = User._meta.get_field("date_joined").to_python(row["date_joined"])
            user.set_unusable_password()
            users.append(user)
        User.objects.bulk_create(users)
        for row in rows:
            user = User.objects.get(pk=row["id"])
            if row["groups"]:
                user.groups.set(Group.objects.filter(name__in=row["groups"]))
            if row["permissions"]:
                user.user_permissions.set([_backup.permission(p) for p in row["permissions"]])

    def _finish(self):
        # Explicit ids were inserted: move each table's id sequence past them (PostgreSQL; nothing to do on SQLite).
        models = [get_user_model(), Group, *apps.get_app_config("testimony").get_models(include_auto_created=True)]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        # Identifiers are never reused, even if the dump's counters lagged behind its rows.
        Counter.allocate("testimony", count=0, floor=Testimony.objects.aggregate(m=Max("number"))["m"] or 0)
        Counter.allocate("statement", count=0, floor=Statement.objects.aggregate(m=Max("number"))["m"] or 0)
        search.reindex()
        summary.rebuild()
