"""The whole benchmark campaign, one command: see bench/README.md.

    .venv/bin/python bench/run.py --count 100000            # fresh database, generate, serve, measure, report
    .venv/bin/python bench/run.py --count 100000 --reuse    # measure again on the database already loaded

Steps: (re)create the PostgreSQL database, migrate, generate N testimonies, VACUUM ANALYZE, collectstatic, write
the URL lists, EXPLAIN the list/search/day pages, then one server at a time: the archive under gunicorn with
production settings, the ceiling (a bare 3 KB Django view, same gunicorn command), Datasette on the same rows
exported to SQLite; wrk against each scenario; the report goes to bench/results/<date>-<N>.md.
"""

import argparse
import datetime
import json
import os
import platform
import random
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATASETTE_VENV = BENCH / ".venv-datasette"
PUBLIC = "('published', 'retracted')"

# Words the reader may search for, in English and Russian: common and rare ones, as people type them.
WORDS = [
    "gunfire",
    "balaclava",
    "armoured",
    "ambulance",
    "detained",
    "checkpoint",
    "looted",
    "explosions",
    "cartridges",
    "barricades",
    "curfew",
    "soldiers",
    "hospital",
    "akimat",
    "internet",
    "minivan",
    "Almaty",
    "Zhanaozen",
    "выстрелы",
    "балаклавах",
    "раненых",
    "интернет",
]
# Every scenario, in the order of the campaign's table (their URL lists: write_url_lists).
SCENARIOS = [
    "home",
    "list",
    "filtered",
    "filtered-tags",
    "search",
    "search-word",
    "day",
    "statement",
    "testimony",
    "testimony-popular",
    "export",
]
# Those Datasette has an equivalent of: all but the home and statement pages.
DATASETTE_SCENARIOS = [name for name in SCENARIOS if name not in ("home", "statement")]
FACETS_DATASETTE = [("_facet", "place_name"), ("_facet", "witness_role"), ("_facet", "source_name")]


def log(message):
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def run(command, env=None, capture=False):
    log("$ " + shlex.join(str(part) for part in command))
    result = subprocess.run(
        [str(part) for part in command], env=env, cwd=ROOT, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else None


# The database ------------------------------------------------------------------------------------------------


def production_env(database_url):
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="600",  # persistent connections, as a production deployment would set
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
    )
    return env


def create_database(args, env):
    admin_url = args.postgres + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db}"')
    run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], env)
    started = time.monotonic()
    output = run(
        [PYTHON, "manage.py", "generate_testimonies", "--count", args.count, "--seed", args.seed, "--jobs", 2],
        env,
        capture=True,
    )
    elapsed = time.monotonic() - started
    log(output.strip())
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        started_vacuum = time.monotonic()
        # Indexing updated every row once: rewrite the table without those dead versions, as a long-lived,
        # vacuumed archive would be, then set the visibility map and statistics for everything.
        conn.execute("VACUUM (FULL) testimony_testimony")
        conn.execute("VACUUM (ANALYZE)")
        vacuum = time.monotonic() - started_vacuum
    return {"generate_output": output.strip(), "generate_seconds": elapsed, "vacuum_seconds": vacuum}


def database_facts(database_url):
    with psycopg.connect(database_url) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "testimonies": one("SELECT count(*) FROM testimony_testimony"),
            "public": one(f"SELECT count(*) FROM testimony_testimony WHERE status IN {PUBLIC}"),
            "statements": one("SELECT count(*) FROM testimony_statement"),
            "places": one("SELECT count(*) FROM testimony_place"),
            "database_size": one("SELECT pg_size_pretty(pg_database_size(current_database()))"),
            "testimony_table": one("SELECT pg_size_pretty(pg_total_relation_size('testimony_testimony'))"),
            "server_version": one("SHOW server_version"),
        }


# The URL lists -----------------------------------------------------------------------------------------------


