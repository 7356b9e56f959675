"""Every count the public pages show: facets beside a list, totals, the home page's figures, its timeline, a day's
neighbours. This is the one module that decides where a count comes from.

Two sources:

- **the counts table** (``testimony.summary``): exact, a few thousand summary rows per page whatever the size of the
  archive. It answers any mix of a date window, a place subtree and at most one of (one tag, a role, a source):
  the total and the place facet always, the tag/role/source facets when none of those is chosen.
- **the matching rows**: for what the table cannot answer (words, a statement or incident, several tags; the
  facets of the other dimensions when a tag, role or source is chosen) — counts over the filtered
  queryset. Past ``SAMPLE_SIZE`` matching rows they count the first ``SAMPLE_SIZE`` only, and the page marks those
  numbers "about" (each a lower bound of the real one).

The number of queries never grows with the rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DateField, Max, Min, Model, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least

from . import pagecache, pagination, search, summary
from .models import FacetCount, Incident, Place, Source, Statement, Tag, Testimony, Witness
from .pagination import bounded_count

# Facets the counts table cannot answer count every matching row up to this many, and a sample of this many beyond
# it: finding and grouping 1,000 rows costs ~30 ms at a million testimonies; 10,000 would cost ten times that.
SAMPLE_SIZE = 1_000
# What the facets count of each sampled row: its place, its tags (the row's ``tag_ids`` copy), its witness's role
# (``witness_role``, also a copy) and its source. The list indexes carry all four.
FACET_COLUMNS = ("place_id", "tag_ids", "witness_role", "source_id")
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
    by_slug: dict = field(init=False)

    def __post_init__(self):
        self.places_by_id = {p.pk: p for p in self.places}
        self.sources_by_id = {s.pk: s for s in self.sources}
        self.tags_by_id = {t.pk: t for t in self.tags}
        # {"places": {slug: Place}, …}: what a filter's ?place=almaty names, found without a query
        self.by_slug = {
            name: {item.slug: item for item in getattr(self, name)}
            for name in ("places", "tags", "sources", "incidents")
        }

    @classmethod
    def load(cls):
        """The vocabulary as it is now: kept by the process until the archive changes (``pagecache.memoize``)."""
        return pagecache.memoize("vocabulary", cls._query)

    @classmethod
    def _query(cls):
        return cls(
            places=list(
                Place.objects.only("id", "name", "other_names", "slug", "parent_id", "path", "depth").order_by("path")
            ),
            tags=list(Tag.objects.select_related("group")),
            # In reading order, whatever the case ("bne IntelliNews" among the b's): sorted here, so the stored order
            # (and the exports that follow it) stay the same on both databases.
            sources=sorted(Source.objects.only("id", "name", "slug"), key=lambda source: source.name.casefold()),
            incidents=list(Incident.objects.only("id", "name", "slug", "date_start")),
        )

    def ancestors(self, place):
        """Root-first places above ``place``, from the loaded tree (no query)."""
        ids = [int(part) for part in place.path.strip("/").split("/")[:-1] if part]
        return [self.places_by_id[i] for i in ids if i in self.places_by_id]

    def children(self, place):
        parent_id = place.pk if place else None
        return [p for p in self.places if p.parent_id == parent_id]

    def tags_named(self, tag_ids: str) -> list:
        """The tags a row's ``tag_ids`` copy (",3,5,") names, in the vocabulary's order; no query."""
        ids = set(search.tag_ids_in(tag_ids))
        return [tag for tag in self.tags if tag.pk in ids] if ids else []

    def with_tags(self, testimonies):
        """The testimonies (a list, a page) with ``card_tags`` set on each from its ``tag_ids``; returns them."""
        for row in testimonies:
            row.card_tags = self.tags_named(row.tag_ids)
        return testimonies

    def incidents_of(self, item) -> list:
        """A testimony's or a statement's incidents, in the vocabulary's order (by date, then name): one query on
        the link table (0.8 ms with its round trip at a million testimonies; prefetching the incidents, 1.5)."""
        links = type(item).incidents
        through = links.through.objects.filter(**{links.field.m2m_field_name(): item.pk})
        ids = set(through.values_list(links.field.m2m_reverse_field_name(), flat=True))
        return [incident for incident in self.incidents if incident.pk in ids]


# --- Facets beside a list ---------------------------------------------------------------------------------------


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool = False
    approximate: bool = False
    url: str = ""


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
    # Some facets are exact (from the counts table) and others counted over a sample: the page says which.
    is_partly_sampled: bool = False
    # Places the place facet went through because each was the only one on offer (see place_facet).
    places_within: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.places or self.tag_groups or self.roles or self.sources)

    @property
    def places_within_label(self):
        """ "Kazakhstan › Almaty": where the places on offer lie, when the facet went down to them."""
        return " › ".join(place.name for place in self.places_within)


@dataclass
class ResultCount:
    """How many rows match: exact from the counts table (``table`` holds its facets), or bounded by the cap."""

    count: int
    is_capped: bool
    table: summary.Counts | None = None
    # The ids of the first matching rows, when counting them fetched them (the facets' sample then costs nothing).
    ids: list | None = None
    # A search ordered by relevance: the matches' ids, best first (see count_results).
    ranked: list | None = None
    # Non-zero when more matched than were counted: ``ranked`` orders only the first this many matches found.
    ranked_among: int = 0
    # ``ids`` are the first rows of the list in its order (see sample_in_list_order).
    ids_in_order: bool = False
    # The FACET_COLUMNS of the rows ``ids`` names, when they were read with the ids: the facets then ask nothing.
    sample: list | None = None


def table_scope(data, fixed, vocabulary):
    """The arguments of :func:`summary.counts` for these cleaned filters and the page's own filter, or None.

    None when the counts table cannot answer: words, a statement or relation, an incident, several tags, or more
    than one of (tag, role, source) at once.
    """
    if data.get("q") or data.get("statement") or data.get("relation") or data.get("incident"):
        return None
    fixed_key, fixed_value = fixed if fixed else (None, None)
    if fixed_key == "incident":
        return None
    scope = {"date_from": data.get("date_from"), "date_to": data.get("date_to")}
    place = data.get("place")
    if fixed_key == "place":
        if place is None or fixed_value.path.startswith(place.path):
            place = fixed_value
        elif not place.path.startswith(fixed_value.path):
            return None  # two unrelated places: nothing matches, the rows say so
    if place is not None:
        scope["place_ids"] = summary.subtree_ids(place, vocabulary.places)
    selectors = []
    tags = list(data.get("tag") or ())
    if len(tags) > 1:
        return None
    if tags:
        selectors.append((FacetCount.Kind.TAG, tags[0].pk))
    if data.get("role"):
        selectors.append((FacetCount.Kind.ROLE, data["role"]))
    sources = {s.pk for s in (data.get("source"), fixed_value if fixed_key == "source" else None) if s is not None}
    if len(sources) > 1:
        return None
    if sources:
        selectors.append((FacetCount.Kind.SOURCE, sources.pop()))
    if len(selectors) > 1:
        return None
    if selectors:
        scope["kind"], scope["value"] = selectors[0]
    return scope


def _table_counts(scope) -> summary.Counts:
    """The counts table's answer for ``scope``. The whole archive's (no dates, place or chosen value: the list as
    first opened, its ~20,000 summary rows summed in ~18 ms at a million testimonies) is kept by each process until
    the archive changes (``pagecache.memoize``, as the vocabulary is); nothing reads it but to display it."""
    if all(value is None for value in scope.values()):
        return pagecache.memoize("counts-of-everything", lambda: summary.counts(**scope))
    return summary.counts(**scope)


def count_results(queryset, data, fixed, vocabulary, *, ranked=False) -> ResultCount:
    """How many rows of the filtered ``queryset`` match. One query: of the counts table, or a bounded count (none
    when another page of the same results was counted under the archive's current generation, page cache on).

    ``ranked``: the queryset is a search ordered by relevance (``search_rank``, then ``number``). The bounded count
    then reads each match's rank as well and orders their ids, so the page loads its rows by id: the matches are
    found and ranked once per page view, not twice. Past the cap (a common word alone: a quarter of a million
    matches at a million testimonies, three seconds to rank them all) the order covers the ``COUNT_CAP`` matches
    added first, and ``ranked_among`` says so, for the page to tell the reader.
    """
    scope = table_scope(data, fixed, vocabulary)
    if scope is not None:
        found = _table_counts(scope)
        return ResultCount(found.total, False, found)
    # Every page of these results needs the same count, ids and ranking: kept with the pages until the archive
    # changes, so a reader going on to page 2 does not pay again for finding them (a common word: ~50 ms).
    return pagecache.remember(_rows_key(data, fixed, ranked), lambda: _count_rows(queryset, ranked))


def _rows_key(data, fixed, ranked) -> str:
    """What decides the matches a list counts from its rows: its cleaned filters but the sort (which reorders the
    page, not the matches), the page's own filter, and whether they are ranked. Things chosen are keyed by id."""

    def plain(value):
        if isinstance(value, Model):
            return (value._meta.label, value.pk)
        if isinstance(value, (list, tuple, set, frozenset, QuerySet)):
            return sorted(plain(item) for item in value)
        return value

    chosen = sorted((name, plain(value)) for name, value in data.items() if name != "sort" and value not in _UNSET)
    return repr(("rows", chosen, fixed and (fixed[0], plain(fixed[1])), ranked))


_UNSET = (None, "", [], ())


def _count_rows(queryset, ranked) -> ResultCount:
    # The bounded count fetches the ids it counts (at most cap + 1 integers): the facets count over them by primary
    # key instead of running the filters (a search, say) once more per facet.
    cap = pagination.COUNT_CAP
    if not ranked:
        # In the order the scan finds them: between two writes, the same rows on every reading, as sessions never
        # join a scan already under way (settings.PG_SESSION), and so the same "about" counts. What the facets
        # count of the first of them comes in the same query (off the list index, where it serves the filters).
        first = search.first_rows(queryset, cap, SAMPLE_SIZE, FACET_COLUMNS)
        return ResultCount(min(first.found, cap), first.found > cap, ids=first.ids, sample=first.values)
    # In id order: the same matches on every page view (a parallel scan returns them in any order), the oldest.
    # The facets' sample comes with them: the values they count, read from the rows the search tests anyway.
    first = search.rank_first_matches(queryset, cap, SAMPLE_SIZE, FACET_COLUMNS)
    is_capped = first.found > cap
    return ResultCount(
        min(first.found, cap),
        is_capped,
        ids=first.first_ids,
        ranked=first.best_first,
        ranked_among=cap if is_capped else 0,
        sample=first.first_values,
    )


def sample_in_list_order(queryset, matched: ResultCount) -> None:
    """When the counts table gave the total but not every facet, fetch the facets' sample now, in the list's own
    order (``queryset`` is ordered as the page shows it): the first ``SAMPLE_SIZE`` rows of the list. The page then
    loads its rows by id when they lie among them (most readers stay on the first pages), instead of running the
    filters a second time. One query, which the facets would otherwise have made themselves, and which reads what
    they count (``FACET_COLUMNS``) off the list index with the ids.
    """
    table = matched.table
    if table is None or matched.ids is not None or not matched.count:
        return
    if table.tags is not None and table.roles is not None and table.sources is not None:
        return  # the table knows every facet: no rows to sample
    rows = list(queryset.values_list("pk", *FACET_COLUMNS)[:SAMPLE_SIZE])
    matched.ids = [row[0] for row in rows]
    matched.sample = [row[1:] for row in rows]
    matched.ids_in_order = True


def _counted_ids(queryset, ids):
    """The ids of the rows the facets count: all the filtered rows, or the first ``SAMPLE_SIZE`` of them.

    ``ids``: those ids when already fetched; else one query fetches them, so each facet then reads rows by primary
    key rather than running the filters again.
    """
    if ids is None:
        ids = list(queryset.order_by().values_list("pk", flat=True)[:SAMPLE_SIZE])
    return ids


def _counted_values(rows, places, tags, roles, sources):
    """``(places, tags, roles, sources)`` counts over ``rows`` (each its ``FACET_COLUMNS``): ``{value: n}`` for
    each one asked (True), None for the others. Python counts them in one pass over at most ``SAMPLE_SIZE`` rows,
    instead of a grouped query per facet."""
    wanted = {"places": places, "tags": tags, "roles": roles, "sources": sources}
    found = {name: defaultdict(int) for name, asked in wanted.items() if asked}
    for place_id, tag_ids, role, source_id in rows:
        if places and place_id is not None:
            found["places"][place_id] += 1
        if tags and tag_ids:
            for tag_id in search.tag_ids_in(tag_ids):
                found["tags"][tag_id] += 1
        if roles:
            found["roles"][role] += 1
        if sources and source_id is not None:
            found["sources"][source_id] += 1
    return tuple(dict(found[name]) if name in found else None for name in wanted)


def _by_count(items):
    return sorted(items, key=lambda item: (-item.count, item.label.casefold()))


def subtree_totals(counts, vocabulary) -> defaultdict:
    """``{place id: n}`` counted at each place -> counted at each place and every place beneath it (no query)."""
    totals = defaultdict(int)
    for place_id, n in counts.items():
        place = vocabulary.places_by_id.get(place_id)
        if place is None:
            continue
        for part in place.path.strip("/").split("/"):
            totals[int(part)] += n
    return totals


def place_facet(counts, vocabulary, root, approximate=False):
    """The children of ``root`` (or the top-level places), each with the count of its whole subtree, and the places
    gone through to find them.

    A place on offer alone that holds every placed match is no choice (a collection about one country offered
    "Kazakhstan" alone): its children are offered instead, as long as that holds, and it is returned with any others
    gone through, so the page can say where they lie. A place that holds only some of the matches (others lie in
    ``root`` itself) stays on offer: choosing it narrows the list.
    """
    totals = subtree_totals(counts, vocabulary)
    placed = totals[root.pk] if root else sum(totals[p.pk] for p in vocabulary.children(None))
    within, parent = [], root
    while True:
        offered = [p for p in vocabulary.children(parent) if totals.get(p.pk)]
        if len(offered) != 1 or totals[offered[0].pk] != placed:
            break
        if not any(totals.get(p.pk) for p in vocabulary.children(offered[0])):
            break  # nothing beneath it: offered as it is
        parent = offered[0]
        within.append(parent)
    items = [FacetItem(p.slug, p.name, totals[p.pk], approximate=approximate) for p in offered]
    return _by_count(items), within


def tag_facet(counts, vocabulary, selected, approximate=False):
    groups = {}
    for tag in vocabulary.tags:
        if counts.get(tag.pk):
            item = FacetItem(tag.slug, tag.name, counts[tag.pk], tag.slug in selected, approximate)
            groups.setdefault(tag.group_id, TagFacetGroup(tag.group.name, [])).items.append(item)
    return list(groups.values())


def role_facet(counts, selected, approximate=False):
    labels = dict(Witness.Role.choices)
    return _by_count(
        FacetItem(role, str(labels.get(role, role)), n, role == selected, approximate) for role, n in counts.items()
    )


def source_facet(counts, vocabulary, selected, approximate=False):
    items = []
    for source_id, n in counts.items():
        source = vocabulary.sources_by_id.get(source_id)
        if source is not None:
            items.append(FacetItem(source.slug, source.name, n, source.slug == selected, approximate))
    return _by_count(items)


def testimony_facets(
    queryset, vocabulary, *, matched, is_capped, place_root=None, selected=None, table=None, ids=None, sample=None
):
    """Counts by place (rolled up the tree), tag, witness role and source over the filtered ``queryset``.

    ``matched``/``is_capped`` come from :func:`count_results`; with no rows, nothing is asked. ``table`` is the
    counts table's answer, when it had one: what it knows costs no query; the facets it does not know are counted
    together over the first ``SAMPLE_SIZE`` matching rows — all of them when there are no more: ``sample`` (their
    ``FACET_COLUMNS``, read with their ids) at no cost, else one query reading the rows ``ids`` names (from the
    bounded count), else one more finding them.
    ``selected`` holds the current filter values: ``{"tag": {slugs}, "role": str, "source": str}``.
    """
    selected = selected or {}
    table = table or summary.Counts(0, None)
    is_sample = is_capped or matched > SAMPLE_SIZE
    trail = vocabulary.ancestors(place_root) + [place_root] if place_root else []
    found = Facets([], place_root, trail, [], [], [], False, SAMPLE_SIZE)
    if not matched:
        return found
    known = {"places": table.places, "tags": table.tags, "roles": table.roles, "sources": table.sources}
    sampled = [name for name, counts in known.items() if counts is None]
    if sampled:
        if sample is None:
            sample = Testimony.objects.filter(pk__any_of=_counted_ids(queryset, ids)).values_list(*FACET_COLUMNS)
        counted = _counted_values(sample, *(name in sampled for name in known))
        known = {name: known[name] if known[name] is not None else n for name, n in zip(known, counted, strict=True)}
    places, tags, roles, sources = known.values()
    approximate = {name: is_sample and name in sampled for name in ("places", "tags", "roles", "sources")}
    found.places, found.places_within = place_facet(places, vocabulary, place_root, approximate["places"])
    found.tag_groups = tag_facet(tags, vocabulary, selected.get("tag", set()), approximate["tags"])
    found.roles = role_facet(roles, selected.get("role"), approximate["roles"])
    found.sources = source_facet(sources, vocabulary, selected.get("source"), approximate["sources"])
    found.is_sample = any(approximate.values())
    found.is_partly_sampled = found.is_sample and not all(approximate.values())
    return found


# --- The indexes of places, sources and incidents ---------------------------------------------------------------


@dataclass
class PlaceEntry:
    place: Place
    count: int  # public testimonies at the place and every place beneath it
    children: list = field(default_factory=list)
    # Where the entry stands in the page's nested lists, read top to bottom: it opens a list of its children, or
    # closes this many lists (its own item, then each parent's whose last child it is). One loop draws the tree.
    opens: bool = False
    closes: range = range(0)


# A places index longer than this opens with links to the places it is divided into (a country's regions, say).
PLACE_INDEX_JUMPS_AFTER = 40


@dataclass
class PlaceIndex:
    places: list  # every PlaceEntry, in reading order: each place, then the places beneath it, siblings by name
    unplaced: int  # public testimonies with no place
    # On a long index, the entries to jump to: the first level with more than one place, below any single place
    # that holds all the others ("Kazakhstan" alone at the top: its regions). Empty on a short index.
    jumps: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.places)


