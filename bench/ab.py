"""Two versions of the archive measured side by side, interleaved, on the same database: A, B, A, B.

    git worktree add /tmp/old <commit>          # the code before a change (collectstatic runs here, as run.py does)
    .venv/bin/python bench/ab.py /tmp/old . --db h_perf_bench_1m --out bench/results/<date>-<N>-<label>-ab.md

On a noisy machine (the same code measures ±15 % between runs minutes apart) a campaign against an older campaign
cannot show a 10-20 % change; two versions alternated within the same minutes can. Each version is served by the
same gunicorn command as run.py's (production settings, the page cache off unless ``--page-cache`` says so) from its
own checkout, and each scenario is driven by the same wrk command and URL lists (``bench/data/urls``, written by
run.py). The database must be migrated for the newer version; the older one must still run on it.

``--db-b`` gives B a database of its own: the same code on two layouts of the same rows (say, a column's storage
changed on a copy made with ``CREATE DATABASE … TEMPLATE``), alternated the same way. ``--workers-b`` gives B its own
number of gunicorn workers: the same code served two ways (``bench/ab.py . . --workers 5 --workers-b 3``).
"""

import argparse
import datetime
import json
import shlex
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402

SCENARIOS = ["filtered", "search", "list", "day", "testimony"]


def serve_and_measure(root, args, env, files, workers):
    run.ROOT = root
    run.run([run.PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)  # in that checkout
    command = run.gunicorn_command("archive.wsgi:application", args.port, workers)
    with open(run.DATA / f"gunicorn-ab-{root.name}.log", "w") as logfile:
        server = run.start(command, env, args.port, logfile)
        try:
            return run.measure("archive", args.port, files, args, args.scenarios)
        finally:
            run.stop(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="checkout of the first version (the older one)")
    parser.add_argument("b", type=Path, help="checkout of the second version")
    parser.add_argument("--db", default="bench_archive")
    parser.add_argument("--db-b", help="B's database, if not --db: the same rows laid out differently")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--scenarios", nargs="+", default=SCENARIOS)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--workers", default=str(run.WORKERS))
    parser.add_argument("--workers-b", help="B's number of gunicorn workers, if not --workers")
    parser.add_argument("--port", type=int, default=8130)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--page-cache", choices=["off", "memory"], default="off")
    parser.add_argument("--out", type=Path, required=True, help="Markdown file for the table")
    args = parser.parse_args()

    databases = {"a": args.db, "b": args.db_b or args.db}
    workers = {"a": args.workers, "b": args.workers_b or args.workers}
    envs = {key: run.production_env(f"{args.postgres}/{name}") for key, name in databases.items()}
    for env in envs.values():
        if args.page_cache == "off":
            env["PAGE_CACHE_SECONDS"] = "0"
    urls = run.DATA / "urls"
    files = {("archive", name): urls / f"archive-{name}.txt" for name in args.scenarios}
    missing = [str(path) for path in files.values() if not path.exists()]
    if missing:
        parser.error(f"no URL list {', '.join(missing)}: run bench/run.py once first")

    versions = {"a": args.a.resolve(), "b": args.b.resolve()}
    found = {}  # (round, version) -> {scenario: stats}
    for number in range(1, args.rounds + 1):
        for key, root in versions.items():
            run.log(f"round {number}, {key}: {root} on {databases[key]}, {workers[key]} workers")
            found[(number, key)] = serve_and_measure(root, args, envs[key], files, workers[key])

    labels = {key: run_commit(root) for key, root in versions.items()}
    if databases["a"] != databases["b"]:
        labels = {key: f"{label} on `{databases[key]}`" for key, label in labels.items()}
    if workers["a"] != workers["b"]:
        labels = {key: f"{label}, {workers[key]} workers" for key, label in labels.items()}
    rounds = range(1, args.rounds + 1)
    named = " and ".join(f"`{name}`" for name in dict.fromkeys(databases.values()))
    served = " / ".join(dict.fromkeys(workers.values()))
    lines = [
        f"# A/B: {labels['a']} → {labels['b']}",
        "",
        f"{datetime.date.today()}, database {named}, page cache {args.page_cache}, "
        f"{served} gunicorn workers, `wrk -t{args.threads} -c{args.connections} -d{args.duration}s` "
        f"per scenario, versions alternated {args.rounds} times (A, B, A, B…). Command: `{shlex.join(sys.argv)}`",
        "",
        "| page | "
        + " | ".join(f"A req/s, run {n}" for n in rounds)
        + " | "
        + " | ".join(f"B req/s, run {n}" for n in rounds)
        + " | p95 ms, last run: A → B |",
        "|---|" + "---:|" * (2 * args.rounds + 1),
    ]
    for name in args.scenarios:
        a = [found[(n, "a")][name] for n in rounds]
        b = [found[(n, "b")][name] for n in rounds]
        cells = [f"{s['rps']:.1f}" for s in a] + [f"{s['rps']:.1f}" for s in b]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {a[-1]['p95_ms']:.0f} → {b[-1]['p95_ms']:.0f} |")
    args.out.write_text("\n".join(lines) + "\n")
    raw = {f"{n}-{key}": stats for (n, key), stats in found.items()}
    args.out.with_suffix(".json").write_text(json.dumps({"versions": labels, "runs": raw}, indent=1))
    run.log(f"Report: {args.out}")


def run_commit(root):
    described = run.subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%h"], capture_output=True, text=True, check=False
    )
    return described.stdout.strip() or str(root)


if __name__ == "__main__":
    main()
