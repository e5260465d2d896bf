#!/usr/bin/env python3
"""Times the same pages on two running `scrutiny serve` processes, side by side.

    python3 benches/timeweb.py http://127.0.0.1:7901 http://127.0.0.1:7902 '/compare?q=CSE&by=year' ...

The first address is reported as "before", the second as "after". Each page
is fetched once from each to warm up, then N times (environment N, default
20), alternating which server goes first, one request at a time. Prints the
median and the 90th percentile of whole requests (connect, answer, body).
"""

import os
import statistics
import sys
import time
import urllib.request


def fetch(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url) as answer:
        answer.read()
    return (time.perf_counter() - started) * 1000


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    servers = {"before": sys.argv[1].rstrip("/"), "after": sys.argv[2].rstrip("/")}
    rounds = int(os.environ.get("N", "20"))
    for path in sys.argv[3:]:
        for base in servers.values():
            fetch(base + path)
        times = {name: [] for name in servers}
        for turn in range(rounds):
            order = list(servers.items())
            if turn % 2:
                order.reverse()
            for name, base in order:
                times[name].append(fetch(base + path))
        for name, taken in times.items():
            taken.sort()
            p90 = taken[min(len(taken) - 1, int(len(taken) * 0.9))]
            print(f"{path:60s} {name:6s} p50 {statistics.median(taken):8.1f} ms  p90 {p90:8.1f} ms")


if __name__ == "__main__":
    main()
