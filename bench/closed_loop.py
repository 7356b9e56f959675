"""A closed-loop load: N threads, each asking for a random URL of a list on a new connection, then the next, timing
every answer. Prints the throughput and the latencies as measured, with no correction for coordinated omission.

wrk adds to its latencies those a steady stream of readers would have met while a slow request held a connection
(bench/README.md, "Reading the latencies"). Run beside it on a fresh server, this shows what the connections
themselves waited. It is Python: it takes some of the cores it measures, so its throughput is lower than wrk's.

    .venv/bin/python bench/closed_loop.py http://127.0.0.1:8115 bench/data/urls/archive-search-word.txt --duration 20
"""

import argparse
import http.client
import random
import threading
import time
import urllib.parse


def percentile(ordered, fraction):
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("server", help="e.g. http://127.0.0.1:8115")
    parser.add_argument("urls", help="a file of paths, one a line (bench/data/urls/)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds")
    args = parser.parse_args()
    server = urllib.parse.urlsplit(args.server)
    with open(args.urls) as lines:
        paths = [line.strip() for line in lines if line.strip()]
    if not paths:
        parser.error(f"{args.urls} holds no paths")

    latencies, failures, lock = [], [], threading.Lock()
    stop = time.monotonic() + args.duration

    def connection_loop(number):
        rng = random.Random(1000 + number)  # a fixed sequence per connection, as bench/urls.lua does
        mine, failed = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn = http.client.HTTPConnection(server.hostname, server.port or 80, timeout=60)
            try:
                conn.request("GET", paths[rng.randrange(len(paths))])
                response = conn.getresponse()
                response.read()
                failed += response.status >= 400
            finally:
                conn.close()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            failures.append(failed)

    threads = [threading.Thread(target=connection_loop, args=(n,)) for n in range(args.connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    count = len(latencies)
    print(
        f"{count} requests in {elapsed:.1f} s: {count / elapsed:.1f} req/s, {sum(failures)} answers >= 400; "
        f"latency ms mean {sum(latencies) / count:.1f}, p50 {percentile(latencies, 0.5):.1f}, "
        f"p95 {percentile(latencies, 0.95):.1f}, p99 {percentile(latencies, 0.99):.1f}, max {latencies[-1]:.1f}"
    )


if __name__ == "__main__":
    main()
