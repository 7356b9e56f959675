"""No lost updates: optimistic locking with the ``version`` counter of Testimony and Statement.

Whoever writes an edited testimony or statement — the admin form, a bulk action, a restore, an import — says which
version it read, and :func:`save_with_version` writes only if the row is still at that version::

    from testimony import locking

    try:
        locking.save_with_version(testimony, expected_version=read_version)
    except locking.StaleEdit as stale:
        report(stale.message)       # "… saved by alice at 14:02. Title: “Old” → “New” …"

The check and the increment are one statement, ``UPDATE … SET version = N + 1 WHERE id = … AND version = N``. It takes
the row lock (PostgreSQL) or the write lock (SQLite) and holds it until the surrounding transaction ends, so of two
concurrent saves that read version N exactly one writes; the other matches no row and raises :class:`StaleEdit`.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import formats
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

# Bookkeeping that changes on every save: never reported as "what changed in between".
_BOOKKEEPING = {"version", "updated", "updated_by", "created", "created_by", "published_at", "search_vector"}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


class StaleEdit(Exception):
    """The row was saved by someone else after ``expected_version`` was read. Nothing was written."""

    def __init__(self, instance, expected_version: int):
        self.instance = instance
        self.expected_version = expected_version
        self.current = type(instance)._default_manager.filter(pk=instance.pk).first()
        self.changes = changes_since(instance, expected_version)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return conflict_message(self.instance, self.expected_version, self.current, self.changes)


def save_with_version(instance, expected_version: int, **save_kwargs):
    """Save ``instance`` if its row is still at ``expected_version``; the saved row gets the next version.

    Raises :class:`StaleEdit`, writing nothing, when someone else saved it since. Runs in (or opens) a transaction: the
    row stays locked until it commits. ``save_kwargs`` go to ``Model.save`` (e.g. ``update_fields``; ``version`` is
    added to them).
    """
    model = type(instance)
    with transaction.atomic():
        bumped = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
            version=expected_version + 1
        )
        if not bumped:
            raise StaleEdit(instance, expected_version)
        instance.version = expected_version + 1
        if save_kwargs.get("update_fields") is not None:
            save_kwargs["update_fields"] = {*save_kwargs["update_fields"], "version"}
        instance.save(**save_kwargs)
    return instance


def current_version(instance) -> int | None:
    """The version of ``instance``'s row in the database now (None if it is gone). One query."""
    return type(instance)._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()


def changes_since(instance, version: int) -> list[Change]:
    """What changed in the row between ``version`` and now, field by field, read from its history.

    Compares the last history record written at ``version`` with the newest one. Returns an empty list when the
    history does not reach back that far (e.g. rows loaded from a fixture before their first edit).
    """
    history = type(instance).history.filter(**{type(instance)._meta.pk.attname: instance.pk})
    old = history.filter(version=version).order_by("-history_date", "-history_id").first()
    new = history.order_by("-history_date", "-history_id").first()
    if old is None or new is None or old.pk == new.pk:
        return []
    delta = new.diff_against(old, foreign_keys_are_objs=True)
    model = type(instance)
    changes = []
    for change in delta.changes:
        if change.field in _BOOKKEEPING:
            continue
        field = model._meta.get_field(change.field)
        changes.append(
            Change(
                field=str(capfirst(field.verbose_name)),
                old=_display(field, change.old),
                new=_display(field, change.new),
            )
        )
    return changes


def _display(field, value) -> str:
    if isinstance(value, list):  # many-to-many rows: [{"testimony": …, "tag": <Tag>}]
        name = field.m2m_reverse_field_name()
        return ", ".join(str(row[name]) for row in value) or "—"
    if field.choices and value is not None:
        value = dict(field.flatchoices).get(value, value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return Truncator(str(value)).chars(120)


def conflict_message(instance, expected_version, current, changes) -> str:
    """The sentence an editor reads when their save was refused."""
    opts = type(instance)._meta
    if current is None:
        return _("This %(name)s was deleted while you were editing it. Your changes were not saved.") % {
            "name": opts.verbose_name
        }
    who = getattr(current, "updated_by", None)
    when = formats.date_format(current.updated, "DATETIME_FORMAT") if getattr(current, "updated", None) else ""
    parts = [
        _(
            "Someone else saved this %(name)s while you were editing it (you opened version %(read)s; it is now at "
            "version %(now)s, saved by %(who)s on %(when)s). Your changes were NOT saved, and nothing was "
            "overwritten."
        )
        % {
            "name": opts.verbose_name,
            "read": expected_version,
            "now": current.version,
            "who": who or _("an unknown user"),
            "when": when,
        }
    ]
    if changes:
        parts.append(
            _("What changed in between: %(changes)s.")
            % {"changes": "; ".join(f"{c.field}: “{c.old}” → “{c.new}”" for c in changes)}
        )
    parts.append(_("Reload the page to see the current version, then make your changes again."))
    return " ".join(parts)
