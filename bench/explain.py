"""EXPLAIN (ANALYZE, BUFFERS) every query the list, search and day pages run, into one Markdown file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_archive ALLOWED_HOSTS=testserver DEBUG=0 SECRET_KEY=... \
        .venv/bin/python bench/explain.py bench/results/<date>-<N>-plans.md URLFILE [URLFILE ...]

Each URL file is one of bench/data/urls/archive-*.txt (written by run.py); the first URL of each is requested
through Django's test client, its SQL captured with ``CaptureQueriesContext``, and each SELECT explained on the
same database. Run it after ``collectstatic`` when DEBUG=0 (the pages need the static manifest).
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def explain(path):
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        started = time.monotonic()
        response = client.get(path)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        elapsed = (time.monotonic() - started) * 1000
    lines = [f"## `{path}`", "", f"HTTP {response.status_code}, {len(captured)} queries, {elapsed:.0f} ms in all.", ""]
    for number, query in enumerate(captured.captured_queries, 1):
        sql = query["sql"]
        lines += [f"### Query {number} ({float(query['time']) * 1000:.1f} ms in the request)", "", "```sql", sql, "```"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            lines += ["", "(not a SELECT: not explained)", ""]
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        lines += ["", "```", plan, "```", ""]
    return lines


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    if connection.vendor != "postgresql":
        sys.exit("EXPLAIN (ANALYZE, BUFFERS) needs PostgreSQL: set DATABASE_URL.")
    target = Path(sys.argv[1])
    lines = [f"# Query plans — {connection.settings_dict['NAME']}", ""]
    for url_file in sys.argv[2:]:
        path = Path(url_file).read_text().splitlines()[0]
        lines += [f"From {Path(url_file).name}:", ""] + explain(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n")
    print(f"Wrote {target}")


if __name__ == "__main__":
    main()
