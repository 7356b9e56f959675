"""The review workflow: who may move a testimony from which status to which, and the one way to save an edit.

    draft ──submit──▶ in review ──publish──▶ published ──retract──▶ retracted
      ▲                  │                       ▲
      └────send back─────┘     (editors may also publish a draft directly)

- **Contributors** (``testimony.submit_testimony``) create drafts, edit drafts and entries in review, and submit for
  review. They never publish, and never edit a public entry (its text is what readers see).
- **Editors** (``testimony.publish_testimony``) also publish, send back to draft with a comment saying why, and
  retract with a public retraction note. A published or retracted entry never goes back to draft or review, and is
  never deleted: it can only be retracted. Retraction is final.

:func:`save_testimony` is the write path every caller uses (the admin form, bulk actions, restores, imports): it
checks the move, saves with the optimistic lock (``testimony.locking``), writes one history record, records the
workflow event and the public revision, all in one transaction.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import history, locking
from .models import Status, Testimony, WorkflowEvent

SUBMIT = "testimony.submit_testimony"
PUBLISH = "testimony.publish_testimony"
PUBLIC = (Status.PUBLISHED, Status.RETRACTED)

# (from, to) -> the permission the move needs. None as "from" is the status a new testimony is created in.
TRANSITIONS = {
    (None, Status.DRAFT): "testimony.add_testimony",
    (None, Status.REVIEW): SUBMIT,
    (None, Status.PUBLISHED): PUBLISH,
    (Status.DRAFT, Status.REVIEW): SUBMIT,
    (Status.DRAFT, Status.PUBLISHED): PUBLISH,
    (Status.REVIEW, Status.DRAFT): PUBLISH,
    (Status.REVIEW, Status.PUBLISHED): PUBLISH,
    (Status.PUBLISHED, Status.RETRACTED): PUBLISH,
}

# How a move reads in the admin's messages and workflow history.
VERBS = {
    Status.REVIEW: gettext_lazy("submitted for review"),
    Status.DRAFT: gettext_lazy("sent back to draft"),
    Status.PUBLISHED: gettext_lazy("published"),
    Status.RETRACTED: gettext_lazy("retracted"),
}


class WorkflowError(Exception):
    """A move or an edit the workflow refuses. The message says why, for the editor."""

    def __init__(self, message, field=None):
        self.message = message
        self.field = field  # the form field the message belongs to, if any
        super().__init__(message)


def can_edit(user, testimony) -> bool:
    """Whether the user may change the testimony at all: public entries only with the publish permission."""
    if testimony.pk is not None and testimony.status in PUBLIC:
        return user.has_perm(PUBLISH)
    return user.has_perm("testimony.change_testimony") or user.has_perm("testimony.add_testimony")


def can_move(user, from_status, to_status) -> bool:
    if from_status == to_status:
        return True
    permission = TRANSITIONS.get((from_status, to_status))
    return permission is not None and user.has_perm(permission)


def allowed_statuses(user, current=None) -> list[str]:
    """The statuses the user may choose for a testimony now in ``current`` (None: a new one), current first."""
    choices = [current] if current is not None else []
    choices += [status for status in Status.values if status != current and can_move(user, current, status)]
    return choices


def can_delete(user, testimony) -> bool:
    """Drafts and entries in review may be deleted by those allowed to; public entries are only ever retracted."""
    return testimony.status not in PUBLIC and user.has_perm("testimony.delete_testimony")


def check(user, from_status, to_status, *, retraction_note="", comment=""):
    """Raise :class:`WorkflowError` unless the user may save a testimony that was in ``from_status`` (None: new) with
    status ``to_status``."""
    if from_status in PUBLIC and not user.has_perm(PUBLISH):
        raise WorkflowError(_("Only editors may change a published or retracted testimony."))
    if not can_move(user, from_status, to_status):
        if from_status in PUBLIC and to_status not in PUBLIC:
            message = _("A published testimony cannot go back to draft or review: retract it instead.")
        elif from_status == Status.RETRACTED:
            message = _("A retracted testimony stays retracted.")
        else:
            message = _("You may not move a testimony from “%(old)s” to “%(new)s”.") % {
                "old": Status(from_status).label if from_status else _("new"),
                "new": Status(to_status).label,
            }
        raise WorkflowError(message, field="status")
    if to_status == Status.RETRACTED and not (retraction_note or "").strip():
        raise WorkflowError(_("Say publicly why the testimony is retracted."), field="retraction_note")
    if from_status == Status.REVIEW and to_status == Status.DRAFT and not comment.strip():
        raise WorkflowError(
            _("Say in a comment why you send it back, so the contributor knows what to fix."),
            field="workflow_comment",
        )


def save_testimony(
    testimony,
    *,
    user,
    expected_version=None,
    from_status=None,
    comment="",
    summary=None,
    save_m2m=None,
    reason=None,
):
    """Save an edited (or new) testimony by every rule: the workflow, the optimistic lock, one history record, the
    workflow event, the public revision.

    ``expected_version`` is the version the editor read (required for an existing testimony); ``from_status`` the
    status it had then (None for a new one). ``save_m2m`` is called after the row is saved (the admin form's, or a
    tag change). ``summary`` is the public change summary (kept as it is when None). Raises :class:`WorkflowError` or
    ``locking.StaleEdit``; either way nothing is written.
    """
    adding = testimony.pk is None
    if not adding and expected_version is None:
        raise ValueError("save_testimony needs the version the editor read for an existing testimony")
    if adding:
        from_status = None
    check(user, from_status, testimony.status, retraction_note=testimony.retraction_note, comment=comment)
    if summary is not None:
        testimony.change_summary = summary
    testimony.updated_by = user
    if adding:
        testimony.created_by = user
    with transaction.atomic():
        if not adding and from_status in PUBLIC:
            history.ensure_baseline(testimony.pk)  # what readers could cite before this edit stays citable
        with history.single_record(testimony, user=user, reason=reason):
            if adding:
                testimony.save()
            else:
                locking.save_with_version(testimony, expected_version)
            if save_m2m is not None:
                save_m2m()
        if adding or from_status != testimony.status:
            WorkflowEvent.objects.create(
                testimony=testimony,
                from_status="" if adding else from_status,
                to_status=testimony.status,
                comment=comment,
                user=user,
            )
        history.record_revision(testimony)
    return testimony


def move(testimony, to_status, *, user, comment="", retraction_note=None, summary=None):
    """Move one testimony to ``to_status`` (a bulk action's step). Locks its row, so a concurrent edit either
    finishes first (and this move applies on top of it) or is refused by its own version check afterwards."""
    with transaction.atomic():
        current = Testimony.objects.select_for_update().get(pk=testimony.pk)
        from_status = current.status
        if from_status == to_status:
            return current
        current.status = to_status
        if retraction_note is not None:
            current.retraction_note = retraction_note
        return save_testimony(
            current,
            user=user,
            expected_version=current.version,
            from_status=from_status,
            comment=comment,
            summary="" if summary is None else summary,
            reason=str(VERBS[to_status]).capitalize(),
        )


def change_tag(testimony, tag, *, add: bool, user, summary=None):
    """Add or remove one credibility tag (a bulk action's step), as a versioned, recorded edit. Returns False when
    there was nothing to do."""
    with transaction.atomic():
        current = Testimony.objects.select_for_update().get(pk=testimony.pk)
        has_tag = current.tags.filter(pk=tag.pk).exists()
        if has_tag == add:
            return False
        if summary is None:
            template = _("Added the credibility tag “%(tag)s”.") if add else _("Removed the credibility tag “%(tag)s”.")
            summary = template % {"tag": tag.name}
        save_testimony(
            current,
            user=user,
            expected_version=current.version,
            from_status=current.status,
            summary=summary,
            save_m2m=(lambda: current.tags.add(tag)) if add else (lambda: current.tags.remove(tag)),
            reason=summary,
        )
        return True