def write_url_lists(database_url, seed, per_scenario=2000):
    """One file of paths per scenario, for the archive and, where one exists, Datasette's equivalent."""
    rng = random.Random(seed)
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT setseed(0.42)")
        first, last = conn.execute(
            f"SELECT min(date_start), max(date_end) FROM testimony_testimony WHERE status IN {PUBLIC}"
        ).fetchone()
        per_day = conn.execute(
            f"SELECT date_start, count(*) FROM testimony_testimony WHERE status IN {PUBLIC} GROUP BY 1 ORDER BY 1"
        ).fetchall()
        ranges = conn.execute(
            f"SELECT date_start, date_end, count(*) FROM testimony_testimony WHERE status IN {PUBLIC} GROUP BY 1, 2"
        ).fetchall()
        places = conn.execute(
            "SELECT slug, path FROM testimony_place WHERE kind IN ('country', 'region', 'city', 'district') "
            "ORDER BY path"
        ).fetchall()
        tags = [row[0] for row in conn.execute("SELECT slug FROM testimony_tag ORDER BY slug")]
        testimonies = conn.execute(
            f"SELECT identifier, id FROM testimony_testimony WHERE status IN {PUBLIC} ORDER BY random() LIMIT 5000"
        ).fetchall()
        statements = [
            row[0]
            for row in conn.execute(
                f"SELECT identifier FROM testimony_statement WHERE status IN {PUBLIC} ORDER BY random() LIMIT 2000"
            )
        ]
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    busy = [day for day, count in per_day if count >= max(count for _, count in per_day) / 10] or days

    def window(rng=rng):
        start = rng.choice(busy) if rng.random() < 0.7 else rng.choice(days)
        return start, start + datetime.timedelta(days=rng.choice((0, 0, 1, 2, 3)))

    lists = {name: ([], []) for name in ("home", "list", "filtered", "search", "day", "statement", "testimony")}
    lists["export"] = ([], [])
    # What a reader types first: one word, no filter (22 words, each matching up to a quarter of the archive).
    lists["search-word"] = ([], [])
    for word in WORDS:
        lists["search-word"][0].append("/testimonies/?" + urlencode([("q", word)]))
        lists["search-word"][1].append(
            "/bench/testimonies?"
            + urlencode([("_search", word), *FACETS_DATASETTE, ("_facet_array", "tags"), ("_size", 25)])
        )
    lists["home"][0].append("/")
    for page in range(1, 21):
        lists["list"][0].append(f"/testimonies/?page={page}" if page > 1 else "/testimonies/")
    lists["list"][1].append(
        "/bench/testimonies?"
        + urlencode([("_size", 25), ("_sort", "date_start"), *FACETS_DATASETTE, ("_facet_array", "tags")])
    )
    for _ in range(per_scenario):
        start, end = window()
        slug, path = rng.choice(places)
        tag = rng.choice(tags) if tags else None
        ours = [("date_from", start), ("date_to", end), ("place", slug)] + ([("tag", tag)] if tag else [])
        theirs = [("date_start__lte", end), ("date_end__gte", start), ("place_path__startswith", path)]
        theirs += [("tags__arraycontains", tag)] if tag else []
        theirs += [*FACETS_DATASETTE, ("_facet_array", "tags"), ("_size", 25)]
        lists["filtered"][0].append("/testimonies/?" + urlencode(ours))
        lists["filtered"][1].append("/bench/testimonies?" + urlencode(theirs))
        word = rng.choice(WORDS)
        lists["search"][0].append("/testimonies/?" + urlencode([("q", word), *ours]))
        lists["search"][1].append("/bench/testimonies?" + urlencode([("_search", word), *theirs]))
        day = rng.choice(busy) if rng.random() < 0.7 else rng.choice(days)
        lists["day"][0].append(f"/days/{day}/")
        lists["day"][1].append(
            "/bench/testimonies?" + urlencode([("date_start__lte", day), ("date_end__gte", day), ("_size", 25)])
        )
    # Two tags (from the fourteenth session): a list the counts table cannot count (nor can it several tags, a
    # statement or an incident), so the page counts and facets its rows. Drawn from a generator of its own, so the
    # other scenarios' lists stay what they were.
    pairs = random.Random(seed + 1)
    lists["filtered-tags"] = ([], [])
    for _ in range(per_scenario if len(tags) > 1 else 0):
        start, end = window(pairs)
        slug, path = pairs.choice(places)
        chosen = pairs.sample(tags, 2)
        ours = [("date_from", start), ("date_to", end), ("place", slug), *(("tag", tag) for tag in chosen)]
        theirs = [("date_start__lte", end), ("date_end__gte", start), ("place_path__startswith", path)]
        theirs += [*(("tags__arraycontains", tag) for tag in chosen), *FACETS_DATASETTE, ("_facet_array", "tags")]
        lists["filtered-tags"][0].append("/testimonies/?" + urlencode(ours))
        lists["filtered-tags"][1].append("/bench/testimonies?" + urlencode([*theirs, ("_size", 25)]))
    for identifier, pk in testimonies:
        lists["testimony"][0].append(f"/testimonies/{identifier}/")
        lists["testimony"][1].append(f"/bench/testimonies/{pk}")
    # A few accounts that everyone reads at once (one linked from the news): what a page cache is for.
    lists["testimony-popular"] = (lists["testimony"][0][:20], lists["testimony"][1][:20])
    lists["statement"][0].extend(f"/statements/{identifier}/" for identifier in statements)
    for start, end in export_windows(ranges, rng):
        lists["export"][0].append("/testimonies/export.csv?" + urlencode([("date_from", start), ("date_to", end)]))
        lists["export"][1].append(
            "/bench/testimonies.csv?"
            + urlencode([("_stream", "on"), ("date_start__lte", end), ("date_end__gte", start)])
        )
    (DATA / "urls").mkdir(parents=True, exist_ok=True)
    files = {}
    for name, (archive, datasette) in lists.items():
        for target, paths in (("archive", archive), ("datasette", datasette)):
            if paths:
                path = DATA / "urls" / f"{target}-{name}.txt"
                path.write_text("\n".join(paths) + "\n")
                files[(target, name)] = path
    return files


