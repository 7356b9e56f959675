"""Pages of results whose total is counted only up to a cap.

Counting every matching row costs a scan of all of them, which a million-row archive cannot pay on every request.
:func:`bounded_count` counts at most ``COUNT_CAP + 1`` rows (a LIMITed subquery), so the page can say "312 results"
or "more than 10,000 results" in the same time whatever the size of the table. Pages past the cap are not offered:
a reader who needs them narrows the filters instead, and the deepest OFFSET stays bounded too.
"""

import math
import re
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

PER_PAGE = 25
COUNT_CAP = 10_000

_PAGE_NUMBER = re.compile(r"[0-9]{1,7}")


class BadPageNumber(ValueError):
    """The ``page`` parameter is not a page number at all (a 400)."""


class PageOutOfRange(LookupError):
    """The ``page`` parameter is a number, but there is no such page (a 404)."""


def bounded_count(queryset, cap: int | None = None) -> int:
    """How many rows match, counting no further than ``cap + 1`` (``COUNT_CAP`` by default). One query."""
    cap = COUNT_CAP if cap is None else cap
    return queryset.order_by().values("pk")[: cap + 1].count()


class FirstRows(NamedTuple):
    """What :func:`first_rows` answers."""

    found: int  # how many of the first cap + 1 rows exist (more than cap: more match than are counted)
    ids: list  # the ids of the first ``sample`` of them, in the order they were found
    values: list  # for each of ``ids``, a tuple of the ``columns`` asked for (none asked: empty)


def first_rows(queryset, cap: int, sample: int, columns: tuple = ()) -> FirstRows:
    """A bounded count (at most ``cap + 1`` rows, in the order the database finds them) that also answers the ids
    and ``columns`` of the first ``sample`` of those rows, as :class:`FirstRows`.

    PostgreSQL: one query, which counts the rows and collects the first ones itself and answers a single row
    (handing 10,001 rows to Python to keep 1,000 would cost more than finding them). Where an index holds the
    columns, as the list indexes hold what the facets count, no row of the table is read at all; reading the
    values afterwards by id visited every one of them. SQLite: the ids, then the values of the first ones by id.
    """
    first = queryset.order_by().values_list("pk", *columns)[: cap + 1]
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        ids = list(queryset.order_by().values_list("pk", flat=True)[: cap + 1])
        model = queryset.model
        values = list(model._default_manager.filter(pk__any_of=ids[:sample]).values_list(*columns)) if ids else []
        return FirstRows(len(ids), ids[:sample], values if columns else [])
    try:
        sql, params = first.query.sql_with_params()
    except EmptyResultSet:  # a queryset that can match nothing (none(), an empty list of ids): no query at all
        return FirstRows(0, [], [])
    names = ["id", *(f"c{n}" for n in range(len(columns)))]
    arrays = ", ".join(f"array_agg(f.{name} ORDER BY f.n) FILTER (WHERE f.n <= %s)" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), {arrays} FROM (SELECT s.*, row_number() OVER () AS n"
            f" FROM ({sql}) AS s({', '.join(names)})) AS f",
            [*([sample] * len(names)), *params],
        )
        found, ids, *arrays_found = cursor.fetchone()
    values = list(zip(*arrays_found, strict=True)) if columns and ids else []
    return FirstRows(found, ids or [], values)


def parse_page_number(value: str | None) -> int:
    """The page number a reader asked for; 1 when none. Raises :class:`BadPageNumber` with a message to show."""
    if value is None or value == "":
        return 1
    if not _PAGE_NUMBER.fullmatch(value.strip()) or int(value) < 1:
        raise BadPageNumber(_("Enter a page number as a whole number from 1, for example 2."))
    return int(value)


class BoundedPaginator(Paginator):
    """A :class:`Paginator` whose ``count`` stops at ``cap``; ``is_capped`` says the real total is larger.

    ``known_count`` is a count made already, so nothing is counted again: exact (``exact=True``, from the counts
    table), or a bounded count (at most ``cap + 1``). An exact count is shown whole (``is_capped`` stays false), but
    the pages still stop at ``cap`` rows (``is_truncated``), so OFFSET stays bounded.
    """

    def __init__(self, object_list, per_page=PER_PAGE, cap=None, known_count=None, exact=False):
        super().__init__(object_list, per_page, allow_empty_first_page=True)
        self.cap = COUNT_CAP if cap is None else cap
        self.known_count = known_count
        self.exact = exact and known_count is not None

    @cached_property
    def _bounded(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return bounded_count(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        if self.exact:
            return self.known_count
        return min(self._bounded, self.cap)

    @cached_property
    def is_capped(self) -> bool:
        """More rows match than were counted."""
        return not self.exact and self._bounded > self.cap

    @cached_property
    def is_truncated(self) -> bool:
        """More rows match than can be paged through: the last page offered ends at ``cap`` rows."""
        return self._bounded > self.cap

    @cached_property
    def num_pages(self) -> int:
        return max(1, math.ceil(min(self.count, self.cap) / self.per_page))


class RowsInOrder:
    """Rows whose order is already known as a list of ids: a page loads its rows by id (one query, plus the
    queryset's prefetches) and puts them in that order. Django's paginator slices it like a queryset."""

    def __init__(self, ids, queryset):
        self.ids = ids
        self.queryset = queryset

    def __len__(self):
        return len(self.ids)

    def count(self):
        return len(self.ids)

    def __getitem__(self, index):
        ids = self.ids[index]
        if not isinstance(index, slice):
            return self.queryset.get(pk=ids)
        by_id = {row.pk: row for row in self.queryset.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


class ChosenFirst:
    """A queryset as the paginator slices it: each page's rows chosen first by their ids alone, then loaded.

    With an OFFSET the database computes every column of each row it skips, costly annotations included: page 100
    of a word sorted by date made 2,500 snippets (0.5 s) to show 25, and page 150 of the statements counted the
    testimonies of 3,750 statements (646 ms). Here the slice runs in a subquery that reads ids only
    (``values("pk")`` leaves the annotations out), and the page's own query computes its columns for the rows it
    shows. Still one query; the paginator must be given the count (``known_count``).
    """

    def __init__(self, queryset):
        self.queryset = queryset

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("ChosenFirst is sliced by the paginator, not indexed")
        return list(self.queryset.filter(pk__in=self.queryset.values("pk")[index]))


def paginate(
    queryset,
    page_value: str | None,
    per_page: int = PER_PAGE,
    cap: int | None = None,
    known_count: int | None = None,
    exact: bool = False,
) -> Page:
    """The requested page of ``queryset``: one query to count (bounded), one for the rows (plus any prefetches).

    ``known_count``/``exact``: a count already made (see :class:`BoundedPaginator`); then nothing is counted.
    Raises :class:`BadPageNumber` or :class:`PageOutOfRange`, each with a message for the reader.
    """
    number = parse_page_number(page_value)
    paginator = BoundedPaginator(queryset, per_page=per_page, cap=cap, known_count=known_count, exact=exact)
    cap = paginator.cap
    if number > paginator.num_pages:
        if paginator.is_truncated:
            message = _(
                "Only the first %(cap)s results can be paged through. Narrow them with the filters to see the rest."
            ) % {"cap": number_format(cap, force_grouping=True)}
        elif paginator.count == 0:
            message = _("There is no page %(number)s: nothing matches.") % {"number": number}
        else:
            message = _("There is no page %(number)s: the results end at page %(last)s.") % {
                "number": number,
                "last": paginator.num_pages,
            }
        raise PageOutOfRange(message)
    return paginator.page(number)
