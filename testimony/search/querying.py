"""Finding, ranking and counting the matches on each engine: PostgreSQL's tsvector and GIN index, SQLite's FTS5."""

import datetime
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, FloatField, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from .excerpts import Highlighter
from .index import (
    FTS_TABLE,
    LONG_SPAN_TOKEN,
    MAX_DAY_TOKENS,
    PG_CONFIG,
    PG_SPLIT,
    PLACE_TOKEN,
    TAG_TOKEN,
    day_token,
    is_postgres,
)
from .terms import ParsedQuery, parse

# Sentinels around each matched word in ``search_snippet``: private-use code points that no account contains and
# that survive HTML escaping untouched, so the ``highlight`` filter can escape first and mark up second.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"
ELLIPSIS = "…"

# ts_rank weights for D, C, B, A: a title match counts five times a match in the account.
PG_RANK_WEIGHTS = [0.05, 0.2, 0.5, 1.0]
# bm25() weights for the FTS5 columns title, context, body: the same order of preference.
FTS_RANK_WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_WORDS = 32
_EXCERPT = {"words": SNIPPET_WORDS, "ellipsis": ELLIPSIS, "start": HIGHLIGHT_START, "stop": HIGHLIGHT_STOP}


def search(queryset, text: str, *, place=None, window=(None, None), tags=(), snippets=True):
    """Narrow a Testimony queryset to the rows matching the reader's text, best first.

    Adds ``search_rank`` (a float, higher is better) and ``search_snippet`` (see the module docstring) and orders by
    ``-search_rank``, then ``number``. The result stays an ordinary queryset: it can be counted, sliced, re-ordered
    (e.g. by date) and grouped. Snippets cost nothing in ``count()`` and ``values(...).annotate(...)`` queries, where
    Django leaves unused annotations out; a grouped query must drop the rank ordering first with ``order_by()``.
    Raises :class:`SearchQueryError` for text with nothing to search for or over :data:`MAX_QUERY_LENGTH`.

    ``place``, ``window`` (``(date_from, date_to)``, either may be None) and ``tags``: the filters the caller
    already narrows ``queryset`` by, if any. PostgreSQL's index is asked for them as well, through the narrowing
    tokens each vector carries (see :mod:`.index`), so one GIN scan meets the words and the filters instead of
    listing every match of a word to test each one's place, days and tags in the table. Measured at a million
    testimonies: a word in a city over three days with one tag read 5,964 rows to keep 376 with the place token
    alone, and 397 with every token; over the benchmark's searches (a word, dates, a place and a tag) the SQL of a
    page went from 57 to 28 ms on average, and a word over three quiet days alone from 1,182 to 232 ms. The
    caller's filters stay in place: the tokens only choose what the index hands over. Not asked: the root of the
    place tree (it holds nearly every row, which would only slow the scan) and windows longer than
    :data:`MAX_DAY_TOKENS` days or open at one end. The place and tag tokens move in the transaction that moves a
    place or changes a tag link; the day tokens with the rest of the vector, after the testimony's save commits.

    ``snippets=False``: no ``search_snippet``, for rows that will not show one (an export of the results), which
    then do not read their accounts twice or excerpt each one.
    """
    parsed = parse(text)
    if is_postgres():
        return _search_postgres(queryset, parsed, _narrowing_tokens(place, window, tags), snippets)
    return _search_sqlite(queryset, parsed, snippets)


def _narrowing_tokens(place, window, tags) -> str:
    """The tsquery text of the narrowing tokens to ask (``'§p23' & '§t8' & ('§d20220105' | '§dlong')``), or ""."""
    asked = [f"'{TAG_TOKEN}{tag.pk}'" for tag in tags]
    if place is not None and place.parent_id is not None:
        asked.insert(0, f"'{PLACE_TOKEN}{place.pk}'")
    date_from, date_to = window
    if date_from is not None and date_to is not None and (date_to - date_from).days < MAX_DAY_TOKENS:
        days = [date_from + datetime.timedelta(days=n) for n in range((date_to - date_from).days + 1)]
        asked.append("(" + " | ".join([*(f"'{day_token(day)}'" for day in days), f"'{LONG_SPAN_TOKEN}'"]) + ")")
    return " & ".join(asked)


