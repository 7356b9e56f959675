"""Full-text search over testimonies: the only module that knows which database engine is underneath.

One entry point, :func:`search`: a Testimony queryset and the reader's text go in; the same queryset comes out,
narrowed to the matches, annotated with ``search_rank`` (higher is better) and ``search_snippet`` (an excerpt of the
account and its translation with each match between :data:`HIGHLIGHT_START` and :data:`HIGHLIGHT_STOP`), ordered by
rank. Templates turn the snippet into HTML with ``{% load search_tags %}{{ row.search_snippet|highlight }}``.

The reader's text is parsed here, once, for both engines (:func:`parse`): every word must match, ``"quoted words"``
match as a phrase, ``-word`` and ``-"a phrase"`` exclude. Each engine then receives every term quoted, so its own
syntax (FTS5's ``NEAR``, ``*``, ``^``, column filters; websearch's ``or``) never leaks through and a stray quote or
bracket cannot make the query fail.

PostgreSQL: a stored, weighted ``tsvector`` in ``Testimony.search_vector`` (title A; tags, places with every place
above them, witness descriptor and source B; account and translation C) with the GIN index
``testimony_search_vector_gin``, queried with ``websearch_to_tsquery``, ranked with ``ts_rank`` and excerpted with
``ts_headline``, all through one text search configuration, :data:`PG_CONFIG` (see :func:`_pg_install`). Each
vector also carries a token for the testimony's place and every place above it (:data:`PLACE_TOKEN`), which a search
narrowed to a place asks of the same index scan; no reader's word can match one, and ranking never sees them.

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

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import DatabaseError, connection, transaction
from django.db.models import F, FloatField, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import pagecache

FTS_TABLE = "testimony_search"
PG_CONFIG = "testimony_search"
PG_INDEX = "testimony_search_vector_gin"

MAX_QUERY_LENGTH = 200  # characters

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
REINDEX_CHUNK = 1000  # testimonies per indexing statement

# Words too common to search for: PostgreSQL's English and Russian stop lists (Snowball's, shipped in
# tsearch_data/english.stop and russian.stop), which PostgreSQL drops from every query. Dropping them here too, on
# both engines, keeps "men in balaclavas" meaning the same on SQLite (which has no stop words) as on PostgreSQL, and
# lets a query made only of them say so instead of silently finding nothing.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it
    its itself they them their theirs themselves what which who whom this that these those am is are was were be been
    being have has had having do does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some such no nor not only
    own same so than too very s t can will just don should now
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще
    нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом
    себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под
    будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда
    зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая
    много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно
    всю между
    """.split()
)

# A term: an optional "-", then a quoted phrase (an unclosed quote runs to the end) or a run of anything but spaces
# and quotes.
_TERM = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
_WORD = re.compile(r"[^\W_]+")  # what both engines' tokenizers treat as a word: letters and digits
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ue000\ue001]")


class SearchQueryError(ValueError):
    """The reader's text cannot be searched for. ``str(error)`` is fit to show next to the search box."""


@dataclass(frozen=True)
class ParsedQuery:
    """What the reader asked for: terms (words or phrases) that must all match, and terms that must not."""

    required: tuple[str, ...]
    excluded: tuple[str, ...]

    def as_websearch(self) -> str:
        """The query in ``websearch_to_tsquery`` syntax, every term quoted so nothing in it acts as an operator."""
        return " ".join([f'"{term}"' for term in self.required] + [f'-"{term}"' for term in self.excluded])

    def as_fts5(self) -> str:
        """The query as an FTS5 expression, every term a quoted string so nothing in it acts as syntax."""
        expression = " AND ".join(_fts5_string(term) for term in self.required)
        if self.excluded:
            expression = f"({expression}) NOT ({' OR '.join(_fts5_string(term) for term in self.excluded)})"
        return expression


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _is_stop_word(word: str) -> bool:
    return word.lower().replace("ё", "е") in STOP_WORDS


def clean_query(text: str) -> str:
    """The reader's text, stripped and with control characters removed, or :class:`SearchQueryError`."""
    cleaned = _normalize(text)
    parse(cleaned)
    return cleaned


