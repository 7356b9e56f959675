"""Search snippets cut in Python (testimony.search.excerpts) against PostgreSQL's ts_headline, on the benchmark's data.

For the searches of the benchmark's URL lists (filtered searches and words alone), the first 25 accounts matching
each: the words ts_headline marks, whether the Python excerpt marks them all, and what each costs a page of 25
(ts_headline timed as its query, the texts' fetch included; the excerpts in this process).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_archive .venv/bin/python bench/excerpts.py [PAGES]

Prints a short report; the results of a run are kept in ``results/`` beside the A/B tables.
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from testimony.search import excerpts, parse, querying  # noqa: E402
from testimony.search.index import PG_CONFIG, PG_SPLIT  # noqa: E402

MARKED = re.compile(f"{querying.HIGHLIGHT_START}(.*?){querying.HIGHLIGHT_STOP}")
HEADLINE = (
    f"SELECT id, ts_headline('{PG_CONFIG}', coalesce(body, '') || E'\\n' || coalesce(translation, ''),"
    f" websearch_to_tsquery('{PG_CONFIG}', %s), %s) FROM testimony_testimony WHERE id = ANY(%s)"
)
OPTIONS = (
    f"StartSel='{querying.HIGHLIGHT_START}', StopSel='{querying.HIGHLIGHT_STOP}', MaxWords={querying.SNIPPET_WORDS},"
    f" MinWords={querying.SNIPPET_WORDS // 2}, MaxFragments=2, FragmentDelimiter=' {querying.ELLIPSIS} '"
)


def searches(pages):
    urls = []
    for scenario in ("search", "search-word"):
        lines = (ROOT / "bench" / "data" / "urls" / f"archive-{scenario}.txt").read_text().split()
        urls += lines[:pages]
    return [parse_qs(urlparse(url).query)["q"][0] for url in urls]


def main():
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    headline_ms, python_ms, rows, covered, words_pg, words_ours = [], [], 0, 0, 0, 0
    for text in searches(pages):
        terms = tuple(PG_SPLIT.sub(" ", term) for term in parse(text).required)
        websearch = " ".join(f'"{term}"' for term in terms)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, coalesce(body, '') || E'\\n' || coalesce(translation, '') FROM testimony_testimony"
                f" WHERE search_vector @@ websearch_to_tsquery('{PG_CONFIG}', %s) ORDER BY id LIMIT 25",
                [websearch],
            )
            texts = dict(cursor.fetchall())
            started = time.perf_counter()
            cursor.execute(HEADLINE, [websearch, OPTIONS, list(texts)])
            headlines = dict(cursor.fetchall())
            headline_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        highlighter = excerpts.Highlighter(
            terms,
            words=querying.SNIPPET_WORDS,
            ellipsis=querying.ELLIPSIS,
            start=querying.HIGHLIGHT_START,
            stop=querying.HIGHLIGHT_STOP,
        )
        ours = {pk: highlighter.excerpt(account) for pk, account in texts.items()}
        python_ms.append((time.perf_counter() - started) * 1000)
        for pk in texts:
            theirs = {word.lower() for word in MARKED.findall(headlines[pk])}
            mine = {word.lower() for word in MARKED.findall(ours[pk])}
            rows += 1
            covered += theirs <= mine
            words_pg += len(theirs)
            words_ours += len(mine)
    print(f"{len(headline_ms)} searches, {rows} accounts (the first 25 matching each)")
    print(f"accounts where every word ts_headline marks is marked: {covered} of {rows}")
    print(f"distinct words marked: ts_headline {words_pg}, Python {words_ours}")
    for name, times in (("ts_headline (query)", headline_ms), ("Python excerpts", python_ms)):
        print(
            f"{name}: {statistics.mean(times):.2f} ms a page on average, median {statistics.median(times):.2f},"
            f" max {max(times):.2f}"
        )


if __name__ == "__main__":
    main()