def marker(text: str) -> Highlighter:
    """What marks the reader's searched words (not the excluded ones) in the short texts a result shows beside its
    excerpt: its title, place and witness, which a row is also found by, so a reader sees why it matched when its
    account does not hold the words. ``text`` is one the filter form accepted. Python marks them on either engine,
    stemming as PostgreSQL does: on SQLite, whose index stems English words only, a Russian word may be marked in
    a form the search itself did not match."""
    return Highlighter(parse(text).required, words=SNIPPET_WORDS, start=HIGHLIGHT_START, stop=HIGHLIGHT_STOP)


def _search_postgres(queryset, parsed: ParsedQuery, tokens: str, snippets: bool):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    parsed = ParsedQuery(
        tuple(PG_SPLIT.sub(" ", term) for term in parsed.required),
        tuple(PG_SPLIT.sub(" ", term) for term in parsed.excluded),
    )
    query = SearchQuery(parsed.as_websearch(), config=PG_CONFIG, search_type="websearch")
    matches = queryset.filter(search_vector=query)  # search_vector @@ query: served by the GIN index
    if tokens:
        matches = matches.filter(search_vector=_TokenQuery(tokens))  # in the same GIN scan
    matches = matches.annotate(search_rank=SearchRank(F("search_vector"), query, weights=PG_RANK_WEIGHTS))
    if snippets:
        # The account and its translation, cut and marked in Python as each row arrives (see .excerpts): only for
        # the rows of the page that is fetched.
        matches = matches.annotate(search_snippet=_Excerpt(Highlighter(parsed.required, **_EXCERPT)))
    return matches.order_by("-search_rank", "number")


class FirstMatches(NamedTuple):
    """What :func:`rank_first_matches` answers."""

    found: int  # how many of the first cap + 1 matches exist (more than cap: the search matches more than are ranked)
    first_ids: list  # the first ``sample`` of them, in id order
    best_first: list  # the ids of the first cap, highest ``search_rank`` first, then by ``number``
    first_values: list  # for each of ``first_ids``, a tuple of the ``columns`` asked for (none asked: empty)


def rank_first_matches(matches, cap: int, sample: int, columns: tuple = ()) -> FirstMatches:
    """The first ``cap + 1`` rows of a search (``matches``, from :func:`search`) in id order, and the first ``cap``
    of those ranked, as :class:`FirstMatches`. One query.

    ``columns``: the values of the first ``sample`` rows to read as well (the facets' columns, say: they are then
    counted without reading those rows again).

    PostgreSQL ranks and orders them itself and answers arrays: a common word alone keeps all 10,000, and handing
    each row to Python to sort there cost ~20 ms a page (fetching, converting and collecting 10,001 rows) beside the
    database's own work. SQLite hands over the rows.
    """
    first = matches.order_by("pk").values_list("pk", "number", "search_rank", *columns)[: cap + 1]
    if not is_postgres(connections[matches.db]):
        rows = list(first)
        best_first = [row[0] for row in sorted(rows[:cap], key=lambda row: (-row[2], row[1]))]
        return FirstMatches(
            len(rows), [row[0] for row in rows[:sample]], best_first, [row[3:] for row in rows[:sample]]
        )
    sql, params = _compiled(first)
    names = [f"c{n}" for n in range(len(columns))]
    values = "".join(f", array_agg(m.{name} ORDER BY m.id) FILTER (WHERE m.n <= %s)" for name in names)
    with connections[matches.db].cursor() as cursor:
        cursor.execute(
            "SELECT count(*), array_agg(m.id ORDER BY m.id) FILTER (WHERE m.n <= %s),"
            f" array_agg(m.id ORDER BY m.rank DESC, m.number) FILTER (WHERE m.n <= %s){values}"
            " FROM (SELECT f.*, row_number() OVER (ORDER BY f.id) AS n"
            f" FROM ({sql}) AS f({', '.join(['id', 'number', 'rank', *names])})) AS m",
            [sample, cap, *([sample] * len(names)), *params],
        )
        found, first_ids, best_first, *arrays = cursor.fetchone()
    first_values = list(zip(*arrays, strict=True)) if columns and first_ids else []
    return FirstMatches(found, first_ids or [], best_first or [], first_values)


