"""Every count the public pages show: facets beside a list, the home page's figures and its timeline.

This is the one module that counts, so a faster source of counts (a summary table) can replace a function here
without touching a view or a template.

Facets are one grouped count each over the already filtered queryset (``values(...).annotate(n=Count(...))``), so
they match the list and the number of queries never grows with the rows. When more rows match than
``SAMPLE_SIZE``, they are counted over the first ``SAMPLE_SIZE`` matching rows instead and marked ``is_sample``:
the page then says the numbers are approximate (each is a lower bound of the real one).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DateField, Max, Min, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Least

from . import pagination
from .models import Incident, Place, Source, Statement, Tag, Testimony, Witness
from .pagination import bounded_count

# Facets count every matching row up to this many, and a sample of this many beyond it.
SAMPLE_SIZE = pagination.COUNT_CAP
TIMELINE_MAX_DAYS = 92


# --- The vocabulary a list page names things with ---------------------------------------------------------------


@dataclass
class Vocabulary:
    """Places, tags, sources and incidents, each loaded once per request (four small queries).

    They label the facets and fill the filter form's lists; places are few (hundreds), which is what lets the
    place facet roll counts up the tree in Python.
    """

    places: list
    tags: list
    sources: list
    incidents: list
    places_by_id: dict = field(init=False)
    sources_by_id: dict = field(init=False)
    tags_by_id: dict = field(init=False)

    def __post_init__(self):
        self.places_by_id = {p.pk: p for p in self.places}
        self.sources_by_id = {s.pk: s for s in self.sources}
        self.tags_by_id = {t.pk: t for t in self.tags}

    @classmethod
    def load(cls):
        return cls(
            places=list(Place.objects.only("id", "name", "slug", "parent_id", "path", "depth").order_by("path")),
            tags=list(Tag.objects.select_related("group")),
            sources=list(Source.objects.only("id", "name", "slug")),
            incidents=list(Incident.objects.only("id", "name", "slug", "date_start")),
        )

    def ancestors(self, place):
        """Root-first places above ``place``, from the loaded tree (no query)."""
        ids = [int(part) for part in place.path.strip("/").split("/")[:-1] if part]
        return [self.places_by_id[i] for i in ids if i in self.places_by_id]

    def children(self, place):
        parent_id = place.pk if place else None
        return [p for p in self.places if p.parent_id == parent_id]


# --- Facets beside a list ---------------------------------------------------------------------------------------


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class TagFacetGroup:
    name: str
    items: list


@dataclass
class Facets:
    places: list
    place_root: Place | None
    place_trail: list
    tag_groups: list
    roles: list
    sources: list
    is_sample: bool
    sample_size: int

    @property
    def is_empty(self):
        return not (self.places or self.tag_groups or self.roles or self.sources)


def _plain(queryset):
    """The filtered rows without order or annotations (a search adds rank and snippet), ready to group."""
    queryset = queryset.order_by()
    if queryset.query.annotations:
        return Testimony.objects.filter(pk__in=queryset.values("pk"))
    return queryset


def _counted_rows(queryset, is_sample):
    """The rows the facets count: all the filtered rows, or the first ``SAMPLE_SIZE`` of them."""
    if is_sample:
        return Testimony.objects.filter(pk__in=queryset.order_by().values("pk")[:SAMPLE_SIZE])
    return _plain(queryset)


def _grouped(rows, column):
    """``{value: count}`` for one column of the counted rows: a single grouped query."""
    return {
        row[column]: row["n"]
        for row in rows.values(column).annotate(n=Count("pk")).order_by()
        if row[column] is not None
    }


def _by_count(items):
    return sorted(items, key=lambda item: (-item.count, item.label.casefold()))


def place_facet(counts, vocabulary, root):
    """The children of ``root`` (or the top-level places), each with the count of its whole subtree."""
    totals = defaultdict(int)
    for place_id, n in counts.items():
        place = vocabulary.places_by_id.get(place_id)
        if place is None:
            continue
        for part in place.path.strip("/").split("/"):
            totals[int(part)] += n
    items = [FacetItem(p.slug, p.name, totals[p.pk]) for p in vocabulary.children(root) if totals.get(p.pk)]
    return _by_count(items)


def tag_facet(counts, vocabulary, selected):
    groups = {}
    for tag in vocabulary.tags:
        if counts.get(tag.pk):
            item = FacetItem(tag.slug, tag.name, counts[tag.pk], tag.slug in selected)
            groups.setdefault(tag.group_id, TagFacetGroup(tag.group.name, [])).items.append(item)
    return list(groups.values())


def role_facet(counts, selected):
    labels = dict(Witness.Role.choices)
    return _by_count(FacetItem(role, str(labels.get(role, role)), n, role == selected) for role, n in counts.items())


def source_facet(counts, vocabulary, selected):
    items = []
    for source_id, n in counts.items():
        source = vocabulary.sources_by_id.get(source_id)
        if source is not None:
            items.append(FacetItem(source.slug, source.name, n, source.slug == selected))
    return _by_count(items)


def testimony_facets(queryset, vocabulary, *, matched, is_capped, place_root=None, selected=None):
    """Counts by place (rolled up the tree), tag, witness role and source over the filtered ``queryset``.

    Four queries. ``matched``/``is_capped`` come from the page's bounded count; with no rows, nothing is asked.
    ``selected`` holds the current filter values: ``{"tag": {slugs}, "role": str, "source": str}``.
    """
    selected = selected or {}
    is_sample = is_capped or matched > SAMPLE_SIZE
    empty = Facets([], place_root, [], [], [], [], is_sample, SAMPLE_SIZE)
    trail = vocabulary.ancestors(place_root) + [place_root] if place_root else []
    empty.place_trail = trail
    if not matched:
        return empty
    rows = _counted_rows(queryset, is_sample)
    tag_rows = Testimony.tags.through.objects.filter(testimony_id__in=rows.values("pk"))
    tag_counts = {row["tag_id"]: row["n"] for row in tag_rows.values("tag_id").annotate(n=Count("pk")).order_by()}
    return Facets(
        places=place_facet(_grouped(rows, "place_id"), vocabulary, place_root),
        place_root=place_root,
        place_trail=trail,
        tag_groups=tag_facet(tag_counts, vocabulary, selected.get("tag", set())),
        roles=role_facet(_grouped(rows, "witness__role"), selected.get("role")),
        sources=source_facet(_grouped(rows, "source_id"), vocabulary, selected.get("source")),
        is_sample=is_sample,
        sample_size=SAMPLE_SIZE,
    )


# --- The home page's figures ------------------------------------------------------------------------------------


@dataclass
class Figure:
    count: int
    is_capped: bool


def archive_figures():
    """How many public testimonies and statements (each counted up to the cap) and places. Three queries."""
    cap = pagination.COUNT_CAP
    testimonies = bounded_count(Testimony.objects.public(), cap)
    statements = bounded_count(Statement.objects.public(), cap)
    return {
        "testimonies": Figure(min(testimonies, cap), testimonies > cap),
        "statements": Figure(min(statements, cap), statements > cap),
        "places": Figure(Place.objects.count(), False),
    }


# --- The timeline: testimonies per day, with the days of official statements -----------------------------------


@dataclass
class TimelineDay:
    day: datetime.date
    testimonies: int = 0
    statements: int = 0


@dataclass
class Timeline:
    days: list
    is_clipped: bool

    @property
    def max_testimonies(self):
        return max((d.testimonies for d in self.days), default=0)

    @property
    def first(self):
        return self.days[0].day if self.days else None

    @property
    def last(self):
        return self.days[-1].day if self.days else None


def timeline(max_days=TIMELINE_MAX_DAYS):
    """Per day, how many public testimonies cover it and how many public statements were made on it.

    Two grouped queries: testimonies by their (start, end) pair — few distinct pairs, each spread over the days it
    covers — and statements by day, so a day's number here is the number its day page lists. The timeline starts
    at the first day with an entry and spans at most ``max_days`` days.
    """
    spans = Testimony.objects.public().values("date_start", "date_end").annotate(n=Count("pk")).order_by("date_start")
    statements = Statement.objects.public().values("made_on").annotate(n=Count("pk")).order_by("made_on")
    spans, statements = list(spans), list(statements)
    starts = [s["date_start"] for s in spans] + [s["made_on"] for s in statements]
    ends = [s["date_end"] for s in spans] + [s["made_on"] for s in statements]
    if not starts:
        return Timeline([], False)
    first, last = min(starts), max(ends)
    is_clipped = (last - first).days + 1 > max_days
    if is_clipped:
        last = first + datetime.timedelta(days=max_days - 1)
    days = {}
    for offset in range((last - first).days + 1):
        day = first + datetime.timedelta(days=offset)
        days[day] = TimelineDay(day)
    for span in spans:
        day = max(span["date_start"], first)
        while day <= min(span["date_end"], last):
            days[day].testimonies += span["n"]
            day += datetime.timedelta(days=1)
    for row in statements:
        if row["made_on"] in days:
            days[row["made_on"]].statements += row["n"]
    return Timeline(list(days.values()), is_clipped)


# --- A day's neighbours ----------------------------------------------------------------------------------------

_NEVER_BEFORE = datetime.date.min
_NEVER_AFTER = datetime.date.max


def previous_day_with_entries(day: datetime.date):
    """The latest day before ``day`` that a public testimony covers or a public statement was made on. One query."""
    before = day - datetime.timedelta(days=1)
    statement = Statement.objects.public().filter(made_on__lt=day).order_by("-made_on").values("made_on")[:1]
    found = (
        Testimony.objects.public()
        .filter(date_start__lte=before)
        .aggregate(
            day=Greatest(
                # A testimony that began earlier last covers min(its end, the day before).
                Coalesce(Max(Least("date_end", Value(before))), Value(_NEVER_BEFORE), output_field=DateField()),
                Coalesce(Subquery(statement), Value(_NEVER_BEFORE), output_field=DateField()),
            )
        )["day"]
    )
    return None if found in (None, _NEVER_BEFORE) else found


def next_day_with_entries(day: datetime.date):
    """The earliest day after ``day`` that a public testimony covers or a public statement was made on. One query."""
    after = day + datetime.timedelta(days=1)
    statement = Statement.objects.public().filter(made_on__gt=day).order_by("made_on").values("made_on")[:1]
    found = (
        Testimony.objects.public()
        .filter(date_end__gte=after)
        .aggregate(
            day=Least(
                Coalesce(Min(Greatest("date_start", Value(after))), Value(_NEVER_AFTER), output_field=DateField()),
                Coalesce(Subquery(statement), Value(_NEVER_AFTER), output_field=DateField()),
            )
        )["day"]
    )
    return None if found in (None, _NEVER_AFTER) else found
