"""Copy the archive's public testimonies from PostgreSQL into a SQLite file that Datasette serves, with FTS5.

    .venv/bin/python bench/export_sqlite.py postgres://postgres@127.0.0.1:5432/bench_archive bench/data/bench.db

One flat table, ``testimonies`` (what a Datasette user would publish): the public rows only (published and
retracted), with their place (name and materialized path, so a place filter is ``place_path__startswith``), witness
role and descriptor, source, and tags as a JSON array of slugs (``_facet_array=tags``, ``tags__arraycontains=``).
Indexes on the filtered columns, as a competent Datasette user would add, and an external-content FTS5 table
``testimonies_fts`` over title and body (porter stemming, like the archive's SQLite search) that Datasette finds
on its own for ``_search=``. Rows are streamed through a server-side cursor: memory stays flat at a million rows.
"""

import json
import sqlite3
import sys
import time
from pathlib import Path

import psycopg

SELECT = """
    SELECT t.id, t.identifier, t.title, t.body, t.translation, t.language, t.date_start::text, t.date_end::text,
           t.part_of_day, t.is_date_approximate::int, t.status, t.published_at::text,
           p.id, p.name, p.slug, p.path, w.role, w.descriptor, s.name, s.slug,
           coalesce((SELECT json_agg(tag.slug ORDER BY tag.slug) FROM testimony_testimony_tags tt
                     JOIN testimony_tag tag ON tag.id = tt.tag_id WHERE tt.testimony_id = t.id), '[]')::text
    FROM testimony_testimony t
    LEFT JOIN testimony_place p ON p.id = t.place_id
    JOIN testimony_witness w ON w.id = t.witness_id
    LEFT JOIN testimony_source s ON s.id = t.source_id
    WHERE t.status IN ('published', 'retracted')
    ORDER BY t.id
"""

COLUMNS = [
    "id INTEGER PRIMARY KEY",
    "identifier TEXT",
    "title TEXT",
    "body TEXT",
    "translation TEXT",
    "language TEXT",
    "date_start TEXT",
    "date_end TEXT",
    "part_of_day TEXT",
    "is_date_approximate INTEGER",
    "status TEXT",
    "published_at TEXT",
    "place_id INTEGER",
    "place_name TEXT",
    "place_slug TEXT",
    "place_path TEXT",
    "witness_role TEXT",
    "witness_descriptor TEXT",
    "source_name TEXT",
    "source_slug TEXT",
    "tags TEXT",
]
INDEXES = ["date_start", "date_end", "place_path", "witness_role", "source_name", "identifier"]


def export(database_url: str, target: Path, chunk: int = 5000) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    lite = sqlite3.connect(partial)
    lite.execute("PRAGMA journal_mode = OFF")
    lite.execute("PRAGMA synchronous = OFF")
    lite.execute(f"CREATE TABLE testimonies ({', '.join(COLUMNS)})")
    marks = ", ".join("?" * len(COLUMNS))
    rows = 0
    with psycopg.connect(database_url) as pg, pg.cursor(name="export") as cursor:
        cursor.itersize = chunk
        cursor.execute(SELECT)
        while batch := cursor.fetchmany(chunk):
            lite.executemany(f"INSERT INTO testimonies VALUES ({marks})", batch)
            rows += len(batch)
    for column in INDEXES:
        lite.execute(f"CREATE INDEX testimonies_{column} ON testimonies ({column})")
    lite.execute(
        "CREATE VIRTUAL TABLE testimonies_fts USING fts5(title, body, content='testimonies', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    lite.execute("INSERT INTO testimonies_fts (rowid, title, body) SELECT id, title, body FROM testimonies")
    lite.execute("INSERT INTO testimonies_fts (testimonies_fts) VALUES ('optimize')")
    lite.commit()
    lite.execute("ANALYZE")
    lite.close()
    partial.replace(target)
    # Tags are JSON arrays: check one parses, so a broken export fails here rather than in Datasette.
    with sqlite3.connect(target) as check:
        sample = check.execute("SELECT tags FROM testimonies LIMIT 1").fetchone()
        if sample:
            json.loads(sample[0])
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    started = time.monotonic()
    count = export(sys.argv[1], Path(sys.argv[2]))
    print(f"Exported {count} public testimonies to {sys.argv[2]} in {time.monotonic() - started:.1f} s.")
