"""Peak memory of a batch import: does it stay flat as the file grows?

    .venv/bin/python bench/import_memory.py                    # 10,000 and 100,000 generated CSV rows
    .venv/bin/python bench/import_memory.py --rows 1000000     # any sizes, each in a fresh process
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/import_bench .venv/bin/python bench/import_memory.py

For each size it starts a fresh Python process on an empty scratch database (a temporary SQLite file unless
DATABASE_URL names one; a PostgreSQL database named there is dropped and recreated), writes a CSV of N generated rows
(about 1 KB each: a 100-word account, a place, two tags), imports it with ``testimony.importing`` (check pass, then
the write pass in one transaction) and reports the process's peak resident set size (``resource.getrusage``) before
and after the import, and Python's own peak allocation during it (``tracemalloc``, with --tracemalloc: slower).
Not a timed test: the times are printed for information only.
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "the night square crowd shots police soldiers car street hospital men balaclavas ran smoke windows "
    "loudspeakers morning akimat district bus station checkpoint fire tear gas people shouted"
).split()


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_rows(path: Path, rows: int) -> None:
    from testimony.importing import CSV_COLUMNS

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for i in range(rows):
            body = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(100))
            day = 3 + i % 5
            writer.writerow(
                {
                    "identifier": "",
                    "title": f"Account {i}: {WORDS[i % len(WORDS)]} near the {WORDS[(i + 3) % len(WORDS)]}",
                    "body": body,
                    "language": "en",
                    "translation": "",
                    "witness_descriptor": f"resident {i % 97}",
                    "witness_role": "resident",
                    "date_start": f"2022-01-0{day}",
                    "date_end": f"2022-01-0{day}",
                    "part_of_day": "night",
                    "is_date_approximate": "false",
                    "place": f"district-{i % 9}",
                    "source": "",
                    "source_url": "",
                    "source_published": "",
                    "collected_on": "",
                    "tags": "first-hand;photo",
                    "incidents": "",
                    "status": "",
                    "retraction_note": "",
                    "url": "",
                }.get(column, "")
                for column in CSV_COLUMNS
            )


def child(rows: int, trace: bool) -> dict:
    """Runs in a fresh process: migrate a scratch database, generate, import, measure."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    django.setup()
    from django.core.management import call_command

    from testimony import importing
    from testimony.models import Place, Testimony

    call_command("migrate", verbosity=0)
    city = Place.objects.create(name="Almaty", slug="almaty", kind=Place.Kind.CITY)
    for n in range(9):
        Place.objects.create(name=f"District {n}", slug=f"district-{n}", kind=Place.Kind.DISTRICT, parent=city)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "batch.csv"
        write_rows(path, rows)
        size_mb = path.stat().st_size / 1024 / 1024
        before = peak_rss_mb()
        if trace:
            import tracemalloc

            tracemalloc.start()
        started = time.monotonic()
        report = importing.import_file(path)
        seconds = time.monotonic() - started
        traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if trace else None
    assert report.written, [str(e) for e in report.errors[:5]]
    assert Testimony.objects.count() == rows
    return {
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "rss_before_mb": round(before, 1),
        "rss_peak_mb": round(peak_rss_mb(), 1),
        "tracemalloc_peak_mb": round(traced, 1) if traced is not None else None,
        "seconds": round(seconds, 1),
    }


def scratch_database(rows: int) -> tuple[str, Path | None]:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return url, None
    path = Path(tempfile.gettempdir()) / f"import_memory_{rows}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}", path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--tracemalloc", action="store_true", help="Also measure Python's peak allocation (slower).")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.tracemalloc)))
        return
    print(f"{'rows':>10} {'file MB':>8} {'RSS before':>11} {'RSS peak':>9} {'tracemalloc':>12} {'seconds':>8}")
    for rows in args.rows:
        url, sqlite_file = scratch_database(rows)
        command = [sys.executable, __file__, "--child", str(rows)] + (["--tracemalloc"] if args.tracemalloc else [])
        result = subprocess.run(
            command, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, check=False
        )
        if sqlite_file:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        if result.returncode:
            sys.exit(result.stderr)
        r = json.loads(result.stdout.strip().splitlines()[-1])
        traced = f"{r['tracemalloc_peak_mb']} MB" if r["tracemalloc_peak_mb"] is not None else "-"
        print(
            f"{r['rows']:>10,} {r['file_mb']:>8} {r['rss_before_mb']:>8} MB {r['rss_peak_mb']:>6} MB "
            f"{traced:>12} {r['seconds']:>8}"
        )


if __name__ == "__main__":
    main()
