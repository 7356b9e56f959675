"""Keeping the index: the engine's structures, and each testimony's entry, written wherever a testimony's words,
tags, place, witness or source change (see :mod:`testimony.search`)."""

import re
from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction

from .. import pagecache

FTS_TABLE = "testimony_search"
PG_CONFIG = "testimony_search"
PG_INDEX = "testimony_search_vector_gin"
REINDEX_CHUNK = 1000  # testimonies per indexing statement

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
PG_SPLIT = re.compile(r"[.@:/]")


def _pg_text(sql: str) -> str:
    return f"regexp_replace({sql}, {_PG_SPLIT_SQL}, ' ', 'g')"


def is_postgres(conn=None) -> bool:
    return (conn or connection).vendor == "postgresql"


def install(schema_editor) -> None:
    """Create the engine's search structures (called by migration 0002)."""
    _install(schema_editor.connection)


def uninstall(schema_editor) -> None:
    conn = schema_editor.connection
    if is_postgres(conn):
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
        if is_postgres(conn):
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
    only a testimony's own page reads whole, go to the side table instead. Measured at a million testimonies, the
    same code alternated over the two layouts: a common word alone 7.9 → 16.1 req/s, testimony pages +15 %, a search
    with filters −9 % (its GIN bitmap spans the larger heap), other pages within the noise
    (``bench/results/2026-11-26-1000000-seventh-inline-vector-ab.md``).

    ``COMPRESSION pglz``, so that vectors stay in the row as they are. A vector is positions and short lexemes and
    barely compresses (lz4 took the median one from 2,252 to 2,138 bytes); yet each compressed one was decompressed
    by every ``@@`` and ``ts_rank`` that read it. pglz gives up on a value it cannot shrink by a quarter, and stores
    it raw: 39,993 vectors of 40,000 here. Over those 40,000 rows the walk of a common word alone took 41–44 ms
    instead of 56–58 (with ``ts_rank``, 42 instead of 61) for a heap 6 % larger
    (``bench/results/2026-11-27-1000000-twelfth-raw-vectors-ab.md``).

    Existing rows move when they are next written: ``manage.py rebuild_search_index`` (which rewrites every vector)
    does it for all at once (``VACUUM FULL`` moves a vector into its row but keeps it compressed). Catalog changes
    only, made only when missing (an ``ALTER TABLE`` locks the table, however briefly).
    """
    cursor.execute(
        "SELECT attstorage, attcompression FROM pg_attribute "
        "WHERE attrelid = 'testimony_testimony'::regclass AND attname = 'search_vector'"
    )
    storage, compression = cursor.fetchone()
    if storage != "m":
        cursor.execute("ALTER TABLE testimony_testimony ALTER COLUMN search_vector SET STORAGE MAIN")
    if compression != "p":
        cursor.execute("ALTER TABLE testimony_testimony ALTER COLUMN search_vector SET COMPRESSION pglz")


def refresh_place_tokens(path: str) -> None:
    """Rewrite the place tokens (:data:`PLACE_TOKEN`) of every testimony at or beneath the place at ``path``, in the
    caller's transaction: ``Place.save`` calls it when a place moves, right after rewriting the paths beneath it.

    A search narrowed to a place asks the index for the place's token, so a testimony whose tokens still named its
    old ancestors would vanish from searches within its new ones (while the same list without words showed it).
    The whole vector is rewritten after commit (``signals.place_saved``); the tokens cannot wait for that. Only
    the tokens are swapped here, nothing is parsed again. SQLite's index holds no tokens.
    """
    if not is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE testimony_testimony t SET search_vector = {_pg_without_tokens(PLACE_TOKEN)} || {_PG_PLACE_TOKENS_SQL}
            WHERE t.search_vector IS NOT NULL
              AND t.place_id IN (SELECT id FROM testimony_place WHERE starts_with(path, %s))
            """,
            [path],
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


