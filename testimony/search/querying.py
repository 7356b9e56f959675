"""Finding and ranking the matches on each engine: PostgreSQL's tsvector and GIN index, SQLite's FTS5."""

from django.contrib.postgres.search import SearchQuery
from django.db.models import F, FloatField, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from .index import FTS_TABLE, PG_CONFIG, PG_SPLIT, PLACE_TOKEN, is_postgres
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


def search(queryset, text: str, *, place=None):
    """Narrow a Testimony queryset to the rows matching the reader's text, best first.

    Adds ``search_rank`` (a float, higher is better) and ``search_snippet`` (see the module docstring) and orders by
    ``-search_rank``, then ``number``. The result stays an ordinary queryset: it can be counted, sliced, re-ordered
    (e.g. by date) and grouped. Snippets cost nothing in ``count()`` and ``values(...).annotate(...)`` queries, where
    Django leaves unused annotations out; a grouped query must drop the rank ordering first with ``order_by()``.
    Raises :class:`SearchQueryError` for text with nothing to search for or over :data:`MAX_QUERY_LENGTH`.

    ``place``: the place whose subtree the caller already narrows ``queryset`` to, if any. PostgreSQL's index is
    asked for it as well (each vector carries its place's token and its ancestors', :data:`PLACE_TOKEN`), so one
    GIN scan meets the words and the place, led by the rarer of the two, instead of listing every match of a common
    word to intersect them with the place afterwards (the GIN scan for "balaclava" in one district of a million
    testimonies: 55 → 7 ms). A root of the place tree is not asked: it holds nearly every row, which would only
    slow the scan. The tokens move with a place in the same transaction (:func:`refresh_place_tokens`).
    """
    parsed = parse(text)
    if is_postgres():
        return _search_postgres(queryset, parsed, place)
    return _search_sqlite(queryset, parsed)


def _search_postgres(queryset, parsed: ParsedQuery, place):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    parsed = ParsedQuery(
        tuple(PG_SPLIT.sub(" ", term) for term in parsed.required),
        tuple(PG_SPLIT.sub(" ", term) for term in parsed.excluded),
    )
    query = SearchQuery(parsed.as_websearch(), config=PG_CONFIG, search_type="websearch")
    matches = queryset.filter(search_vector=query)  # search_vector @@ query: served by the GIN index
    if place is not None and place.parent_id is not None:
        matches = matches.filter(search_vector=_TokenQuery(f"{PLACE_TOKEN}{place.pk}"))  # in the same GIN scan
    return matches.annotate(
        search_rank=SearchRank(F("search_vector"), query, weights=PG_RANK_WEIGHTS),
        # ts_headline re-parses the text, so PostgreSQL evaluates it after the sort and the LIMIT: only for the
        # rows of the page that is fetched.
        search_snippet=SearchHeadline(
            Concat("body", Value("\n"), "translation", output_field=TextField()),
            query,
            config=PG_CONFIG,
            start_sel=HIGHLIGHT_START,
            stop_sel=HIGHLIGHT_STOP,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=f" {ELLIPSIS} ",
        ),
    ).order_by("-search_rank", "number")


class _TokenQuery(SearchQuery):
    """A tsquery of one token as the index holds it (``'§p23'::tsquery``), not parsed by the text configuration.
    The token is ours (a prefix and an id), sent as a parameter."""

    def __init__(self, token: str):
        super().__init__(token)
        self.token = token

    def as_sql(self, compiler, connection, **extra_context):
        return "%s::tsquery", [f"'{self.token}'"]


def _search_sqlite(queryset, parsed: ParsedQuery):
    # Join the FTS5 table once (rowid = testimony id) rather than probing it from a correlated subquery: bm25()
    # needs corpus statistics that FTS5 computes once per scan, and snippet() only works inside that scan.
    # extra(tables=...) is Django's one way to put a virtual table in FROM; the join condition is written against
    # ``pk`` so it survives Django relabelling the testimony table when the queryset is used as a subquery.
    return (
        queryset.extra(tables=[FTS_TABLE], where=[f"{FTS_TABLE} MATCH %s"], params=[parsed.as_fts5()])
        .filter(pk=RawSQL(f"{FTS_TABLE}.rowid", ()))
        .annotate(
            # bm25() is lower for better matches; negate it so that, as on PostgreSQL, higher is better.
            search_rank=RawSQL(f"-bm25({FTS_TABLE}, %s, %s, %s)", FTS_RANK_WEIGHTS, output_field=FloatField()),
            search_snippet=RawSQL(
                f"snippet({FTS_TABLE}, 2, %s, %s, %s, %s)",
                (HIGHLIGHT_START, HIGHLIGHT_STOP, ELLIPSIS, SNIPPET_WORDS),
                output_field=TextField(),
            ),
        )
        .order_by("-search_rank", "number")
    )