def export_windows(ranges, rng, rows=10_000, count=50, slack=1.5):
    """Date windows holding ``rows`` to ``slack`` × ``rows`` public testimonies each, or everything if fewer.

    ``ranges`` is ``[(date_start, date_end, how many), …]`` over the public testimonies. A window holds the
    testimonies whose dates *overlap* it, as the export's ``date_from``/``date_to`` select them: counted by start
    date instead (before the sixth session), a busy day's window held up to 248,000 rows, the accounts of the days
    before it that run into it. A day that alone holds more than ``slack`` × ``rows`` starts no window.
    """

    def held(first, last):
        return sum(n for start, end, n in ranges if end >= first and start <= last)

    total = sum(n for _, _, n in ranges)
    first, last = min(start for start, _, _ in ranges), max(end for _, end, _ in ranges)
    if total <= rows:
        return [(first, last)]
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    windows = set()
    for _ in range(count * 20):
        start = rng.randrange(len(days))
        end = start
        while end < len(days) - 1 and held(days[start], days[end]) < rows:
            end += 1
        if rows <= held(days[start], days[end]) <= slack * rows:
            windows.add((days[start], days[end]))
        if len(windows) >= count:
            break
    return sorted(windows) or [(first, last)]


# Servers -----------------------------------------------------------------------------------------------------


def wait_for(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"nothing answers on port {port} after {timeout} s")


def start(command, env, port, logfile):
    log("$ " + shlex.join(str(part) for part in command))
    process = subprocess.Popen(
        [str(part) for part in command], env=env, cwd=ROOT, stdout=logfile, stderr=subprocess.STDOUT
    )
    wait_for(port)
    return process


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# Sync workers: one per core and one more to use a core while another waits on PostgreSQL. The pages are CPU-bound
# Python, and PostgreSQL runs on the same cores: 2 × cores + 1 (gunicorn's usual advice, five here until the
# thirteenth session) measured the same throughput with a longer tail, alternated five times (bench/README.md).
WORKERS = (os.cpu_count() or 1) + 1


def gunicorn_command(app, port, workers, pythonpath=None):
    command = [GUNICORN, app, "--bind", f"127.0.0.1:{port}", "--workers", workers, "--worker-class", "sync"]
    command += ["--chdir", ROOT] + (["--pythonpath", pythonpath] if pythonpath else [])
    return command


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return None
    return None