# On PostgreSQL each vector also holds narrowing tokens: what a search's filters ask, which the same GIN scan then
# meets with the words (see search()'s ``place``, ``window`` and ``tags``). Each is a prefix and a value, written as
# it is (array_to_tsvector parses nothing, and no reader's word can become one: the parser splits at "§"):
# - "§p23": the testimony's place, and one for each place above it;
# - "§t8": each of its credibility tags;
# - "§d20220105": each day its dates cover, up to MAX_DAY_TOKENS days; a longer span holds "§dlong" instead, which
#   every window asks for too (the plain date filter then keeps those that overlap it).
PLACE_TOKEN = "§p"
TAG_TOKEN = "§t"
DAY_TOKEN = "§d"
LONG_SPAN_TOKEN = f"{DAY_TOKEN}long"
MAX_DAY_TOKENS = 31
_PG_PLACE_TOKENS_SQL = f"""array_to_tsvector(ARRAY(SELECT '{PLACE_TOKEN}' || anc.id FROM testimony_place own
                                             JOIN testimony_place anc ON own.path LIKE anc.path || '%%'
                                             WHERE own.id = t.place_id))"""
_PG_TAG_TOKENS_SQL = f"""array_to_tsvector(ARRAY(SELECT '{TAG_TOKEN}' || tt.tag_id FROM testimony_testimony_tags tt
                                           WHERE tt.testimony_id = t.id))"""
_PG_DAY_TOKENS_SQL = f"""array_to_tsvector(CASE WHEN t.date_end - t.date_start >= {MAX_DAY_TOKENS}
    THEN ARRAY['{LONG_SPAN_TOKEN}']
    ELSE ARRAY(SELECT '{DAY_TOKEN}' || to_char(d, 'YYYYMMDD')
               FROM generate_series(t.date_start::timestamp, t.date_end::timestamp, interval '1 day') d) END)"""
_PG_NARROWING_TOKENS_SQL = f"{_PG_PLACE_TOKENS_SQL} || {_PG_TAG_TOKENS_SQL} || {_PG_DAY_TOKENS_SQL}"


def _pg_without_tokens(prefix: str) -> str:
    """The row's vector less its tokens of one kind (``prefix`` is one of ours, never the reader's)."""
    return (
        "ts_delete(t.search_vector, ARRAY(SELECT u.lexeme FROM unnest(t.search_vector) u "
        f"WHERE starts_with(u.lexeme, '{prefix}')))"
    )


def day_token(day) -> str:
    """The token of one day, as :data:`_PG_DAY_TOKENS_SQL` writes it."""
    return f"{DAY_TOKEN}{day:%Y%m%d}"


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
    """Copy these testimonies' tag links onto their rows (``Testimony.tag_ids``), in the caller's transaction.

    On PostgreSQL their tag tokens (:data:`TAG_TOKEN`) are swapped in the same statement: a search with a tag asks
    the index for its token, and a testimony the filter counts as tagged must not be missing from it until the
    after-commit reindex (a tag given to a hundred thousand testimonies at once takes a minute to reindex).
    """
    ids = list(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), REINDEX_CHUNK):
            chunk = ids[start : start + REINDEX_CHUNK]
            if is_postgres():
                cursor.execute(
                    f"""
                    UPDATE testimony_testimony t SET tag_ids = {_PG_TAG_IDS_SQL},
                        search_vector = {_pg_without_tokens(TAG_TOKEN)} || {_PG_TAG_TOKENS_SQL}
                    WHERE t.id = ANY(%s)
                    """,
                    [chunk],
                )
            else:
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(
                    f"UPDATE testimony_testimony AS t SET tag_ids = {_SQLITE_TAG_IDS_SQL} WHERE t.id IN ({marks})",
                    chunk,
                )


def _reindex(ids: list[int] | None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgres():
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
                    || {_PG_NARROWING_TOKENS_SQL},
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
    if is_postgres():
        return
    with connection.cursor() as cursor:
        for start in range(0, len(ids), REINDEX_CHUNK):
            chunk = ids[start : start + REINDEX_CHUNK]
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({','.join(['%s'] * len(chunk))})", chunk)


def clear() -> None:
    """Empty the index: nothing is found until :func:`reindex` runs (the ``rebuild_search_index`` command)."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("UPDATE testimony_testimony SET search_vector = NULL WHERE search_vector IS NOT NULL")
        else:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")


def prune() -> int:
    """Drop index entries whose testimony no longer exists (rows deleted in bulk, bypassing signals)."""
    if is_postgres():
        return 0  # the vector lives in the row
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM testimony_testimony)")
        return cursor.rowcount


def optimize() -> None:
    """Tidy the index after a bulk load: merge FTS5's segments; refresh PostgreSQL's planner statistics."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("ANALYZE testimony_testimony")
        else:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
