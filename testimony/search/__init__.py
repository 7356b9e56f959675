"""Full-text search over testimonies: the only package that knows which database engine is underneath.

Four modules, imported from here: :mod:`.terms` (the reader's text, parsed), :mod:`.querying` (finding and ranking
the matches on each engine), :mod:`.excerpts` (PostgreSQL's snippets, cut in Python) and :mod:`.index` (the engine's
structures and each testimony's entry in them).

One entry point, :func:`search`: a Testimony queryset and the reader's text go in; the same queryset comes out,
narrowed to the matches, annotated with ``search_rank`` (higher is better) and ``search_snippet`` (an excerpt of the
account and its translation with each match between :data:`HIGHLIGHT_START` and :data:`HIGHLIGHT_STOP`), ordered by
rank. Templates turn the snippet into HTML with ``{% load search_tags %}{{ row.search_snippet|highlight }}``, and
mark the searched words in a row's title or witness with ``{% marked row.title %}``, given the page's
``search_marker`` (:func:`marker` of the reader's text); ``{% marked_place row %}`` and ``{% matched_source row %}``
also name the places above a row's own and its source where the words matched them.

The reader's text is parsed here, once, for both engines (:func:`parse`): every word must match, ``"quoted words"``
match as a phrase, ``-word`` and ``-"a phrase"`` exclude. Each engine then receives every term quoted, so its own
syntax (FTS5's ``NEAR``, ``*``, ``^``, column filters; websearch's ``or``) never leaks through and a stray quote or
bracket cannot make the query fail.

PostgreSQL: a stored, weighted ``tsvector`` in ``Testimony.search_vector`` (title A; tags, places with every place
above them, witness descriptor and source B; account and translation C) with the GIN index
``testimony_search_vector_gin``, queried with ``websearch_to_tsquery`` and ranked with ``ts_rank``, all through one
text search configuration, :data:`PG_CONFIG` (see :func:`_pg_install`); each row's snippet is cut from its account
as it arrives, with the same Snowball stemmers (:mod:`.excerpts`: a third of ``ts_headline``'s cost). Each
vector also carries narrowing tokens: its place and every place above it (:data:`PLACE_TOKEN`), its tags
(:data:`TAG_TOKEN`) and the days it covers (:data:`DAY_TOKEN`), which a search with those filters asks of the same
index scan; no reader's word can match one, and ranking never sees them.

SQLite: an FTS5 table ``testimony_search`` (porter stemming, diacritics folded) whose rowid is the testimony's id,
ranked with ``bm25()`` and excerpted with ``snippet()``.

Both are kept current from one place, :func:`reindex`, called by ``testimony.signals`` after a save commits, by the
``rebuild_search_index`` command, and by bulk loaders after they write.

The same place keeps ``Testimony.tag_ids``, the row's copy of its tag links (",3,5,"), which the tag filter, the
facets and the result cards read instead of the link table, and ``Testimony.witness_role``, the copy of its
witness's role: :func:`reindex` rewrites both with the index (in the same statement on PostgreSQL, so a million rows
are written once); :func:`refresh_tag_ids` rewrites the tags alone inside the transaction that changes a link
(``testimony.signals``), and ``Testimony.save`` and a witness's save the role.
"""

from .index import (
    DAY_TOKEN,
    FTS_TABLE,
    LONG_SPAN_TOKEN,
    MAX_DAY_TOKENS,
    PG_CONFIG,
    PG_INDEX,
    PLACE_TOKEN,
    REINDEX_CHUNK,
    TAG_TOKEN,
    clear,
    ensure_installed,
    install,
    optimize,
    prune,
    refresh_place_tokens,
    refresh_tag_ids,
    reindex,
    tag_ids_in,
    tag_ids_text,
    unindex,
    uninstall,
)
from .querying import HIGHLIGHT_START, HIGHLIGHT_STOP, FirstRows, first_rows, marker, rank_first_matches, search
from .terms import MAX_QUERY_LENGTH, STOP_WORDS, ParsedQuery, SearchQueryError, clean_query, parse

__all__ = [
    "DAY_TOKEN",
    "FTS_TABLE",
    "HIGHLIGHT_START",
    "HIGHLIGHT_STOP",
    "LONG_SPAN_TOKEN",
    "MAX_DAY_TOKENS",
    "MAX_QUERY_LENGTH",
    "PG_CONFIG",
    "PG_INDEX",
    "PLACE_TOKEN",
    "REINDEX_CHUNK",
    "STOP_WORDS",
    "TAG_TOKEN",
    "FirstRows",
    "ParsedQuery",
    "SearchQueryError",
    "clean_query",
    "clear",
    "ensure_installed",
    "first_rows",
    "install",
    "marker",
    "optimize",
    "parse",
    "prune",
    "rank_first_matches",
    "refresh_place_tokens",
    "refresh_tag_ids",
    "reindex",
    "search",
    "tag_ids_in",
    "tag_ids_text",
    "unindex",
    "uninstall",
]
