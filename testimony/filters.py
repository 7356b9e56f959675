"""The filters behind every list of testimonies: the list page, places, incidents, sources, and the exports.

Use :func:`filter_testimonies` (or :class:`TestimonyFilter` directly): both take the query parameters as they came
(``request.GET``) and start from ``Testimony.objects.public()``. The full-text step (``q``) and the order (``sort``)
run inside :meth:`TestimonyFilter.filter_queryset`, so ``filterset.qs`` is already searched and sorted. Always check
``filterset.is_valid()`` first: django-filter's ``.qs`` quietly skips values it could not read, and a reader who
asked for a malformed date must be told, not shown everything.
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from . import search, summary
from .facets import Vocabulary
from .models import CrossReference, Incident, Place, Source, Statement, Tag, Testimony, Witness

MAX_TAGS = 5

DATE_MESSAGE = _("Enter a date as YYYY-MM-DD, for example 2022-01-05.")
NO_SUCH_DAY = _("There is no day %(value)s in the calendar. Enter a date as YYYY-MM-DD, for example 2022-01-05.")
_DAY_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: "２０２２" is no date here

# How the filter form and its chip name each relation to the chosen statement: by the accounts it keeps. The
# model's labels are verbs for a sentence ("T-0003 contradicts S-0004"), which read oddly alone in a list.
RELATION_CHOICES = [
    (CrossReference.Relation.CORROBORATES, _("Accounts that corroborate it")),
    (CrossReference.Relation.CONTRADICTS, _("Accounts that contradict it")),
    (CrossReference.Relation.CONTEXT, _("Accounts that give context to it")),
]


class Sort:
    DATE = "date"
    DATE_DESC = "-date"
    RELEVANCE = "relevance"
    ADDED = "added"

    CHOICES = [
        (DATE, _("Date, earliest first")),
        (DATE_DESC, _("Date, latest first")),
        (ADDED, _("Newest added first")),
        (RELEVANCE, _("Relevance (with a search)")),
    ]
    # Every order ends on the citable number, so pages never shuffle rows that tie.
    ORDERINGS = {
        DATE: ("date_start", "date_end", "number"),
        DATE_DESC: ("-date_start", "-date_end", "-number"),
        ADDED: ("-published_at", "-number"),
    }


class VocabularyChoiceField(django_filters.fields.ModelChoiceField):
    """A place, source or incident chosen by slug, found in ``kept`` (``{slug: object}``, from the vocabulary the
    page loads anyway: ``facets.Vocabulary``) rather than by a query. Each lookup was a query, with its ORM work, on
    every filtered page. Without ``kept`` it asks the database, as Django's field does."""

    def __init__(self, *args, kept=None, **kwargs):
        self.kept = kept
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if self.kept is None or value in self.empty_values:
            return super().to_python(value)
        self.validate_no_null_characters(value)
        found = self.kept.get(str(value))
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return found


class VocabularyChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = VocabularyChoiceField


class TagsField(forms.ModelMultipleChoiceField):
    """Credibility tags by slug, at most ``MAX_TAGS``: each one costs the query one more test per row. Found in
    ``kept`` when given, as :class:`VocabularyChoiceField` finds places."""

    def __init__(self, *args, kept=None, **kwargs):
        self.kept = kept
        super().__init__(*args, **kwargs)

    def clean(self, value):
        # Blank values (an empty ?tag=) are ignored and repeats count once.
        value = list(dict.fromkeys(v for v in value or () if v not in ("", None)))
        if len(value) > MAX_TAGS:
            raise forms.ValidationError(
                ngettext_lazy(
                    "Choose at most %(max)d credibility tag at a time.",
                    "Choose at most %(max)d credibility tags at a time.",
                    "max",
                ),
                code="too_many",
                params={"max": MAX_TAGS},
            )
        return super().clean(value)

    def _check_values(self, value):
        if self.kept is None:
            return super()._check_values(value)
        tags = []
        for slug in value:
            self.validate_no_null_characters(slug)
            tag = self.kept.get(str(slug))
            if tag is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": slug}
                )
            tags.append(tag)
        return tags


class TagsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = TagsField


class DateRangeForm(forms.Form):
    """A filter form with ``date_from`` and ``date_to``: a window that ends before it starts is the reader's mistake,
    said beside the end date, rather than an empty page."""

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data