def place_index(vocabulary) -> PlaceIndex:
    """Every place holding a public testimony, in itself or beneath it, as a tree, each with the count of its whole
    subtree. A place none of whose testimonies is public is left out. One query (the counts table), kept by the
    process until the archive changes."""
    return pagecache.memoize("place-index", lambda: _place_index(vocabulary))


def _place_index(vocabulary):
    counts = summary.all_dates(FacetCount.Kind.PLACE)
    totals = subtree_totals(counts, vocabulary)
    entries, top = {}, []
    for place in vocabulary.places:  # in path order: a parent before its children
        if totals.get(place.pk):
            entries[place.pk] = entry = PlaceEntry(place, totals[place.pk])
            parent = entries.get(place.parent_id)
            (parent.children if parent else top).append(entry)
    ordered, depths = [], []

    def walk(siblings, depth):
        siblings.sort(key=lambda entry: (entry.place.name.casefold(), entry.place.name))
        for entry in siblings:
            ordered.append(entry)
            depths.append(depth)
            walk(entry.children, depth + 1)

    walk(top, 0)
    for i, entry in enumerate(ordered):
        depth, next_depth = depths[i], depths[i + 1] if i + 1 < len(depths) else 0
        entry.opens = next_depth > depth
        entry.closes = range(0 if entry.opens else depth - next_depth + 1)
    jumps = top
    while len(jumps) == 1 and jumps[0].children:
        jumps = jumps[0].children
    long = len(ordered) > PLACE_INDEX_JUMPS_AFTER and len(jumps) > 1
    return PlaceIndex(ordered, counts.get(None, 0), jumps if long else [])


