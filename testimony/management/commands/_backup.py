"""The archive's dump format, shared by ``dump_archive`` and ``restore_archive``.

A dump is UTF-8 JSON Lines (gzip-compressed when the file name ends in ``.gz``), streamed both ways:

- line 1, the header: ``{"format": "testimony-archive-dump", "version": 1, "created": ..., "confidential": bool,
  "migrations": {"testimony": ["0001_initial", ...], "auth": [...], ...}}``;
- then one line per row: ``{"model": "testimony.testimony", "fields": {"id": 42, "number": 42, ...}}``, every
  concrete column by its attribute name, primary keys included, so ids, identifiers and the history's references to
  them come back unchanged. Models follow one another in the order of :func:`dumped_models`: users and groups, then
  every model of the archive app (many-to-many link tables and django-simple-history's ``Historical*`` tables
  included);
- the last line, the trailer: ``{"end": true, "counts": {"testimony.testimony": 1000, ...}}``. A file without it was
  cut short and is refused.

Users are dumped as username, names, flags (active, staff, superuser), groups and permissions, **without password
hashes or e-mail addresses**: a backup travels further than the database (off-site copies, laptops), and a hash is a
credential. Restored users get an unusable password and set a new one (``manage.py changepassword``).

Confidential witness identities (``WitnessIdentity`` and its history) are left out unless asked for.
"""

import datetime
import decimal
import gzip
import json
import uuid
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from testimony import pagecache
from testimony.models import Counter, FacetCount, WitnessIdentity

FORMAT_NAME = "testimony-archive-dump"
FORMAT_VERSION = 1
BATCH_SIZE = 1000
MIGRATION_APPS = ("auth", "contenttypes", "testimony")
# Columns never dumped: the full-text vector and the row's copies of its tags and witness role are derived, and
# rebuilt by restore (testimony.search.reindex).
SKIPPED_COLUMNS = {
    "testimony.testimony": {"search_vector", "tag_ids", "witness_role"},
    "testimony.historicaltestimony": {"search_vector"},
}
USER_COLUMNS = ("id", "username", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "date_joined")


def confidential_models() -> set:
    return {WitnessIdentity, WitnessIdentity.history.model}


# Derived tables: restore rebuilds them from the rows they summarise, so a dump need not carry them.
DERIVED = {FacetCount}


def saved_rows(model):
    """The rows of ``model`` a dump carries: all of them, but the page cache's generation (state of a running archive,
    not of its content; a restored archive starts its own)."""
    if model is Counter:
        return Counter.objects.exclude(name=pagecache.GENERATION)
    return model._default_manager.all()


def archive_models(include_confidential: bool) -> list:
    """Every model of the archive app, link tables and history tables included, minus the confidential ones and the
    derived ones."""
    hidden = set(DERIVED) if include_confidential else confidential_models() | DERIVED
    models = apps.get_app_config("testimony").get_models(include_auto_created=True)
    return [model for model in models if model not in hidden]


def columns(model) -> list[str]:
    skipped = SKIPPED_COLUMNS.get(model._meta.label_lower, set())
    return [f.attname for f in model._meta.concrete_fields if f.attname not in skipped and f.name not in skipped]


def migration_state() -> dict[str, list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    state: dict[str, list[str]] = {app: [] for app in MIGRATION_APPS}
    for app, name in sorted(applied):
        if app in state:
            state[app].append(name)
    return state


def encode(value):
    """JSON for a column value, exact: full microseconds, decimals as strings."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot dump {type(value).__name__}")


def dumps(data) -> str:
    return json.dumps(data, default=encode, ensure_ascii=False, separators=(",", ":"))


def open_dump(path: Path, mode: str, *, compressed: bool | None = None):
    if compressed is None:
        compressed = path.suffix == ".gz"
    if compressed:
        return gzip.open(path, mode + "t", encoding="utf-8", newline="\n")
    return path.open(mode, encoding="utf-8", newline="\n")


def user_rows():
    """Users without password hashes or e-mail, with their groups and permissions by name."""
    User = get_user_model()
    through_groups = User.groups.through
    through_perms = User.user_permissions.through
    groups = {}
    for user_id, name in through_groups.objects.values_list("user_id", "group__name"):
        groups.setdefault(user_id, []).append(name)
    perms = {}
    for user_id, app_label, codename in through_perms.objects.values_list(
        "user_id", "permission__content_type__app_label", "permission__codename"
    ):
        perms.setdefault(user_id, []).append(f"{app_label}.{codename}")
    for row in User.objects.order_by("pk").values(*USER_COLUMNS).iterator(chunk_size=BATCH_SIZE):
        row["groups"] = sorted(groups.get(row["id"], []))
        row["permissions"] = sorted(perms.get(row["id"], []))
        yield row


def group_rows():
    for group in Group.objects.order_by("name").prefetch_related("permissions__content_type"):
        yield {
            "name": group.name,
            "permissions": sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()),
        }


def permission(label: str):
    app_label, codename = label.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)
