#!/usr/bin/env python3
"""Side-by-side benchmark of the data types (lists, hashes, sets, sorted sets): shoal-server vs
Debian's redis-server (persistence off), alternating A B / B A for --rounds rounds, medians and
Shoal/Redis ratios, printed as the Markdown tables docs/benchmarks.md uses.

Throughput and server CPU: for each server and round, `redis-benchmark -t <test> -c 50 -P 16
-r 100000 -n N --csv` once per test of lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,
in that order on the same server (so the pops find what the pushes left), recording the server's
user+sys CPU time across each run (from /proc) divided by the requests, and the client's CPU
time over its wall time (100% = one core: a single-threaded client at ~100% is the limit). On a 2-core machine the
single-threaded client saturates near 1M requests/s, so ops/s ratios there are capped by the
client; CPU per request is what shows the server's own cost. lrange_100 runs its own LPUSH fill
first: its CPU figure subtracts that fill at the lpush test's per-request cost.

With --client-threads N, redis-benchmark runs N threads (--threads N): where its one thread is
the limit against both servers (at ~100% of a core while neither server is), a second thread
makes the servers the limit; client and server then share the two cores, so a server's CPU per
request decides its throughput.

With --literal, each round instead runs the issue's command exactly as written, once per server
(fresh processes): `redis-benchmark -t <all ten tests> -c 50 -P 16 -r 100000 --csv`, with
redis-benchmark's default of 100,000 requests per test; only ops/s are compared (one invocation
covers every test, so there is no per-test CPU figure), with the ratio of every round.

Memory: on fresh processes, the RSS growth for
  - 100,000 hashes of 10 fields (HSET user:<i> f0 <8 bytes> ... f9 <8 bytes>),
  - one sorted set of 1,000,000 members (ZADD z <i> m:<i>),
  - one list of 1,000,000 short elements (RPUSH l elem:<i>),
each loaded pipelined over one connection.
"""
import argparse
import csv
import io
import os
import resource
import socket
import statistics
import subprocess
import sys
import time

from compare import ROOT, Server, cpu_seconds, rss_bytes