def _normalize(text: str) -> str:
    cleaned = " ".join(_CONTROL.sub(" ", text or "").split())
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            _("Search for at most %(limit)d characters; this search has %(length)d.")
            % {"limit": MAX_QUERY_LENGTH, "length": len(cleaned)}
        )
    return cleaned


def parse(text: str) -> ParsedQuery:
    """Split the reader's text into required and excluded terms, or raise :class:`SearchQueryError`."""
    text = _normalize(text)
    required, excluded, common = [], [], []
    for match in _TERM.finditer(text):
        minus, phrase, word = match.groups()
        term = " ".join((phrase if phrase is not None else word).split())
        words = _WORD.findall(term)
        if not words:
            continue  # punctuation only: neither engine would find a word in it
        if all(_is_stop_word(w) for w in words):
            common.append(term)
            continue
        if _is_stop_word(words[0]) or _is_stop_word(words[-1]):
            # PostgreSQL drops a phrase's leading and trailing stop words ("the barricades" finds "barricades");
            # FTS5 would insist on them. Drop them here so both engines read the phrase the same way.
            while _is_stop_word(words[0]):
                words.pop(0)
            while _is_stop_word(words[-1]):
                words.pop()
            term = " ".join(words)
        target = excluded if minus else required
        if term not in target:
            target.append(term)
    if not required:
        if excluded:
            raise SearchQueryError(
                _("Say what to search for as well as what to leave out: words starting with “-” are excluded.")
            )
        if common:
            raise SearchQueryError(
                ngettext(
                    "“%(words)s” is too common to search for. Add a more specific word.",
                    "“%(words)s” are too common to search for. Add a more specific word.",
                    len(common),
                )
                % {"words": "”, “".join(common)}
            )
        raise SearchQueryError(_("Type a word or a phrase to search for."))
    return ParsedQuery(tuple(required), tuple(excluded))


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
    if _is_postgres():
        return _search_postgres(queryset, parsed, place)
    return _search_sqlite(queryset, parsed)


def _search_postgres(queryset, parsed: ParsedQuery, place):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    parsed = ParsedQuery(
        tuple(_PG_SPLIT.sub(" ", term) for term in parsed.required),
        tuple(_PG_SPLIT.sub(" ", term) for term in parsed.excluded),
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


# --- Keeping the index ----------------------------------------------------------------------------------------------

# The weighted "context" of a testimony: its tags, its place and every place above it (with their other names), its
# witness and its source. Written once in SQL both engines understand; ``{agg}`` is string_agg/group_concat.
_CONTEXT_SQL = """
    coalesce((SELECT {agg} FROM testimony_testimony_tags tt
              JOIN testimony_tag tag ON tag.id = tt.tag_id
              WHERE tt.testimony_id = t.id), '')
    || ' ' ||
    coalesce((SELECT {agg_places} FROM testimony_place own
              JOIN testimony_place anc ON own.path LIKE anc.path || '%%'
              WHERE own.id = t.place_id), '')
    || ' ' ||
    coalesce((SELECT w.descriptor FROM testimony_witness w WHERE w.id = t.witness_id), '')
    || ' ' ||
    coalesce((SELECT s.name FROM testimony_source s WHERE s.id = t.source_id), '')
"""


# PostgreSQL's parser reads "Vlast.kz" as one host name, "a@b.kz" as one address and "orda.kz/news" as one path,
# where FTS5 sees separate words. Those characters become spaces in the indexed text and in the query terms alike,
# so "vlast" finds the source "Vlast.kz" on PostgreSQL as on SQLite, and "Vlast.kz" still finds it as a phrase.
# A "/" right after "<" stays: it closes an HTML tag, which the parser skips.
_PG_SPLIT_SQL = "'[.@:]|(?<!<)/'"
_PG_SPLIT = re.compile(r"[.@:/]")


def _pg_text(sql: str) -> str:
    return f"regexp_replace({sql}, {_PG_SPLIT_SQL}, ' ', 'g')"


def _is_postgres(conn=None) -> bool:
    return (conn or connection).vendor == "postgresql"


def install(schema_editor) -> None:
    """Create the engine's search structures (called by migration 0002)."""
    _install(schema_editor.connection)


def uninstall(schema_editor) -> None:
    conn = schema_editor.connection
    if _is_postgres(conn):
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")
    elif conn.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def ensure_installed() -> None:
    """Create whatever search structures are missing, e.g. on a database migrated before they changed."""
    _install(connection)


def _install(conn) -> None:
    """Create what is missing; safe to run again."""
    with conn.cursor() as cursor:
        if _is_postgres(conn):
            _pg_install(conn, cursor)
        elif conn.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                "title, context, body, tokenize = 'porter unicode61 remove_diacritics 2')"
            )