class DayField(forms.DateField):
    """A day as YYYY-MM-DD. A value already in that form that names no day (2022-02-30, 2022-13-01) is told so,
    rather than asked for the form it has."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            text = str(value).strip()
            if _DAY_SHAPE.fullmatch(text):
                raise ValidationError(NO_SUCH_DAY, code="invalid", params={"value": text}) from None
            raise


class DayFilter(django_filters.DateFilter):
    field_class = DayField


def date_filter(label, **kwargs):
    """A day given as YYYY-MM-DD, and only so: 05/01/2022 is ambiguous, and the message says what to type."""
    return DayFilter(label=label, input_formats=["%Y-%m-%d"], error_messages={"invalid": DATE_MESSAGE}, **kwargs)


class TestimonyFilterForm(DateRangeForm):
    """Checks that need two parameters at once; each error is attached to the field it is about."""

    def clean_q(self):
        text = self.cleaned_data.get("q") or ""
        if not text.strip():
            return ""
        try:
            return search.clean_query(text)
        except search.SearchQueryError as error:
            raise forms.ValidationError(str(error), code="bad_query") from None

    def clean(self):
        data = super().clean()
        if data.get("sort") == Sort.RELEVANCE and not data.get("q") and "q" not in self.errors:
            self.add_error("sort", _("Sorting by relevance needs words to search for. Enter some, or sort by date."))
        if data.get("relation") and not data.get("statement") and "statement" not in self.errors:
            self.add_error("relation", _("Choose a statement as well, for example S-0001, to filter by relation."))
        return data


def _not_found(what):
    return {"invalid_choice": what}


class TestimonyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Words"), method="filter_nothing", strip=True)
    date_from = date_filter(_("From"), method="filter_date_from")
    date_to = date_filter(_("To"), method="filter_date_to")
    place = VocabularyChoiceFilter(
        label=_("Place"),
        queryset=Place.objects.all(),
        to_field_name="slug",
        method="filter_place",
        error_messages=_not_found(_("No place matches “%(value)s”. Choose one from the list.")),
    )
    tag = TagsFilter(
        label=_("Credibility tags"),
        queryset=Tag.objects.all(),
        to_field_name="slug",
        method="filter_tags",
        error_messages=_not_found(_("No credibility tag matches “%(value)s”. Choose tags from the list.")),
    )
    role = django_filters.ChoiceFilter(
        label=_("Witness role"),
        choices=Witness.Role.choices,
        field_name="witness_role",  # the row's copy of its witness's role
        error_messages=_not_found(_("There is no witness role “%(value)s”. Choose one from the list.")),
    )
    source = VocabularyChoiceFilter(
        label=_("Source"),
        queryset=Source.objects.all(),
        to_field_name="slug",
        error_messages=_not_found(_("No source matches “%(value)s”. Choose one from the list.")),
    )
    incident = VocabularyChoiceFilter(
        label=_("Incident"),
        queryset=Incident.objects.all(),
        to_field_name="slug",
        method="filter_incident",
        error_messages=_not_found(_("No incident matches “%(value)s”. Choose one from the list.")),
    )
    statement = django_filters.ModelChoiceFilter(
        label=_("Official statement"),
        queryset=Statement.objects.public().select_related("actor"),  # the list shows the claim and who made it
        to_field_name="identifier",
        method="filter_nothing",
        error_messages=_not_found(
            _("No published statement has the identifier “%(value)s”. Identifiers look like S-0001.")
        ),
    )
    relation = django_filters.ChoiceFilter(
        label=_("Relation to the statement"),
        choices=RELATION_CHOICES,
        method="filter_nothing",
        error_messages=_not_found(_("“%(value)s” is not a relation. Choose corroborates, contradicts or context.")),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Sort.CHOICES,
        method="filter_nothing",
        error_messages=_not_found(_("“%(value)s” is not a way to sort. Choose one from the list.")),
    )

    class Meta:
        model = Testimony
        fields = []
        form = TestimonyFilterForm

    # Filters whose values are found in the vocabulary (the parameter -> the vocabulary's list of those things).
    FROM_VOCABULARY = {"place": "places", "tag": "tags", "source": "sources", "incident": "incidents"}

    def __init__(self, *args, vocabulary=None, within_place=None, snippets=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.vocabulary = vocabulary if vocabulary is not None else Vocabulary.load()
        self.within_place = within_place  # the place the queryset already keeps to (a place's own page), if any
        self.snippets = snippets  # whether a search's rows carry their excerpts (search.search)
        for name, kind in self.FROM_VOCABULARY.items():
            self.filters[name].extra["kept"] = self.vocabulary.by_slug[kind]

    # Steps that need more than one parameter run in filter_queryset, after every plain filter.
    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_date_from(self, queryset, name, value):
        return queryset.overlapping(date_from=value)

    def filter_date_to(self, queryset, name, value):
        return queryset.overlapping(date_to=value)

    def filter_place(self, queryset, name, value):
        return queryset.in_place(value, ids=summary.subtree_ids(value, self.vocabulary.places))

    def filter_tags(self, queryset, name, value):
        # All tags must match: each one a test on the row's copy of its tags (",3,5,"), which the list indexes carry,
        # so a tag held by a hundred thousand rows narrows a date window without reading its links.
        for tag in value:
            queryset = queryset.tagged(tag)
        return queryset

    def filter_incident(self, queryset, name, value):
        through = Testimony.incidents.through
        return queryset.filter(pk__in=through.objects.filter(incident=value).values("testimony_id"))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("statement"):
            queryset = self._cross_referenced(queryset, data["statement"], data.get("relation"))
        if data.get("q"):
            queryset = search.search(
                queryset,
                data["q"],
                place=self._narrowest_place(data.get("place")),
                window=(data.get("date_from"), data.get("date_to")),
                tags=data.get("tag") or (),
                snippets=self.snippets,
            )
        return self._sorted(queryset, self.sort_key)

    def _narrowest_place(self, chosen):
        """The deeper of the chosen place and the page's own (they narrow the results together), if any."""
        places = [place for place in (chosen, self.within_place) if place is not None]
        return max(places, key=lambda place: place.depth, default=None)

    def _cross_referenced(self, queryset, statement, relation):
        links = CrossReference.objects.filter(statement=statement)
        if relation:
            links = links.filter(relation=relation)
        return queryset.filter(pk__in=links.values("testimony_id"))

    def _sorted(self, queryset, key):
        if key == Sort.RELEVANCE:
            return queryset  # search.search() already ordered the rows by rank
        return queryset.order_by(*Sort.ORDERINGS[key])

    @property
    def sort_key(self) -> str:
        """The order in effect: the one asked for, else relevance for a search and date otherwise."""
        data = getattr(self.form, "cleaned_data", {})
        if data.get("sort"):
            return data["sort"]
        return Sort.RELEVANCE if data.get("q") else Sort.DATE

    @property
    def has_query(self) -> bool:
        return bool(getattr(self.form, "cleaned_data", {}).get("q"))


