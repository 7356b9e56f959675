"""Where one request's time goes, per scenario: the whole response, its SQL, and the rest (Python: views, templates).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_perf_bench_1m ALLOWED_HOSTS=testserver DEBUG=0 SECRET_KEY=... \\
        PAGE_CACHE_SECONDS=0 .venv/bin/python bench/split.py filtered,search,statement,testimony [30]

Each scenario is one of bench/data/urls/archive-<scenario>.txt (written by run.py); the same 30 URLs of it (chosen
with a fixed seed) are requested one after another through Django's test client, after one warm-up request, with
the SQL timed through ``connection.execute_wrapper``. One process, no load: a request's cost, not a latency under
load. Run it after ``collectstatic`` when DEBUG=0, with PAGE_CACHE_SECONDS=0 so that no page is served from the store.
"""

import os
import random
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


def split(scenario, count):
    """``(urls, total ms, SQL ms)`` averaged over ``count`` of the scenario's URLs."""
    urls = (ROOT / "bench" / "data" / "urls" / f"archive-{scenario}.txt").read_text().split()
    sample = random.Random(1).sample(urls, min(count, len(urls)))
    client = Client()
    client.get(sample[0])
    spent = {"sql": 0.0}

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - started

    total = 0.0
    with connection.execute_wrapper(timed):
        for url in sample:
            started = time.perf_counter()
            response = client.get(url)
            total += time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
    return len(sample), total / len(sample) * 1000, spent["sql"] / len(sample) * 1000


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    for scenario in sys.argv[1].split(","):
        n, total, sql = split(scenario, count)
        print(f"{scenario:14s} {n:3d} URLs  total {total:6.1f} ms  SQL {sql:6.1f} ms  rest {total - sql:6.1f} ms")


if __name__ == "__main__":
    main()