def _pg_install(conn, cursor) -> None:
    """One text search configuration for every field and every query, a copy of PostgreSQL's ``russian``.

    Why one configuration and not one per language: PostgreSQL's ``russian`` configuration already stems both of the
    archive's main languages. It sends Cyrillic words to the Russian Snowball stemmer and all-ASCII words to the
    English one (with the English stop words), so "protesters" and "protest" meet as 'protest' and "протестующих" and
    "протестующие" as 'протест'. Indexing and querying everything with it means a query never has to guess which
    configuration indexed a field: a Russian account, its English translation, an English title and a place's
    Cyrillic other name ("Алматы") are all found by the same tsquery, even when one query mixes the languages.
    (The alternative, OR-ing an English and a Russian tsquery, fails for mixed queries such as "Алматы задержание"
    unless every single word is OR-ed separately.) Other languages are stemmed as if Russian or English, the same way
    on both sides, so exact words are always found.

    Ours adds ``unaccent`` before the stemmer for non-ASCII words, so "Zhanaözen" finds "Zhanaozen" and "чёрной"
    finds "черной", as FTS5's ``remove_diacritics`` does on SQLite. Without the extension it stays plain ``russian``.
    """
    cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s AND pg_ts_config_is_visible(oid)", [PG_CONFIG])
    if cursor.fetchone() is None:
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = pg_catalog.russian)")
        try:
            with transaction.atomic(using=conn.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
                cursor.execute(
                    f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} "
                    "ALTER MAPPING FOR word, hword, hword_part WITH unaccent, russian_stem"
                )
        except DatabaseError:
            pass  # unaccent is not available on this server: accents then count, as in plain 'russian'
    cursor.execute("SELECT to_regclass(%s)", [PG_INDEX])
    if cursor.fetchone()[0] is None:
        cursor.execute(f"CREATE INDEX {PG_INDEX} ON testimony_testimony USING gin (search_vector)")
    _pg_keep_vectors_in_rows(conn, cursor)


def _pg_keep_vectors_in_rows(conn, cursor) -> None:
    """Store each ``search_vector`` in its row, not in the table's TOAST side table.

    A vector holds every word of the title, context, account and translation with its positions: 2.3 KB on average
    in the synthetic collection. PostgreSQL moves a value out of a row longer than ~2 KB, so every ``@@`` test and
    ``ts_rank`` on a row the GIN index did not already vouch for fetched the vector back, chunk by chunk, through
    the side table's index. A common word alone is found that way: the bounded count reads the first 10,000
    matches in id order, testing some 39,000 rows (114 ms of the 130 ms query for "gunfire" at a million rows).

    ``STORAGE MAIN`` keeps the vector in the row unless the row outgrows a page; the account and translation, which
    only a testimony's own page reads whole, go to the side table instead. ``lz4`` (when the server has it)
    compresses what it can at a fraction of pglz's cost to read back. Measured at a million testimonies, the same
    code alternated over the two layouts: a common word alone 7.9 → 16.1 req/s, testimony pages +15 %, a search
    with filters −9 % (its GIN bitmap spans the larger heap), other pages within the noise
    (``bench/results/2026-11-26-1000000-seventh-inline-vector-ab.md``).

    Existing rows move when they are next written: ``manage.py rebuild_search_index`` (which rewrites every vector)
    or ``VACUUM (FULL) testimony_testimony`` does it for all at once. Catalog changes only, made only when missing
    (an ``ALTER TABLE`` locks the table, however briefly).
    """
    cursor.execute(
        "SELECT attstorage, attcompression FROM pg_attribute "
        "WHERE attrelid = 'testimony_testimony'::regclass AND attname = 'search_vector'"
    )
    storage, compression = cursor.fetchone()
    if storage != "m":
        cursor.execute("ALTER TABLE testimony_testimony ALTER COLUMN search_vector SET STORAGE MAIN")
    if compression == "":  # the server's default, pglz unless configured otherwise
        try:
            with transaction.atomic(using=conn.alias):
                cursor.execute("ALTER TABLE testimony_testimony ALTER COLUMN search_vector SET COMPRESSION lz4")
        except DatabaseError:
            pass  # a server built without lz4: pglz, which leaves a vector it cannot shrink by a quarter as it is