def filter_testimonies(params, queryset=None, vocabulary=None, within_place=None, snippets=True):
    """``(filterset, queryset)`` for query parameters; the queryset is empty when the parameters are not valid.

    ``queryset`` narrows the public testimonies further (a place's, an incident's); it must itself come from
    ``Testimony.objects.public()``. ``vocabulary``: the page's, if it loaded one (else it is loaded here).
    ``within_place``: the place ``queryset`` keeps to, if it does, for a search to ask the index (``search.search``).
    ``snippets=False``: a search's rows without their excerpts, for a caller that shows none (an export).
    """
    public = queryset if queryset is not None else Testimony.objects.public()
    filterset = TestimonyFilter(
        params, queryset=public, vocabulary=vocabulary, within_place=within_place, snippets=snippets
    )
    if not filterset.is_valid():
        return filterset, Testimony.objects.none()
    return filterset, filterset.qs


@dataclass
class ActiveFilter:
    """One filter in effect, as the page lists it: ``label`` to read, ``key``/``value`` to build its removal link."""

    key: str
    value: str | None
    label: str


def active_filters(filterset, fixed=None):
    """The filters in effect, in the form's order, each removable. ``fixed`` (the page's own filter) is left out."""
    data = getattr(filterset.form, "cleaned_data", None) or {}
    found = []
    if data.get("q"):
        found.append(ActiveFilter("q", None, gettext("Words: %(q)s") % {"q": data["q"]}))
    if data.get("date_from"):
        found.append(ActiveFilter("date_from", None, gettext("From %(day)s") % {"day": _day(data["date_from"])}))
    if data.get("date_to"):
        found.append(ActiveFilter("date_to", None, gettext("To %(day)s") % {"day": _day(data["date_to"])}))
    for key, template in (
        ("place", gettext("Place: %(name)s")),
        ("source", gettext("Source: %(name)s")),
        ("incident", gettext("Incident: %(name)s")),
    ):
        chosen = data.get(key)
        if chosen and not (fixed and fixed[0] == key and fixed[1] == chosen):
            found.append(ActiveFilter(key, None, template % {"name": chosen.name}))
    for tag in data.get("tag") or ():
        found.append(ActiveFilter("tag", tag.slug, gettext("Tag: %(name)s") % {"name": tag.name}))
    if data.get("role"):
        role = dict(Witness.Role.choices).get(data["role"], data["role"])
        found.append(ActiveFilter("role", None, gettext("Witness role: %(role)s") % {"role": role}))
    if data.get("statement"):
        statement = data["statement"]
        found.append(ActiveFilter("statement", None, gettext("Checked against %(id)s") % {"id": statement.identifier}))
    if data.get("relation"):
        found.append(ActiveFilter("relation", None, str(dict(RELATION_CHOICES)[data["relation"]])))
    return found


def _day(day):
    return date_format(day, "j F Y")