def children(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def probe(port, path):
    """Status code and size of one response (the warm-up; it also shows a 404 before a page exists)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


# wrk ---------------------------------------------------------------------------------------------------------


def wrk(port, url_file, args):
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "60s"]
    command += ["--latency", "-s", BENCH / "urls.lua", f"http://127.0.0.1:{port}", "--", url_file]
    output = run(command, capture=True)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    stats = json.loads(line[len("BENCH ") :])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    stats["command"] = shlex.join(str(part) for part in command).replace(str(ROOT) + "/", "")
    return stats


def measure(target, port, files, args, scenarios):
    results = {}
    for name in scenarios:
        url_file = files.get((target, name))
        if url_file is None:
            continue
        first = url_file.read_text().splitlines()[0]
        status, size = probe(port, first)
        log(f"{target} {name}: {first} -> {status}, {size} bytes")
        results[name] = wrk(port, url_file, args) | {"status": status, "bytes_first": size, "urls": url_file.name}
        stats = results[name]
        log(f"  {stats['rps']:.1f} req/s, p50 {stats['p50_ms']:.1f} ms, p95 {stats['p95_ms']:.1f} ms")
    return results


# Datasette ---------------------------------------------------------------------------------------------------


def datasette(args, database_url, env, files):
    datasette_bin = DATASETTE_VENV / "bin" / "datasette"
    if not datasette_bin.exists():
        run([sys.executable, "-m", "venv", DATASETTE_VENV])
        run([DATASETTE_VENV / "bin" / "pip", "install", "--quiet", "datasette"])
    version = run([datasette_bin, "--version"], capture=True).strip()
    sqlite_file = DATA / "bench.db"
    started = time.monotonic()
    run([PYTHON, BENCH / "export_sqlite.py", database_url, sqlite_file])
    exported = time.monotonic() - started
    port = args.port + 2
    # suggest_facets off: a deployment would turn off the per-page facet suggestions, which cost queries.
    command = [datasette_bin, "serve", "-i", sqlite_file, "--port", port, "--host", "127.0.0.1"]
    command += ["--setting", "suggest_facets", "off"]
    with open(DATA / "datasette.log", "w") as logfile:
        server = start(command, env, port, logfile)
        try:
            results = measure(
                "datasette",
                port,
                files,
                args,
                [name for name in args.scenarios if name in DATASETTE_SCENARIOS],
            )
            rss = rss_mb(server.pid)
        finally:
            stop(server)
    return {"results": results, "version": version, "rss": rss, "export_seconds": exported, "command": command}


# The report --------------------------------------------------------------------------------------------------


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown",
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return f"{os.cpu_count()} × {cpu}, {int(memory) / 1024 / 1024:.1f} GB RAM, Linux {platform.release()}"


def versions():
    code = (
        "import django, psycopg, gunicorn, sqlite3, sys; "
        "print(f'Python {sys.version.split()[0]}, Django {django.__version__}, psycopg {psycopg.__version__}, "
        "gunicorn {gunicorn.__version__}, SQLite {sqlite3.sqlite_version}')"
    )
    line = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{line}, {wrk_version.split('Copyright')[0].strip()}"


def commit():
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    # Tracked files only: the run's own result files are new and untracked when this is asked.
    status = ["git", "status", "--porcelain", "--untracked-files=no"]
    dirty = subprocess.run(status, cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return head.stdout.strip() + (" with uncommitted changes" if dirty else "")


LABELS = {
    "home": "Home page",
    "list": "List, unfiltered (25 a page, facets)",
    "filtered": "List: dates + place subtree + tag, facets",
    "filtered-tags": "List: dates + place subtree + two tags, facets (counted from the rows)",
    "search": "Full-text search + the same filters, facets",
    "search-word": "Full-text search, one word alone, facets",
    "day": "Day page",
    "statement": "Statement page with its cross-references",
    "testimony": "Testimony page (5,000 different ones)",
    "testimony-popular": "Testimony page, 20 popular ones (each read again and again)",
    "export": "CSV export of ~10,000 rows",
    "ceiling": "Ceiling: bare Django view, 3 KB",
}


def stem(args, facts):
    return f"{datetime.date.today()}-{facts['testimonies']}" + (f"-{args.label}" if args.label else "")


PAGE_CACHE = {
    "memory": "page cache in each worker's memory (the default; every worker renders a page once before it keeps it)",
    "redis": "page cache shared by the workers in Redis (`PAGE_CACHE_URL`, as README recommends for several"
    " processes), emptied before the run",
    "off": "page cache off (`PAGE_CACHE_SECONDS=0`): every request renders its page",
}


# wrk's mean latency above this many times the closed loop's is worth a word under the table.
OMISSION_SHOWN = 1.25


def omission_note(archive, connections):
    """Lines saying where wrk's latencies hold requests it never sent.

    wrk 4 corrects its latencies for coordinated omission (``stats_correct``, run before it prints them): for each
    request slower than twice a connection's mean interval it records the latencies the requests a steady stream of
    readers would have sent meanwhile would have seen. Its own connections wait instead, so their mean is fixed by
    Little's law: connections / throughput. A mean far above that shows how much of a percentile is those added
    requests: on a page served from the page cache, a few first renderings stretched over thousands of them.
    """
    flagged = []
    for name, stats in archive.items():
        if not stats.get("requests"):
            continue
        closed_loop_ms = connections * stats["duration_us"] / 1000 / stats["requests"]
        if stats["mean_ms"] > OMISSION_SHOWN * closed_loop_ms:
            flagged.append(f"{LABELS[name]} (mean {stats['mean_ms']:.1f} ms, its connections' {closed_loop_ms:.1f})")
    if not flagged:
        return []
    return [
        "wrk corrects its latencies for coordinated omission: each slow request adds the latencies a steady "
        "stream of readers would have met meanwhile, requests its own connections never sent. Where its mean "
        "stands more than a quarter above its connections' (connections ÷ throughput, by Little's law), the "
        "percentiles count many of them: " + "; ".join(flagged) + '. See bench/README.md, "Reading the latencies".',
        "",
    ]


def report(args, facts, load, archive, ceiling, peer, rss, commands, explain_file):
    ceiling_rps = ceiling["ceiling"]["rps"]
    lines = [
        f"# Benchmark, {facts['testimonies']:,} testimonies — {datetime.date.today()}",
        "",
        f"Machine: {machine()}. PostgreSQL {facts['server_version']}. {versions()}, "
        f"{peer.get('version', 'Datasette not run')}.",
        f"Code: {commit()}.",
        f"Data: {facts['testimonies']:,} testimonies ({facts['public']:,} public), "
        f"{facts['statements']:,} statements, {facts['places']} places; database {facts['database_size']}, "
        f"testimony table with indexes {facts['testimony_table']}.",
        f"Load: wrk -t{args.threads} -c{args.connections}, {args.duration} s per scenario, each request a URL picked "
        f"at random from the scenario's list (bench/data/urls/). Gunicorn: {args.workers} sync workers "
        f"({'cores + 1' if args.workers == WORKERS else '--workers'}), DEBUG=0, persistent database connections, "
        f"{PAGE_CACHE[args.page_cache]}.",
        "",
        "| page | status | req/s | p50 ms | p95 ms | p99 ms | non-2xx | vs ceiling "
        "| Datasette req/s | Datasette p95 ms | vs Datasette |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    peer_results = peer.get("results", {})
    for name, stats in list(archive.items()) + [("ceiling", ceiling["ceiling"])]:
        theirs = peer_results.get(name)
        their_rps = f"{theirs['rps']:.1f}" if theirs else "—"
        their_p95 = f"{theirs['p95_ms']:.1f}" if theirs else "—"
        ratio = f"{stats['rps'] / theirs['rps']:.2f}" if theirs and theirs["rps"] else "—"
        lines.append(
            f"| {LABELS[name]} | {stats['status']} | {stats['rps']:.1f} | {stats['p50_ms']:.1f} | "
            f"{stats['p95_ms']:.1f} | "
            f"{stats['p99_ms']:.1f} | {stats['non_2xx_3xx']} | {stats['rps'] / ceiling_rps:.2f} | {their_rps} | "
            f"{their_p95} | {ratio} |"
        )
    lines += [
        "",
        "*status* is the answer to the scenario's first URL (the warm-up); a 404 means the page did not exist yet. "
        "*non-2xx* counts such answers during the run: their numbers measure an error page, not the page.",
        "",
        *omission_note(archive, args.connections),
        f"Gunicorn worker resident memory after the run (from /proc): {', '.join(f'{m:.0f}' for m in rss)} MB "
        f"(max {max(rss):.0f} MB). Ceiling workers: {', '.join(f'{m:.0f}' for m in ceiling['rss'])} MB."
        + (f" Datasette process: {peer['rss']:.0f} MB." if peer.get("rss") else ""),
        "",
    ]
    if load:
        lines += [
            f"Generation: {load['generate_output']} Wall time {load['generate_seconds']:.0f} s, "
            f"then VACUUM FULL + ANALYZE {load['vacuum_seconds']:.0f} s.",
            "",
        ]
    if peer.get("export_seconds"):
        lines += [f"SQLite export for Datasette: {peer['export_seconds']:.0f} s.", ""]
    if explain_file:
        lines += [f"Query plans of the list, search and day pages: [{explain_file.name}]({explain_file.name}).", ""]
    if peer_results:
        lines += [
            "Datasette runs with its defaults (sql_time_limit_ms 1000, facet_time_limit_ms 200, one process) except "
            "suggest_facets off, on an "
            "immutable (`-i`) file, with indexes on the filtered columns and FTS5; a facet or count that times out "
            "still answers 200, without it.",
            "",
        ]
    lines += ["## Commands", "", "```sh", *commands, "```", "", "## wrk, per scenario", "", "```sh"]
    lines += [stats["command"] for stats in archive.values()] + [ceiling["ceiling"]["command"]]
    lines += [stats["command"] for stats in peer_results.values()] + ["```", ""]
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stem(args, facts)}.md"
    path.write_text("\n".join(lines))
    json_path = path.with_suffix(".json")
    json_path.write_text(
        json.dumps(
            {"archive": archive, "ceiling": ceiling, "datasette": peer_results, "facts": facts}, indent=2, default=str
        )
    )
    return path


# Main --------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True, help="testimonies to generate")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--reuse", action="store_true", help="measure the database already loaded")
    parser.add_argument("--db", default="bench_archive")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--port", type=int, default=8115, help="archive; +1 ceiling, +2 Datasette")
    parser.add_argument("--duration", type=int, default=30, help="seconds of wrk per scenario")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--skip-datasette", action="store_true")
    parser.add_argument(
        "--page-cache",
        choices=["memory", "redis", "off"],
        default="memory",
        help="the archive's page cache: each worker's memory (the default setting), a shared Redis, or none",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7", help="for --page-cache redis")
    parser.add_argument("--label", default="", help="suffix of the result files, e.g. 'cold'")
    parser.add_argument(
        "--scenarios", nargs="+", choices=SCENARIOS, default=SCENARIOS, help="measure only these (default: all)"
    )
    args = parser.parse_args()
    if args.count < 1:
        parser.error("--count must be at least 1")

    database_url = f"{args.postgres}/{args.db}"
    env = production_env(database_url)
    if args.page_cache == "off":
        env["PAGE_CACHE_SECONDS"] = "0"
    elif args.page_cache == "redis":
        env["PAGE_CACHE_URL"] = args.redis
        import redis  # the bench extra installs it

        redis.Redis.from_url(args.redis).flushdb()  # start cold: every page is rendered once first
    DATA.mkdir(exist_ok=True)
    commands = ["# " + shlex.join(["bench/run.py", *sys.argv[1:]])]
    load = None if args.reuse else create_database(args, env)
    facts = database_facts(database_url)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
    files = write_url_lists(database_url, args.seed)
    explain_file = RESULTS / f"{stem(args, facts)}-plans.md"
    run(
        [
            PYTHON,
            BENCH / "explain.py",
            explain_file,
            files[("archive", "filtered")],
            files[("archive", "filtered-tags")],
            files[("archive", "search")],
            files[("archive", "day")],
        ],
        env,
    )

    scenarios = args.scenarios
    archive_command = gunicorn_command("archive.wsgi:application", args.port, args.workers)
    commands.append(shlex.join(str(p) for p in archive_command).replace(str(ROOT) + "/", ""))
    with open(DATA / "gunicorn-archive.log", "w") as logfile:
        server = start(archive_command, env, args.port, logfile)
        try:
            archive = measure("archive", args.port, files, args, scenarios)
            rss = [rss_mb(pid) for pid in children(server.pid)]
        finally:
            stop(server)

    ceiling_file = DATA / "urls" / "ceiling.txt"
    ceiling_file.write_text("/\n")
    files[("ceiling", "ceiling")] = ceiling_file
    ceiling_command = gunicorn_command("ceiling:application", args.port + 1, args.workers, pythonpath=BENCH)
    commands.append(shlex.join(str(p) for p in ceiling_command).replace(str(ROOT) + "/", ""))
    with open(DATA / "gunicorn-ceiling.log", "w") as logfile:
        server = start(ceiling_command, env, args.port + 1, logfile)
        try:
            ceiling = {"ceiling": measure("ceiling", args.port + 1, files, args, ["ceiling"])["ceiling"]}
            ceiling["rss"] = [rss_mb(pid) for pid in children(server.pid)]
        finally:
            stop(server)

    peer = {} if args.skip_datasette else datasette(args, database_url, env, files)
    if peer:
        commands.append(shlex.join(str(p) for p in peer["command"]).replace(str(ROOT) + "/", ""))
    path = report(args, facts, load, archive, ceiling, peer, [m for m in rss if m], commands, explain_file)
    log(f"Report: {path}")


if __name__ == "__main__":
    main()