def refresh_place_tokens(path: str) -> None:
    """Rewrite the place tokens (:data:`PLACE_TOKEN`) of every testimony at or beneath the place at ``path``, in the
    caller's transaction: ``Place.save`` calls it when a place moves, right after rewriting the paths beneath it.

    A search narrowed to a place asks the index for the place's token, so a testimony whose tokens still named its
    old ancestors would vanish from searches within its new ones (while the same list without words showed it).
    The whole vector is rewritten after commit (``signals.place_saved``); the tokens cannot wait for that. Only
    the tokens are swapped here, nothing is parsed again. SQLite's index holds no tokens.
    """
    if not _is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE testimony_testimony t SET search_vector =
                ts_delete(t.search_vector,
                          ARRAY(SELECT u.lexeme FROM unnest(t.search_vector) u WHERE starts_with(u.lexeme, %s)))
                || {_PG_PLACE_TOKENS_SQL}
            WHERE t.search_vector IS NOT NULL
              AND t.place_id IN (SELECT id FROM testimony_place WHERE starts_with(path, %s))
            """,
            [PLACE_TOKEN, path],
        )


def reindex(ids: Iterable[int] | None = None, *, announce: bool = True) -> None:
    """Bring the index up to date for the given testimonies (all of them when ``ids`` is None).

    Ids are taken :data:`REINDEX_CHUNK` at a time, each chunk in one statement (SQLite caps the parameters of one).
    Bulk writers call this after writing, so it also tells the page cache that the archive changed, once the index
    is written (told before, a page rendered in between would be kept with the old index). ``announce=False``: the
    caller knows no public page can show these testimonies (drafts being edited; see ``pagecache.unseen``).
    """
    if ids is None:
        _reindex(None)
    else:
        ids = list(ids)
        for start in range(0, len(ids), REINDEX_CHUNK):
            _reindex(ids[start : start + REINDEX_CHUNK])
    if announce:
        pagecache.changed()


# A testimony's tag ids as ",3,5," in id order ("" without tags), for ``Testimony.tag_ids``; ``t`` is the row.
_PG_TAG_IDS_SQL = """coalesce((SELECT ',' || string_agg(tt.tag_id::text, ',' ORDER BY tt.tag_id) || ','
                             FROM testimony_testimony_tags tt WHERE tt.testimony_id = t.id), '')"""
# SQLite's group_concat takes no ORDER BY before 3.44: the ids come ordered from a subquery.
_SQLITE_TAG_IDS_SQL = """coalesce((SELECT ',' || group_concat(tag_id, ',') || ',' FROM (
                                 SELECT tt.tag_id FROM testimony_testimony_tags tt WHERE tt.testimony_id = t.id
                                 ORDER BY tt.tag_id)), '')"""


# On PostgreSQL each vector also holds a token for the testimony's place and for each place above it: "§p" and the
# place's id, written as it is (array_to_tsvector parses nothing, and no reader's word can become one: the parser
# splits at "§"). See search()'s ``place``.
PLACE_TOKEN = "§p"
_PG_PLACE_TOKENS_SQL = f"""array_to_tsvector(ARRAY(SELECT '{PLACE_TOKEN}' || anc.id FROM testimony_place own
                                             JOIN testimony_place anc ON own.path LIKE anc.path || '%%'
                                             WHERE own.id = t.place_id))"""

# The testimony's witness's role, for ``Testimony.witness_role``.
_WITNESS_ROLE_SQL = "coalesce((SELECT w.role FROM testimony_witness w WHERE w.id = t.witness_id), '')"


def tag_ids_text(tag_ids: Iterable[int]) -> str:
    """``Testimony.tag_ids`` for these tag ids, as the database writes it (for writers that know the tags)."""
    ids = sorted(set(tag_ids))
    return f",{','.join(map(str, ids))}," if ids else ""


def tag_ids_in(text: str) -> list[int]:
    """The tag ids a ``Testimony.tag_ids`` copy holds, in its order: the reverse of :func:`tag_ids_text`."""
    return [int(pk) for pk in text.split(",") if pk]


def refresh_tag_ids(ids: Iterable[int]) -> None:
    """Copy these testimonies' tag links onto their rows (``Testimony.tag_ids``), in the caller's transaction."""
    ids = list(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), REINDEX_CHUNK):
            chunk = ids[start : start + REINDEX_CHUNK]
            if _is_postgres():
                cursor.execute(
                    f"UPDATE testimony_testimony t SET tag_ids = {_PG_TAG_IDS_SQL} WHERE t.id = ANY(%s)", [chunk]
                )
            else:
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(
                    f"UPDATE testimony_testimony AS t SET tag_ids = {_SQLITE_TAG_IDS_SQL} WHERE t.id IN ({marks})",
                    chunk,
                )


def _reindex(ids: list[int] | None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if _is_postgres():
            context = _CONTEXT_SQL.format(
                agg="string_agg(tag.name, ' ')",
                agg_places="string_agg(anc.name || ' ' || anc.other_names, ' ')",
            )
            where = "WHERE t.id = ANY(%s)" if ids is not None else ""
            cursor.execute(
                f"""
                UPDATE testimony_testimony t SET search_vector =
                    setweight(to_tsvector('{PG_CONFIG}', {_pg_text("t.title")}), 'A')
                    || setweight(to_tsvector('{PG_CONFIG}', {_pg_text(context)}), 'B')
                    || setweight(to_tsvector('{PG_CONFIG}', {_pg_text("t.body || ' ' || t.translation")}), 'C')
                    || {_PG_PLACE_TOKENS_SQL},
                    tag_ids = {_PG_TAG_IDS_SQL},
                    witness_role = {_WITNESS_ROLE_SQL}
                {where}
                """,
                [ids] if ids is not None else [],
            )
        else:
            context = _CONTEXT_SQL.format(
                agg="group_concat(tag.name, ' ')",
                agg_places="group_concat(anc.name || ' ' || anc.other_names, ' ')",
            )
            if ids is None:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
                where, params = "", []
            else:
                marks = ",".join(["%s"] * len(ids))
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)
                where, params = f"WHERE t.id IN ({marks})", ids
            cursor.execute(
                f"""
                INSERT INTO {FTS_TABLE} (rowid, title, context, body)
                SELECT t.id, t.title, {context}, t.body || ' ' || t.translation
                FROM testimony_testimony t {where}
                """,
                params,
            )
            cursor.execute(
                f"UPDATE testimony_testimony AS t"
                f" SET tag_ids = {_SQLITE_TAG_IDS_SQL}, witness_role = {_WITNESS_ROLE_SQL} {where}",
                params,
            )


def unindex(ids: Iterable[int]) -> None:
    """Drop deleted testimonies from the index (PostgreSQL's vector goes with its row)."""
    ids = list(ids)
    if _is_postgres():
        return
    with connection.cursor() as cursor:
        for start in range(0, len(ids), REINDEX_CHUNK):
            chunk = ids[start : start + REINDEX_CHUNK]
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({','.join(['%s'] * len(chunk))})", chunk)


def clear() -> None:
    """Empty the index: nothing is found until :func:`reindex` runs (the ``rebuild_search_index`` command)."""
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute("UPDATE testimony_testimony SET search_vector = NULL WHERE search_vector IS NOT NULL")
        else:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")


def prune() -> int:
    """Drop index entries whose testimony no longer exists (rows deleted in bulk, bypassing signals)."""
    if _is_postgres():
        return 0  # the vector lives in the row
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM testimony_testimony)")
        return cursor.rowcount


def optimize() -> None:
    """Tidy the index after a bulk load: merge FTS5's segments; refresh PostgreSQL's planner statistics."""
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute("ANALYZE testimony_testimony")
        else:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
