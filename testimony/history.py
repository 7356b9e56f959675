"""Every change recorded, and the public, citable revisions of a testimony.

Editors' history is django-simple-history's: every save of a testimony, witness, identity, statement,
cross-reference, place, tag, source, actor or incident leaves a record of who changed which fields, when. This module
adds three things on top of it.

**One record per save.** A save that also changes tags or incidents would leave one record for the row and one per
many-to-many change. :func:`single_record` silences those and writes one record holding the final state.

**Public revisions, and how they are numbered.** Readers cite revisions, so a revision must never change:

- A revision is recorded by a save after which the testimony is public (published or retracted) *and* something a
  reader sees differs from the previous revision: any field in :data:`PUBLIC_FIELDS`, its tags or its incidents.
  Saves made while it is a draft or in review, and saves that only touch internal fields (editor notes, workflow
  comments), never make a revision.
- Revisions are numbered 1, 2, 3 … per testimony in the order they were saved; revision 1 is the first published
  state. Numbers are stored, never reused and never renumbered, so ``/testimonies/T-0042/revisions/3/`` keeps
  showing what was cited even after later edits, restores or a retraction.
- Each revision points at its history record: the text, dates, place, witness, source, tags and incidents shown on
  its permalink are read from that record, never from the testimony as it is now.
- Its public change summary is the one the editor wrote for that save (``Testimony.change_summary``).

**Comparing records** field by field for the admin, with word-level differences for long texts.
"""

import difflib
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import public
from .models import Revision, Status, Testimony

# What a reader of a testimony page sees (testimony.public decides). A change to any of these (or to the tags or
# incidents) while the testimony is public makes a new revision. Internal fields (editor notes, workflow bookkeeping)
# are not public, so they are not here.
PUBLIC_M2M = ("tags", "incidents")
PUBLIC_FIELDS = tuple(
    Testimony._meta.get_field(name).attname
    for name in public.PUBLIC_FIELDS[Testimony]
    if name not in ("identifier", "published_at", *PUBLIC_M2M)  # set once; the m2m are compared apart
)

# Fields an editor restores when going back to an earlier record. The workflow state (status, retraction note) and
# bookkeeping stay as they are now: restoring content never publishes, unpublishes or un-retracts anything.
RESTORABLE_FIELDS = tuple(f for f in PUBLIC_FIELDS if f not in ("status", "retraction_note")) + ("editor_notes",)


# --- one record per save -----------------------------------------------------------------------------------------


@contextmanager
def single_record(instance, *, user=None, reason=None):
    """Within the block, saves and many-to-many changes of ``instance`` write no history; leaving it writes one.

    ``user`` is recorded as who made the change (the request's user otherwise); ``reason`` is the short change reason
    editors see in the history list (at most 100 characters). Works for models recorded by ``TrackedHistory``
    (Testimony, Statement); for others the block is transparent and records are written as usual.
    """
    recorder = getattr(type(instance), "history_recorder", None)
    if user is not None:
        instance._history_user = user
    if reason:
        instance._change_reason = str(reason)[:100]
    if recorder is None:
        yield
        return
    adding = instance._state.adding or instance.pk is None
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving
    recorder.create_historical_record(instance, "+" if adding else "~")


# --- public revisions --------------------------------------------------------------------------------------------


def latest_record(testimony):
    """The newest history record of the testimony. One query."""
    return Testimony.history.filter(id=testimony.pk).order_by("-history_date", "-history_id").first()


def _public_state(record):
    """What a reader sees in ``record``: the public fields, then the tag and incident ids. Two queries."""
    fields = tuple(getattr(record, name) for name in PUBLIC_FIELDS)
    tags = frozenset(record.historicaltestimony_tags_set.values_list("tag_id", flat=True))
    incidents = frozenset(record.historicaltestimony_incidents_set.values_list("incident_id", flat=True))
    return fields, tags, incidents


