import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..links import link
from .identifiers import Counter
from .places import Place
from .tracking import TrackedHistory
from .vocabulary import PUBLIC_STATUSES, SlugManager, SlugNaturalKey, Source, Status, Tag
from .witnesses import Witness


class PartOfDay(models.TextChoices):
    NIGHT = "night", _("night")
    MORNING = "morning", _("morning")
    AFTERNOON = "afternoon", _("afternoon")
    EVENING = "evening", _("evening")

    @classmethod
    def label_of(cls, value: str) -> str:
        """The value's label in the active language ("" for none): what ``get_part_of_day_display`` shows, without
        the dictionary of every choice Django's version builds on each call (~65 µs a result card)."""
        return str(_PART_OF_DAY_LABELS.get(value, value))


_PART_OF_DAY_LABELS = dict(PartOfDay.choices)


class Incident(SlugNaturalKey, models.Model):
    """A named event that groups testimonies and statements, e.g. "Siege of City Clinical Hospital No. 7"."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    date_start = models.DateField(_("from"))
    date_end = models.DateField(_("to"))
    is_date_approximate = models.BooleanField(_("dates are approximate"), default=False)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("place"),
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["date_start", "name"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__gte=models.F("date_start")),
                name="testimony_incident_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return link("testimony:incident", self.slug)

    def clean(self):
        if self.date_start and self.date_end and self.date_end < self.date_start:
            raise ValidationError({"date_end": _("The end date cannot be before the start date.")})


class TestimonyQuerySet(models.QuerySet):
    def public(self):
        """What anyone may read: published and retracted testimonies. Every public page starts here."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def in_place(self, place: Place, ids=None):
        """Testimonies at the place or anywhere beneath it.

        The subtree's ids are read first (one query on the small places table, unless the caller knows them: ``ids``,
        from the kept vocabulary) and passed as a list: given a subquery instead, PostgreSQL joined it in a loop, one
        index scan per place, each ANDed with the whole full-text match of a search (24 places × 35 ms for a common
        word); given the list it scans once.
        """
        if ids is None:
            ids = list(Place.objects.subtree(place).values_list("pk", flat=True))
        if len(ids) > MAX_LISTED_PLACES:  # past this many parameters, let the database read the subtree itself
            return self.filter(place__in=Place.objects.subtree(place).values("pk"))
        return self.filter(place__in=ids)

    def tagged(self, tag):
        """Testimonies that carry the credibility tag: a test on each row's copy of its tags (``tag_ids``)."""
        return self.filter(tag_ids__contains=f",{tag.pk},")

    def overlapping(self, date_from: datetime.date | None = None, date_to: datetime.date | None = None):
        """Testimonies whose date range overlaps [date_from, date_to]; either end may be open."""
        qs = self
        if date_to is not None:
            qs = qs.filter(date_start__lte=date_to)
        if date_from is not None:
            qs = qs.filter(date_end__gte=date_from)
        return qs

    def covering(self, day: datetime.date):
        """Testimonies whose date range includes the day."""
        return self.overlapping(day, day)

    def for_list(self):
        """Loading plan for result lists: 2 queries whatever the page size (rows, then their tags)."""
        return self.select_related("place", "witness", "source").prefetch_related("tags")

    def for_cards(self):
        """Loading plan for result cards (lists, day pages, the home page): the columns a card shows, with its place
        and its witness's descriptor. Their tags come from the kept vocabulary, named by each row's ``tag_ids``
        (``facets.Vocabulary.with_tags``, no query), rather than a prefetch building them.

        Only those columns (``CARD_FIELDS``), and no source but its id (named from the vocabulary on a search that
        matched it): loading every column and joining the source made the rows query the most expensive of a list
        page for the database to plan (0.7-0.9 ms at a million testimonies, often more than it took to run; 0.4-0.5
        now) and 55 columns a row for Python to build (18 now)."""
        return self.select_related("place", "witness").only(*CARD_FIELDS)

    def get_by_natural_key(self, identifier):
        return self.get(identifier=identifier)


