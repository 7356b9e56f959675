import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..links import link
from .identifiers import Counter
from .testimonies import Incident, Testimony
from .tracking import TrackedHistory
from .vocabulary import PUBLIC_STATUSES, SlugManager, SlugNaturalKey, Source, Status


class Actor(SlugNaturalKey, models.Model):
    """Who makes official claims: a person with their office, a government body, a media outlet, an NGO."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        GOVERNMENT = "government", _("Government body")
        STATE_MEDIA = "state_media", _("State media")
        FOREIGN_MEDIA = "foreign_media", _("Foreign media")
        NGO = "ngo", _("NGO")
        INDEPENDENT_MEDIA = "independent_media", _("Independent media")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    office = models.CharField(_("office"), max_length=200, blank=True, help_text=_("For a person: their post."))
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self):
        return f"{self.name}, {self.office}" if self.office else self.name


class StatementQuerySet(models.QuerySet):
    def public(self):
        """Statements anyone may read."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def made_on(self, day: datetime.date):
        return self.filter(made_on=day)

    def for_list(self):
        """With the actor and source, loading public columns only (``public.statement_load_fields``)."""
        from testimony import public  # it names every model's public fields, so it imports the models

        return self.select_related("actor", "source").only(*public.statement_load_fields())

    def get_by_natural_key(self, identifier):
        return self.get(identifier=identifier)


class Statement(models.Model):
    """A claim to check testimony against: who made it, when, in one sentence, and verbatim in the words of the source
    that recorded it."""

    IDENTIFIER_PREFIX = "S"

    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    identifier = models.CharField(_("identifier"), max_length=20, unique=True, editable=False)
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="statements", verbose_name=_("actor"))
    made_on = models.DateField(_("made on"), db_index=True)
    is_date_approximate = models.BooleanField(_("date is approximate"), default=False)
    claim = models.CharField(_("claim"), max_length=300, help_text=_("The claim in one sentence."))
    quote = models.TextField(
        _("quote"),
        blank=True,
        help_text=_(
            "The source’s own words recording the claim, verbatim and in their original language; the actor’s own "
            "words, if any, appear within them in quotation marks. Pages show it as the source’s words, reporting "
            "the actor."
        ),
    )
    language = models.CharField(_("language"), max_length=12, default="en")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("source"),
        help_text=_("Where the archive read the claim: the quote is in its words."),
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    incidents = models.ManyToManyField(Incident, blank=True, related_name="statements", verbose_name=_("incidents"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    retraction_note = models.TextField(_("retraction note"), blank=True)
    editor_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never public."))
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = TrackedHistory(m2m_fields=[incidents])
    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["made_on", "number"]
        verbose_name = _("official statement")
        verbose_name_plural = _("official statements")
        indexes = [
            models.Index(fields=["status", "made_on"], name="testimony_statement_status_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.RETRACTED) | ~Q(retraction_note=""),
                name="testimony_statement_retraction_has_note",
            ),
        ]

    def __str__(self):
        return f"{self.identifier} {self.claim}" if self.identifier else self.claim

    def natural_key(self):
        return (self.identifier,)

    def get_absolute_url(self):
        return link("testimony:statement", self.identifier)

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES

    def save(self, *args, **kwargs):
        if self.number is None:
            floor = Statement.objects.aggregate(m=models.Max("number"))["m"] or 0
            self.number = Counter.allocate("statement", floor=floor)
        if not self.identifier:
            self.identifier = f"{self.IDENTIFIER_PREFIX}-{self.number:04d}"
        if self.status in PUBLIC_STATUSES and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)


class CrossReferenceQuerySet(models.QuerySet):
    def public(self):
        """Links whose both ends are public."""
        return self.filter(testimony__status__in=PUBLIC_STATUSES).filter(
            Q(statement__status__in=PUBLIC_STATUSES) | Q(other_testimony__status__in=PUBLIC_STATUSES)
        )

    def of_public_statement(self, statement):
        """The links to ``statement`` that :meth:`public` keeps: none if the statement is not public, else those
        whose testimonies are. Asked this way, the query joins neither the statement again nor the other testimony
        a statement's link never has (building it took 1.5 ms through :meth:`public`, 0.9 this way)."""
        if not statement.is_public:
            return self.none()
        return self.filter(statement=statement, testimony__status__in=PUBLIC_STATUSES)

    def first_of_each_relation(self, count: int) -> list:
        """The first ``count`` links of each relation, their testimonies in the list's date order (earliest first):
        numbered per relation in the database (``ROW_NUMBER() OVER (PARTITION BY relation …)``), one query.

        The rows come in the order of that number, as many as ``count`` for each relation there could be: the first
        ``count`` of every relation lead, and the few beyond them that fill a short relation's share are dropped here.
        Filtering on the number in the query instead (``position <= count``) makes Django wrap it in an outer query,
        which doubled the time Django takes to build it: 2.1 → 4.2 ms of a statement page's ~20.
        """
        in_date_order = [F(f"testimony__{name}").asc() for name in ("date_start", "date_end", "number")]
        numbered = self.annotate(position=Window(RowNumber(), partition_by=F("relation"), order_by=in_date_order))
        rows = numbered.order_by("position", "relation")[: count * len(CrossReference.Relation)]
        return [row for row in rows if row.position <= count]


class CrossReference(models.Model):
    """An editor's link from a testimony to a statement or to another testimony, with the reason for it."""

    class Relation(models.TextChoices):
        CORROBORATES = "corroborates", _("corroborates")
        CONTRADICTS = "contradicts", _("contradicts")
        CONTEXT = "context", _("adds context to")

    testimony = models.ForeignKey(
        Testimony,
        on_delete=models.CASCADE,
        related_name="cross_references",
        verbose_name=_("testimony"),
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cross_references",
        verbose_name=_("statement"),
    )
    other_testimony = models.ForeignKey(
        Testimony,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="referenced_by",
        verbose_name=_("other testimony"),
    )
    note = models.TextField(_("note"), help_text=_("Public: why the editor links the two."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = CrossReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["relation", "id"]
        verbose_name = _("cross-reference")
        verbose_name_plural = _("cross-references")
        indexes = [
            # A statement page: its links grouped by relation.
            models.Index(fields=["statement", "relation"], name="testimony_xref_statement"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(statement__isnull=False) & Q(other_testimony__isnull=True))
                | (Q(statement__isnull=True) & Q(other_testimony__isnull=False)),
                name="testimony_xref_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(testimony=models.F("other_testimony")),
                name="testimony_xref_not_to_itself",
            ),
            models.UniqueConstraint(
                fields=["testimony", "statement", "relation"],
                condition=Q(statement__isnull=False),
                name="testimony_xref_unique_statement",
            ),
            models.UniqueConstraint(
                fields=["testimony", "other_testimony", "relation"],
                condition=Q(other_testimony__isnull=False),
                name="testimony_xref_unique_testimony",
            ),
        ]

    def __str__(self):
        target = self.statement or self.other_testimony
        return f"{self.testimony_id} {self.get_relation_display()} {target}"

    @property
    def target(self):
        return self.statement if self.statement_id else self.other_testimony

    def clean(self):
        if bool(self.statement_id) == bool(self.other_testimony_id):
            raise ValidationError(_("Link the testimony to either a statement or another testimony, not both."))
        if self.other_testimony_id and self.other_testimony_id == self.testimony_id:
            raise ValidationError({"other_testimony": _("A testimony cannot cross-reference itself.")})