def source_index() -> list:
    """``[(source, n)]``: every source of a public testimony, by name, with how many it published. Two queries, kept
    by the process until the archive changes."""
    return pagecache.memoize("source-index", _source_index)


def _source_index():
    counts = summary.all_dates(FacetCount.Kind.SOURCE)
    sources = Source.objects.filter(pk__in=list(counts)) if counts else Source.objects.none()
    return [(source, counts[source.pk]) for source in sorted(sources, key=lambda s: (s.name.casefold(), s.name))]


def incident_index(page) -> list:
    """``[(incident, n)]``: the incidents of a page of the incidents index, each with how many public testimonies
    tell of it (0 for none). One query, kept by the process until the archive changes, for that page and those
    incidents (a page whose incidents changed meanwhile is counted again)."""
    ids = tuple(incident.pk for incident in page.object_list)
    kept_ids, counts = pagecache.memoize(("incident-index", page.number), lambda: (ids, _incident_counts(ids)))
    if kept_ids != ids:
        counts = _incident_counts(ids)
    return [(incident, counts.get(incident.pk, 0)) for incident in page.object_list]


def _incident_counts(ids) -> dict:
    # Reads every link to these incidents: at a million testimonies, 30-80 ms for a page of 50 with the rows in
    # memory, up to 0.9 s read from disk.
    told = Testimony.objects.public().filter(incidents__in=ids).order_by().values("incidents")
    return dict(told.annotate(n=Count("pk")).values_list("incidents", "n"))


