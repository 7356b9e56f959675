from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .testimonies import Testimony
from .vocabulary import Status


class WorkflowEvent(models.Model):
    """One move of a testimony through the review workflow: who, when, from which status to which, and why.

    Internal: shown to editors in the admin, never on a public page. Written by ``testimony.workflow``.
    """

    testimony = models.ForeignKey(
        Testimony,
        on_delete=models.CASCADE,
        related_name="workflow_events",
        verbose_name=_("testimony"),
    )
    from_status = models.CharField(
        _("from"),
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text=_("Empty when the testimony was created."),
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        indexes = [
            # A testimony's workflow history, oldest first (the admin change page).
            models.Index(fields=["testimony", "created"], name="testimony_workflow_by_entry"),
        ]

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


# What a correction's entry says of the revision's own state (public fields of a testimony; its text is at the
# revision's permanent address).
FEED_RECORD_FIELDS = ("title", "status", "retraction_note")


class RevisionQuerySet(models.QuerySet):
    def later(self):
        """Revisions after a testimony's first publication: its corrections, regradings and retraction."""
        return self.filter(number__gt=1)

    def for_feed(self):
        """Loading plan for the corrections feed: each revision with its testimony's identifier and the title, status
        and retraction note that revision published (its history record), public columns only. One query."""
        return self.select_related("testimony", "record").only(
            "number",
            "published",
            "summary",
            "testimony__identifier",
            *(f"record__{name}" for name in FEED_RECORD_FIELDS),
        )

    def for_page(self):
        """Loading plan for a revision permalink: the revision with its history record, place, witness and source;
        then the record's tags (with their groups) and incidents. Three queries."""
        history = Testimony.history.model
        return self.select_related(
            "testimony",
            "record__place",
            "record__witness",
            "record__source",
        ).prefetch_related(
            models.Prefetch(
                "record__historicaltestimony_tags_set",
                queryset=history.tags.model.objects.select_related("tag__group").order_by(
                    "tag__group__position", "tag__position", "tag__name"
                ),
                to_attr="tag_rows",
            ),
            models.Prefetch(
                "record__historicaltestimony_incidents_set",
                queryset=history.incidents.model.objects.select_related("incident").order_by("incident__date_start"),
                to_attr="incident_rows",
            ),
        )


class Revision(models.Model):
    """A public, citable revision of a testimony: what readers could see after one save.

    Numbered 1, 2, 3 … per testimony among public saves only (the rule is in ``testimony.history``). A revision
    points at the django-simple-history record written by that save, so its text, dates, place and tags are read
    from the record and never change when the testimony is edited again.
    """

    testimony = models.ForeignKey(
        Testimony,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("testimony"),
    )
    number = models.PositiveIntegerField(_("revision"))
    record = models.OneToOneField(
        "testimony.HistoricalTestimony",
        on_delete=models.PROTECT,
        related_name="public_revision",
        verbose_name=_("history record"),
    )
    published = models.DateTimeField(_("published"), default=timezone.now)
    summary = models.CharField(_("public change summary"), max_length=300, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["testimony", "number"]
        verbose_name = _("public revision")
        verbose_name_plural = _("public revisions")
        constraints = [
            # Also serves the lookup of "revision N of T-0042".
            models.UniqueConstraint(fields=["testimony", "number"], name="testimony_revision_unique_number"),
        ]
        indexes = [
            # The corrections feed: the latest later revisions, read off the index instead of sorting them all.
            models.Index(
                models.F("published").desc(),
                models.F("id").desc(),
                name="testimony_revision_later",
                condition=models.Q(number__gt=1),
            ),
        ]

    def __str__(self):
        return f"{self.testimony.identifier} rev. {self.number}"

    def get_absolute_url(self):
        return reverse("testimony:revision", args=[self.testimony.identifier, self.number])