TESTS = "lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100"


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def load(port, commands, batch=1000):
    """Sends commands pipelined in batches and reads (and checks) every reply."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    f = s.makefile("rb")
    try:
        for i in range(0, len(commands), batch):
            chunk = commands[i:i + batch]
            s.sendall(b"".join(chunk))
            for _ in chunk:
                line = f.readline()
                if line.startswith(b"-"):
                    raise RuntimeError(f"load failed: {line!r}")
    finally:
        f.close()
        s.close()


def dataset(name):
    if name == "hashes":
        return [resp("HSET", f"user:{i}", *[x for j in range(10) for x in (f"f{j}", f"v{i % 100000:07d}")])
                for i in range(100_000)], "100,000 hashes × 10 fields"
    if name == "zset":
        return [resp("ZADD", "z", *[x for j in range(i, i + 100) for x in (j, f"m:{j}")])
                for i in range(0, 1_000_000, 100)], "1 zset × 1,000,000 members"
    if name == "list":
        return [resp("RPUSH", "l", *[f"elem:{j}" for j in range(i, i + 100)])
                for i in range(0, 1_000_000, 100)], "1 list × 1,000,000 elements"
    raise ValueError(name)


def run_memory(kind, shoal_bin, threads, name):
    srv = Server(kind, shoal_bin, threads)
    try:
        cmds, label = dataset(name)
        time.sleep(0.3)
        before = rss_bytes(srv.proc.pid)
        load(srv.port, cmds)
        time.sleep(2)  # both allocators get time to return freed pages
        return {"bytes": rss_bytes(srv.proc.pid) - before, "label": label}
    finally:
        srv.stop()


def run_throughput(srv, requests, client_threads=0):
    srv.cli("FLUSHALL")
    out = {}
    for test in TESTS.split(","):
        cpu0 = cpu_seconds(srv.proc.pid)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        threads = ["--threads", str(client_threads)] if client_threads else []
        res = subprocess.run(["redis-benchmark", "-p", str(srv.port), *threads, "-t", test, "-n", str(requests),
                              "-r", "100000", "-c", "50", "-P", "16", "--csv"],
                             capture_output=True, text=True, timeout=1800)
        cpu = cpu_seconds(srv.proc.pid) - cpu0
        wall = time.monotonic() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        client_cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
        rows = list(csv.DictReader(io.StringIO(res.stdout)))
        if not rows:
            raise RuntimeError(f"redis-benchmark printed nothing: {res.stderr}")
        row = rows[-1]
        cpu_us = cpu * 1e6 / requests
        if test == "lrange_100" and "lpush" in out:
            cpu_us -= out["lpush"]["cpu_us"]  # its LPUSH fill ran the same number of requests
        out[test] = {"ops": float(row["rps"]), "p99": float(row["p99_latency_ms"]), "cpu_us": cpu_us,
                     "client_pct": 100 * client_cpu / wall}
    return out


def run_literal(srv):
    """The issue's command as written: all ten tests in one redis-benchmark run, default -n."""
    res = subprocess.run(["redis-benchmark", "-p", str(srv.port), "-t", TESTS, "-c", "50", "-P", "16",
                          "-r", "100000", "--csv"], capture_output=True, text=True, timeout=1800)
    out = {}
    for row in csv.DictReader(io.StringIO(res.stdout)):
        name = row["test"]
        if "needed to benchmark" in name:
            continue  # the LPUSH fill LRANGE runs first
        out[name.split()[0].lower()] = float(row["rps"])
    if len(out) != len(TESTS.split(",")):
        raise RuntimeError(f"redis-benchmark printed {sorted(out)}: {res.stderr}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=1, help="shoal --threads (default 1: the client "
                    "needs the other core of a 2-core machine)")
    ap.add_argument("--client-threads", type=int, default=0, help="redis-benchmark --threads (0: its "
                    "default, one thread, which saturates before either server on some 2-core machines)")
    ap.add_argument("--only", default="", help="comma list of: throughput,hashes,zset,list")
    ap.add_argument("--literal", action="store_true", help="throughput only, as the issue's one "
                    "redis-benchmark command with its default request count (see above)")
    args = ap.parse_args()
    shoal_bin = os.path.join(args.build, "server", "shoal-server")
    only = set(filter(None, args.only.split(",")))
    want = lambda x: not only or x in only
    tput = {"shoal": [], "redis": []}
    mem = {}
    if args.literal:
        runs = {"shoal": [], "redis": []}
        for rnd in range(args.rounds):
            for kind in (("shoal", "redis") if rnd % 2 == 0 else ("redis", "shoal")):
                srv = Server(kind, shoal_bin, args.threads)
                try:
                    runs[kind].append(run_literal(srv))
                finally:
                    srv.stop()
                print(f"round {rnd + 1} {kind:5} " + " ".join(f"{t}={v:.0f}" for t, v in runs[kind][-1].items()),
                      file=sys.stderr)
        print("| test (the issue's command, -n 100000) | Shoal ops/s | Redis ops/s | ops ratio | per round |")
        print("|---|---:|---:|---:|---|")
        for test in runs["shoal"][0]:
            so = statistics.median(r[test] for r in runs["shoal"])
            ro = statistics.median(r[test] for r in runs["redis"])
            per = ", ".join(f"{a[test] / b[test]:.2f}" for a, b in zip(runs["shoal"], runs["redis"]))
            print(f"| {test} | {so:.0f} | {ro:.0f} | {so / ro:.2f} | {per} |")
        return
    for rnd in range(args.rounds):
        order = ("shoal", "redis") if rnd % 2 == 0 else ("redis", "shoal")
        if want("throughput"):
            for kind in order:
                srv = Server(kind, shoal_bin, args.threads)
                try:
                    r = run_throughput(srv, args.requests, args.client_threads)
                finally:
                    srv.stop()
                tput[kind].append(r)
                print(f"round {rnd + 1} {kind:5} " + " ".join(f"{t}={v['ops']:.0f}/{v['cpu_us']:.2f}us"
                                                            for t, v in r.items()), file=sys.stderr)
        for name in ("hashes", "zset", "list"):
            if not want(name):
                continue
            for kind in order:
                r = run_memory(kind, shoal_bin, args.threads, name)
                mem.setdefault((name, kind), []).append(r)
                print(f"round {rnd + 1} memory {name:6} {kind:5} {r['bytes'] / 1e6:.1f} MB", file=sys.stderr)

    if tput["shoal"]:
        client = f" --threads {args.client_threads}" if args.client_threads else ""
        print(f"| test (-P 16 -c 50 -r 100000{client}) | Shoal ops/s | Redis ops/s | ops ratio | Shoal p99 ms "
              "| Redis p99 ms | Shoal CPU µs/req | Redis CPU µs/req | CPU ratio | client CPU % (vs Shoal / Redis) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        med = lambda kind, test, f: statistics.median(r[test][f] for r in tput[kind])
        for test in tput["shoal"][0]:
            so, ro = med("shoal", test, "ops"), med("redis", test, "ops")
            sp, rp = med("shoal", test, "p99"), med("redis", test, "p99")
            sc, rc = med("shoal", test, "cpu_us"), med("redis", test, "cpu_us")
            scl, rcl = med("shoal", test, "client_pct"), med("redis", test, "client_pct")
            print(f"| {test} | {so:.0f} | {ro:.0f} | {so / ro:.2f} | {sp:.3f} | {rp:.3f} "
                  f"| {sc:.2f} | {rc:.2f} | {sc / rc:.2f} | {scl:.0f} / {rcl:.0f} |")
    if mem:
        print("\n| memory (RSS growth) | Shoal MB | Redis MB | ratio |")
        print("|---|---:|---:|---:|")
        for name in ("hashes", "zset", "list"):
            if (name, "shoal") not in mem:
                continue
            s = statistics.median(r["bytes"] for r in mem[(name, "shoal")])
            r_ = statistics.median(r["bytes"] for r in mem[(name, "redis")])
            print(f"| {mem[(name, 'shoal')][0]['label']} | {s / 1e6:.1f} | {r_ / 1e6:.1f} | {s / r_:.2f} |")


if __name__ == "__main__":
    main()