def record_revision(testimony, *, summary=None):
    """Record a public revision for the testimony's latest save if the numbering rule (module docstring) says so.

    Call it after the save and its many-to-many changes, in the same transaction. Returns the new ``Revision``, or
    None when the save made none (not public, or nothing public changed). ``summary`` overrides the testimony's
    ``change_summary``.
    """
    if testimony.status not in (Status.PUBLISHED, Status.RETRACTED):
        return None
    with transaction.atomic():
        # Lock the testimony's row so two saves cannot take the same number.
        Testimony.objects.select_for_update().filter(pk=testimony.pk).values_list("pk").first()
        record = latest_record(testimony)
        if record is None or Revision.objects.filter(record=record).exists():
            return None
        previous = Revision.objects.filter(testimony=testimony).select_related("record").order_by("-number").first()
        if previous is not None and _public_state(previous.record) == _public_state(record):
            return None
        summary = testimony.change_summary if summary is None else summary
        if not summary:
            if previous is None:
                summary = _("First published.")
            elif record.status == Status.RETRACTED and previous.record.status != Status.RETRACTED:
                summary = _("Retracted.")
        return Revision.objects.create(
            testimony=testimony,
            number=previous.number + 1 if previous else 1,
            record=record,
            published=record.history_date,
            summary=summary[:300],
        )


def public_revisions(testimony):
    """The testimony's public revisions, oldest first, for its change log. One query.

    Each has ``number``, ``published``, ``summary`` and ``get_absolute_url()``; the last one is the current text.
    """
    revisions = list(Revision.objects.filter(testimony=testimony).order_by("number"))
    for revision in revisions:
        revision.testimony = testimony  # their permalinks name it: no need to read it again
    return revisions


def get_revision(testimony, number: int):
    """Revision ``number`` of the testimony, with everything its permalink shows. Raises ``Revision.DoesNotExist``
    for a number that is not a public revision (including saves made while it was a draft). Three queries."""
    return Revision.objects.for_page().get(testimony=testimony, number=number)


def ensure_baseline(testimony_pk):
    """Make sure a public testimony has its revision 1 before it is edited.

    Rows written without going through :func:`record_revision` (``loaddata``, bulk imports, restores) are public but
    have no revision yet, and perhaps no history record either. Recording their current state as revision 1 first
    means the edit that follows becomes revision 2, and what readers could already cite stays citable. Does nothing
    (one query) for a testimony that already has revisions. Returns the revision created, if any.
    """
    if Revision.objects.filter(testimony_id=testimony_pk).exists():
        return None
    current = Testimony.objects.filter(pk=testimony_pk).first()
    if current is None or current.status not in (Status.PUBLISHED, Status.RETRACTED):
        return None
    record = latest_record(current)
    if record is None or record.version != current.version:
        current._change_reason = _("State when first recorded")
        Testimony.history_recorder.create_historical_record(current, "+" if record is None else "~")
        record = latest_record(current)
    return Revision.objects.create(
        testimony=current,
        number=1,
        record=record,
        published=current.published_at or record.history_date,
        summary=_("First published."),
    )


def ensure_initial_revisions(queryset=None):
    """Give every public testimony without a revision its revision 1 (see :func:`ensure_baseline`). Run it once after
    loading rows without history. Returns how many revisions were created."""
    queryset = (queryset if queryset is not None else Testimony.objects.all()).public().filter(revisions__isnull=True)
    created = 0
    for pk in queryset.values_list("pk", flat=True).iterator(chunk_size=500):
        with transaction.atomic():
            if ensure_baseline(pk) is not None:
                created += 1
    return created


# --- comparing records (admin) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldDifference:
    field: str
    old: str
    new: str
    diff: str  # HTML: the new value with <del>/<ins> marking words removed and added


def compare(old_record, new_record):
    """Field-by-field differences between two history records of the same object, for the admin's compare page."""
    delta = new_record.diff_against(old_record, foreign_keys_are_objs=True)
    model = new_record.instance_type
    differences = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        old, new = _text(field, change.old), _text(field, change.new)
        differences.append(FieldDifference(str(capfirst(field.verbose_name)), old, new, word_diff(old, new)))
    return differences


def _text(field, value) -> str:
    if isinstance(value, list):
        name = field.m2m_reverse_field_name()
        return ", ".join(sorted(str(row[name]) for row in value))
    if field.choices and value is not None:
        value = dict(field.flatchoices).get(value, value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def word_diff(old: str, new: str) -> str:
    """HTML showing ``new`` with removed words in <del> and added words in <ins>. Both texts are escaped."""
    old_words, new_words = old.split(" "), new.split(" ")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(format_html_join("", "<del>{}</del>", [(" ".join(old_words[a1:a2]),)]))
        if b2 > b1:
            parts.append(format_html_join("", "<ins>{}</ins>", [(" ".join(new_words[b1:b2]),)]))
    return mark_safe(" ".join(str(p) for p in parts if p))  # noqa: S308 (every part is escaped above)
