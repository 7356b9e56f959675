"""Full-text search over testimonies: the only module that knows which database engine is underneath.

PostgreSQL: a stored, weighted ``tsvector`` (title A; tags, places, witness and source B; account and translation C)
in ``Testimony.search_vector`` with a GIN index.
SQLite: an FTS5 table ``testimony_search`` (porter stemming) whose rowid is the testimony's id.

Both are kept current from one place, :func:`reindex`, called by ``testimony.signals`` after a save commits and by
bulk loaders after they write.
"""

from collections.abc import Iterable

from django.db import connection

FTS_TABLE = "testimony_search"

# Text configurations by language code. Anything else is indexed with 'simple' (no stemming, no stop words).
PG_CONFIGS = {"en": "english", "ru": "russian"}

# The weighted "context" of a testimony: its tags, its place and every place above it, its witness and its source.
# Written once in SQL both engines understand; ``{agg}`` is string_agg/group_concat.
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


def _is_postgres(conn=None) -> bool:
    return (conn or connection).vendor == "postgresql"


def install(schema_editor) -> None:
    """Create the engine's search structures (called by migration 0002)."""
    conn = schema_editor.connection
    if _is_postgres(conn):
        schema_editor.execute(
            "CREATE INDEX testimony_search_vector_gin ON testimony_testimony USING gin (search_vector)"
        )
    elif conn.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "title, context, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )


def uninstall(schema_editor) -> None:
    conn = schema_editor.connection
    if _is_postgres(conn):
        schema_editor.execute("DROP INDEX IF EXISTS testimony_search_vector_gin")
    elif conn.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def _pg_body_config() -> str:
    cases = " ".join(f"WHEN t.language LIKE '{code}%%' THEN '{cfg}'" for code, cfg in PG_CONFIGS.items())
    return f"(CASE {cases} ELSE 'simple' END)::regconfig"


def reindex(ids: Iterable[int] | None = None) -> None:
    """Bring the index up to date for the given testimonies (all of them when ``ids`` is None)."""
    if ids is not None:
        ids = list(ids)
        if not ids:
            return
    with connection.cursor() as cursor:
        if _is_postgres():
            context = _CONTEXT_SQL.format(
                agg="string_agg(tag.name, ' ')",
                agg_places="string_agg(anc.name || ' ' || anc.other_names, ' ')",
            )
            where = "WHERE t.id = ANY(%s)" if ids is not None else ""
            cursor.execute(
                f"""
                UPDATE testimony_testimony t SET search_vector =
                    setweight(to_tsvector('english', t.title), 'A')
                    || setweight(to_tsvector('english', {context}), 'B')
                    || setweight(to_tsvector({_pg_body_config()}, t.body), 'C')
                    || setweight(to_tsvector('english', t.translation), 'C')
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


def unindex(ids: Iterable[int]) -> None:
    """Drop deleted testimonies from the index (PostgreSQL's vector goes with its row)."""
    ids = list(ids)
    if ids and not _is_postgres():
        marks = ",".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)