# --- The home page's figures ------------------------------------------------------------------------------------


@dataclass
class Figure:
    count: int
    is_capped: bool


def archive_figures(vocabulary):
    """How many public testimonies (exact, from the counts table), statements (up to the cap) and places holding a
    public testimony (the places index's entries, from ``vocabulary``).

    Three queries; two where the process keeps the places index (``KEEP_VOCABULARY``)."""
    cap = pagination.COUNT_CAP
    statements = bounded_count(Statement.objects.public(), cap)
    return {
        # Exact, from the counts table's grand total row.
        "testimonies": Figure(summary.total(), False),
        "statements": Figure(min(statements, cap), statements > cap),
        "places": Figure(place_index(vocabulary).count, False),
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

    Two queries: the counts table's rows per (start, end) pair — few distinct pairs, each spread over the days it
    covers — and statements grouped by day, so a day's number here is the number its day page lists. The timeline
    starts at the first day with an entry and spans at most ``max_days`` days.
    """
    spans = [{"date_start": start, "date_end": end, "n": n} for start, end, n in summary.spans()]
    statements = list(Statement.objects.public().values("made_on").annotate(n=Count("pk")).order_by("made_on"))
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
    """The latest day before ``day`` that a public testimony covers or a public statement was made on. One query.

    Testimonies come from the counts table's per-range rows (a few hundred), not from the testimonies.
    """
    before = day - datetime.timedelta(days=1)
    statement = Statement.objects.public().filter(made_on__lt=day).order_by("-made_on").values("made_on")[:1]
    found = (
        FacetCount.objects.filter(kind=FacetCount.Kind.SPAN, date_start__lte=before)
        .order_by()
        .aggregate(
            day=Greatest(
                # A range that began earlier last covers min(its end, the day before).
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
        FacetCount.objects.filter(kind=FacetCount.Kind.SPAN, date_end__gte=after)
        .order_by()
        .aggregate(
            day=Least(
                Coalesce(Min(Greatest("date_start", Value(after))), Value(_NEVER_AFTER), output_field=DateField()),
                Coalesce(Subquery(statement), Value(_NEVER_AFTER), output_field=DateField()),
            )
        )["day"]
    )
    return None if found in (None, _NEVER_AFTER) else found


def day_count(day: datetime.date):
    """``(n, earliest)``: how many public testimonies cover ``day`` (exact) and the earliest start among them.

    One query of the counts table's per-range rows. ``earliest`` bounds the day's rows from below, so listing them
    in date order reads the index from there instead of from the first day of the archive.
    """
    rows = FacetCount.objects.filter(kind=FacetCount.Kind.SPAN, date_start__lte=day, date_end__gte=day)
    found = rows.order_by().aggregate(n=Sum("n"), earliest=Min("date_start"))
    return found["n"] or 0, found["earliest"] or day
