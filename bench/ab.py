#!/usr/bin/env python3
"""A/B of two shoal-server builds (and redis-server) on one redis-benchmark test.

Each round starts a fresh server per build, optionally prefills it with a redis-benchmark
run, then runs the measured test and reads the server's CPU time from /proc. Rounds
alternate the order (A B R, R B A, ...) so drift on a shared machine hits every side.
Prints one line per run and the medians of ops/s and server CPU µs per request.

Example (an old build checked out with `git worktree add /tmp/oldb HEAD~1`):
  bench/ab.py --a /tmp/oldb/build/server/shoal-server --b build/server/shoal-server \\
      --prefill "-t lpush -n 200000 -P 16" \\
      --test "-t lrange_100 -n 400000 -c 50 -P 16 -r 100000 --threads 2"
"""
import argparse
import csv
import io
import os
import shlex
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare as C  # noqa: E402


def requests_of(args):
    return int(args[args.index("-n") + 1]) if "-n" in args else 100000


def run_one(kind, binary, threads, prefill, test):
    srv = C.Server(kind, binary, threads)
    try:
        if prefill:
            subprocess.run(["redis-benchmark", "-p", str(srv.port), "-q"] + prefill,
                           capture_output=True, timeout=600, check=True)
        c0 = C.cpu_seconds(srv.proc.pid)
        out = subprocess.run(["redis-benchmark", "-p", str(srv.port), "--csv"] + test,
                             capture_output=True, text=True, timeout=600, check=True).stdout
        cpu_us = (C.cpu_seconds(srv.proc.pid) - c0) * 1e6 / requests_of(test)
        rows = list(csv.DictReader(io.StringIO(out)))
        if not rows:
            raise RuntimeError(f"no CSV rows from redis-benchmark: {out!r}")
        return float(rows[-1]["rps"]), cpu_us
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, help="shoal-server binary A (e.g. the old build)")
    ap.add_argument("--b", required=True, help="shoal-server binary B (e.g. the new build)")
    ap.add_argument("--no-redis", action="store_true", help="leave redis-server out")
    ap.add_argument("--threads", type=int, default=1, help="shoal --threads")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--prefill", default="", help="redis-benchmark arguments run before the test")
    ap.add_argument("--test", required=True, help="redis-benchmark arguments of the measured test")
    a = ap.parse_args()
    prefill, test = shlex.split(a.prefill), shlex.split(a.test)
    sides = [("A", "shoal", a.a), ("B", "shoal", a.b)]
    if not a.no_redis:
        sides.append(("redis", "redis", ""))
    res = {name: [] for name, _, _ in sides}
    for rnd in range(a.rounds):
        for name, kind, binary in (sides if rnd % 2 == 0 else sides[::-1]):
            ops, cpu = run_one(kind, binary, a.threads, prefill, test)
            res[name].append((ops, cpu))
            print(f"round {rnd} {name}: {ops:.0f} ops/s, {cpu:.3f} µs CPU/request", flush=True)
    med = {n: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for n, v in res.items()}
    for n, (ops, cpu) in med.items():
        line = f"median {n}: {ops:.0f} ops/s, {cpu:.3f} µs CPU/request"
        if n != "A":
            line += f" (vs A: ops {ops / med['A'][0]:.2f}x, CPU {cpu / med['A'][1]:.2f}x)"
        print(line)


if __name__ == "__main__":
    main()