class FirstRows(NamedTuple):
    """What :func:`first_rows` answers."""

    found: int  # how many of the first cap + 1 rows exist (more than cap: more match than are counted)
    ids: list  # the ids of the first ``sample`` of them, in the order they were found
    values: list  # for each of ``ids``, in the same order, a tuple of the ``columns`` asked for (none asked: empty)


def first_rows(queryset, cap: int, sample: int, columns: tuple = ()) -> FirstRows:
    """A bounded count (at most ``cap + 1`` rows, in the order the database finds them) that also answers the ids
    and ``columns`` (concrete fields) of the first ``sample`` of those rows, as :class:`FirstRows`. Not a search:
    here because the way to ask differs by engine.

    PostgreSQL: one query, which counts the rows and collects the first ones itself and answers a single row
    (handing 10,001 rows to Python to keep 1,000 would cost more than finding them). Where an index holds the
    columns, as the list indexes hold what the facets count, no row of the table is read at all; reading the
    values afterwards by id visited every one of them. SQLite: the ids, then the values of the first ones by id.
    """
    connection = connections[queryset.db]
    if not is_postgres(connection):
        ids = list(queryset.order_by().values_list("pk", flat=True)[: cap + 1])
        if not columns or not ids:
            return FirstRows(len(ids), ids[:sample], [])
        rows = queryset.model._default_manager.filter(pk__any_of=ids[:sample]).values_list("pk", *columns)
        by_id = {row[0]: row[1:] for row in rows}
        return FirstRows(len(ids), ids[:sample], [by_id[pk] for pk in ids[:sample]])
    try:
        sql, params = _compiled(queryset.order_by().values_list("pk", *columns)[: cap + 1])
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


def _compiled(queryset):
    """``(sql, params)`` of a queryset, compiled for the database it reads from (the replica's, for a reader)."""
    return queryset.query.get_compiler(using=queryset.db).as_sql()


class _Excerpt(Concat):
    """An account and its translation as the database returns them, handed back as the :class:`Highlighter`'s
    excerpt of them: ``convert_value`` is the hook Django gives an expression to turn what it fetched into the
    value the row gets."""

    def __init__(self, highlighter):
        super().__init__("body", Value("\n"), "translation", output_field=TextField())
        self.highlighter = highlighter

    def convert_value(self, value, expression, connection):
        return self.highlighter.excerpt(value)


class _TokenQuery(SearchQuery):
    """A tsquery of narrowing tokens as the index holds them (``'§p23' & '§t8'``), read as a tsquery, not parsed by
    the text configuration. The tokens are ours (prefixes and ids or dates), sent as a parameter."""

    def __init__(self, tokens: str):
        super().__init__(tokens)
        self.tokens = tokens

    def as_sql(self, compiler, connection, **extra_context):
        return "%s::tsquery", [self.tokens]


def _search_sqlite(queryset, parsed: ParsedQuery, snippets: bool):
    # Join the FTS5 table once (rowid = testimony id) rather than probing it from a correlated subquery: bm25()
    # needs corpus statistics that FTS5 computes once per scan, and snippet() only works inside that scan.
    # extra(tables=...) is Django's one way to put a virtual table in FROM; the join condition is written against
    # ``pk`` so it survives Django relabelling the testimony table when the queryset is used as a subquery.
    matches = (
        queryset.extra(tables=[FTS_TABLE], where=[f"{FTS_TABLE} MATCH %s"], params=[parsed.as_fts5()])
        .filter(pk=RawSQL(f"{FTS_TABLE}.rowid", ()))
        # bm25() is lower for better matches; negate it so that, as on PostgreSQL, higher is better.
        .annotate(search_rank=RawSQL(f"-bm25({FTS_TABLE}, %s, %s, %s)", FTS_RANK_WEIGHTS, output_field=FloatField()))
    )
    if snippets:
        matches = matches.annotate(
            search_snippet=RawSQL(
                f"snippet({FTS_TABLE}, 2, %s, %s, %s, %s)",
                (HIGHLIGHT_START, HIGHLIGHT_STOP, ELLIPSIS, SNIPPET_WORDS),
                output_field=TextField(),
            )
        )
    return matches.order_by("-search_rank", "number")