# in_place() lists a subtree's place ids in the query up to this many (SQLite allows 32,766 parameters).
MAX_LISTED_PLACES = 2_000

# What a result card shows (includes/testimony_card.html), and the copy of its tag ids that names its tags.
CARD_FIELDS = (
    "number",
    "identifier",
    "title",
    "date_start",
    "date_end",
    "part_of_day",
    "is_date_approximate",
    "status",
    "tag_ids",
    "source",  # its id alone: named from the kept vocabulary where a search matched it (search_tags.matched_source)
    "place__name",
    "place__slug",
    "witness__descriptor",
)


class Testimony(models.Model):
    """One witness's account, verbatim, with when and where it happened and where it was published."""

    IDENTIFIER_PREFIX = "T"
    # A search result's excerpt with the matched words marked (set by ``search.search``); None elsewhere, so a
    # result card asks for it without a failed lookup, which costs Django's templates a dir() of the whole model.
    search_snippet = None

    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    identifier = models.CharField(
        _("identifier"),
        max_length=20,
        unique=True,
        editable=False,
        help_text=_("Citable and never reused."),
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("One line that says what the witness saw."))
    body = models.TextField(_("account"), help_text=_("Verbatim, in the original language."))
    language = models.CharField(_("language"), max_length=12, default="en", help_text=_("BCP 47 code: en, ru, kk."))
    translation = models.TextField(_("English translation"), blank=True)
    witness = models.ForeignKey(
        Witness, on_delete=models.PROTECT, related_name="testimonies", verbose_name=_("witness")
    )

    date_start = models.DateField(_("from"), help_text=_("The day, or the first day of a range."))
    date_end = models.DateField(_("to"), help_text=_("The same day for a single day, or the last day of a range."))
    part_of_day = models.CharField(_("part of day"), max_length=10, choices=PartOfDay.choices, blank=True)
    is_date_approximate = models.BooleanField(_("date is approximate"), default=False)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="testimonies",
        verbose_name=_("place"),
        help_text=_("Leave empty when the account does not say where."),
    )

    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="testimonies",
        verbose_name=_("source"),
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_published = models.DateField(_("source published on"), null=True, blank=True)
    collected_on = models.DateField(_("collected on"), null=True, blank=True)

    tags = models.ManyToManyField(Tag, blank=True, related_name="testimonies", verbose_name=_("credibility tags"))
    incidents = models.ManyToManyField(Incident, blank=True, related_name="testimonies", verbose_name=_("incidents"))

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    retraction_note = models.TextField(
        _("retraction note"),
        blank=True,
        help_text=_("Public. Required when the testimony is retracted."),
    )
    editor_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never public."))
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    # Recorded with each history record and copied onto the public revision it creates (testimony.history).
    change_summary = models.CharField(
        _("public change summary"),
        max_length=300,
        blank=True,
        help_text=_('Public. What this save changed, for the change log: "Corrected the date to 5 January."'),
    )

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
    # Optimistic locking: a save must carry the version it was read at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # PostgreSQL full-text vector, kept current by testimony.search; unused on SQLite (FTS5 has its own table).
    search_vector = SearchVectorField(null=True, editable=False)
    # The ids of the testimony's credibility tags, as ",3,5,9," (empty without tags): a copy of the link table kept
    # on the row by testimony.search (``refresh_tag_ids``), in the same transaction as every change to the links.
    # The tag filter tests it on the list indexes' own entries, and the facets and cards read it with the row,
    # instead of joining the link table's hundred thousand rows per tag. The link table stays the record.
    tag_ids = models.TextField(default="", blank=True, editable=False)
    # The witness's role, copied the same way (``Testimony.save`` and a witness's own save; ``search.reindex`` for
    # bulk writers): the role filter and facet read it off the row and the list indexes, not by joining witnesses.
    witness_role = models.CharField(max_length=20, default="", blank=True, editable=False)

    history = TrackedHistory(excluded_fields=["search_vector", "tag_ids", "witness_role"], m2m_fields=[tags, incidents])
    objects = TestimonyQuerySet.as_manager()

    class Meta:
        ordering = ["date_start", "number"]
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")
        permissions = [
            ("submit_testimony", "Can submit testimonies for review"),
            ("publish_testimony", "Can publish, send back and retract testimonies"),
            ("import_testimonies", "Can import batches of testimonies"),
        ]
        indexes = [
            # The list page and the day page: public rows whose date range overlaps a window, in date order.
            models.Index(fields=["status", "date_start", "date_end"], name="testimony_status_dates"),
            # The feed and "latest": public rows by first publication.
            models.Index(fields=["status", "published_at"], name="testimony_status_published"),
            # Place subtree filters join on place_id; status first keeps it to public rows.
            models.Index(fields=["status", "place"], name="testimony_status_place"),
            # Public rows in the lists' date order (start, end, number): a page of the list, of a day or of a
            # testimony's related accounts reads its rows off the index instead of sorting every match.
            # Both carry the id and what the facets count (place, tag ids, witness role, source: PostgreSQL's
            # INCLUDE; SQLite ignores it), so a page's ids and the facets' sample of a filtered list, with every
            # value it counts, are read off the index alone, without visiting a table row per match.
            models.Index(
                fields=["place", "date_start", "date_end", "number"],
                name="testimony_public_place_facets",
                condition=Q(status__in=PUBLIC_STATUSES),
                include=["id", "tag_ids", "witness_role", "source"],
            ),
            models.Index(
                fields=["date_start", "date_end", "number"],
                name="testimony_public_date_facets",
                condition=Q(status__in=PUBLIC_STATUSES),
                include=["id", "place", "tag_ids", "witness_role", "source"],
            ),
            # The home page's latest testimonies: the first rows of this index, newest first.
            models.Index(
                fields=["-published_at", "-number"],
                name="testimony_public_latest",
                condition=Q(status__in=PUBLIC_STATUSES),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__gte=models.F("date_start")),
                name="testimony_testimony_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.RETRACTED) | ~Q(retraction_note=""),
                name="testimony_testimony_retraction_has_note",
            ),
        ]

    def __str__(self):
        return f"{self.identifier} {self.title}" if self.identifier else self.title

    def natural_key(self):
        return (self.identifier,)

    def get_part_of_day_display(self):
        return PartOfDay.label_of(self.part_of_day)

    def get_absolute_url(self):
        return link("testimony:detail", self.identifier)

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES

    @property
    def is_retracted(self):
        return self.status == Status.RETRACTED

    @property
    def is_single_day(self):
        return self.date_start == self.date_end

    def clean(self):
        errors = {}
        if self.date_start and self.date_end and self.date_end < self.date_start:
            errors["date_end"] = _("The end date cannot be before the start date.")
        if self.status == Status.RETRACTED and not self.retraction_note.strip():
            errors["retraction_note"] = _("Say publicly why the testimony is retracted.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.date_start and not self.date_end:
            self.date_end = self.date_start
        if self.number is None:
            floor = Testimony.objects.aggregate(m=models.Max("number"))["m"] or 0
            self.number = Counter.allocate("testimony", floor=floor)
        if not self.identifier:
            self.identifier = self.format_identifier(self.number)
        if self.status in PUBLIC_STATUSES and self.published_at is None:
            self.published_at = timezone.now()
        if self.witness_id is not None:
            # From the database, not from a witness object this instance may hold since before its role changed.
            self.witness_role = Witness.objects.filter(pk=self.witness_id).values_list("role", flat=True).first() or ""
        super().save(*args, **kwargs)

    @classmethod
    def format_identifier(cls, number: int) -> str:
        return f"{cls.IDENTIFIER_PREFIX}-{number:04d}"
