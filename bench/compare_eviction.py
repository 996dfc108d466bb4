#!/usr/bin/env python3
"""Side-by-side benchmark of eviction: shoal-server and Debian's redis-server under one maxmemory.

A cache workload far larger than the limit: shoal-bench sends SET:GET 1:4 over --keys keys with a
zipf (exponent 0.8) popularity (the same seed for both servers), 100-byte values, 50 connections, pipeline 16.
Each policy runs in alternation (A B A B ...) for --rounds rounds on fresh servers. Reported
medians: ops/s, server CPU time per request, GET hit ratio (what a cache is for: how well the
policy keeps what will be read again, and how many keys the server fits in the memory), keys
held at the end, evicted keys, and used_memory against maxmemory. allkeys-fifo is Shoal's
only. Output is a Markdown table, the form docs/benchmarks.md uses.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile

from compare import ROOT, Server, cpu_seconds

POLICIES = ["allkeys-lru", "allkeys-lfu", "allkeys-random", "allkeys-fifo"]


def info_fields(srv):
    out = {}
    for line in srv.cli("INFO", "all").splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k] = v.strip()
    return out


def run_one(kind, args, policy):
    srv = Server(kind, os.path.join(args.build, "server", "shoal-server"), args.threads,
                 extra=["--maxmemory", args.maxmemory, "--maxmemory-policy", policy])
    try:
        with tempfile.NamedTemporaryFile(suffix=".json") as js:
            cpu0 = cpu_seconds(srv.proc.pid)
            subprocess.run([os.path.join(args.build, "tools", "shoal-bench", "shoal-bench"),
                            "--port", str(srv.port), "-n", str(args.requests), "--ratio", "1:4",
                            "--key-max", str(args.keys), "--key-pattern", "zipf:0.8", "-d", "100",
                            "-c", "50", "-P", "16", "--seed", "7", "--max-errors", "-1", "--json",
                            js.name], capture_output=True, timeout=1200, check=True)
            cpu = cpu_seconds(srv.proc.pid) - cpu0
            totals = json.load(open(js.name))["totals"]
        f = info_fields(srv)
        keys = sum(int(v.split(",")[0].split("=")[1]) for k, v in f.items() if k.startswith("db"))
        return {"ops": totals["ops_per_sec"], "cpu_us": cpu * 1e6 / args.requests,
                "hit": totals["hit_ratio"], "keys": keys, "evicted": int(f["evicted_keys"]),
                "used_mb": int(f["used_memory"]) / 2**20, "errors": totals["error_replies"]}
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=2_000_000)
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--maxmemory", default="16mb")
    ap.add_argument("--threads", type=int, default=1, help="shoal --threads")
    ap.add_argument("--policies", default=",".join(POLICIES))
    args = ap.parse_args()
    results = {}
    for rnd in range(args.rounds):
        for policy in args.policies.split(","):
            kinds = ["shoal", "redis"] if rnd % 2 == 0 else ["redis", "shoal"]
            for kind in kinds:
                if kind == "redis" and "fifo" in policy:
                    continue
                r = run_one(kind, args, policy)
                results.setdefault((policy, kind), []).append(r)
                print(f"round {rnd + 1} {policy:15} {kind:5} {r['ops']:9.0f} ops/s  cpu {r['cpu_us']:.2f} us/req"
                      f"  hit {r['hit']:.3f}  keys {r['keys']}  evicted {r['evicted']}"
                      f"  used {r['used_mb']:.1f} MB  errors {r['errors']}", flush=True)

    def med(policy, kind, field):
        return statistics.median(r[field] for r in results[(policy, kind)])

    print(f"\n| policy (maxmemory {args.maxmemory}) | Shoal ops/s | Redis ops/s | ops ratio | Shoal CPU µs/req "
          "| Redis CPU µs/req | CPU ratio | Shoal hit ratio | Redis hit ratio | Shoal keys | Redis keys "
          "| Shoal used MB | Redis used MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for policy in args.policies.split(","):
        s = {f: med(policy, "shoal", f) for f in ("ops", "cpu_us", "hit", "keys", "used_mb")}
        if (policy, "redis") in results:
            r = {f: med(policy, "redis", f) for f in ("ops", "cpu_us", "hit", "keys", "used_mb")}
            print(f"| {policy} | {s['ops']:.0f} | {r['ops']:.0f} | {s['ops'] / r['ops']:.2f} | {s['cpu_us']:.2f} "
                  f"| {r['cpu_us']:.2f} | {s['cpu_us'] / r['cpu_us']:.2f} | {s['hit']:.3f} | {r['hit']:.3f} "
                  f"| {s['keys']:.0f} | {r['keys']:.0f} | {s['used_mb']:.1f} | {r['used_mb']:.1f} |")
        else:
            print(f"| {policy} | {s['ops']:.0f} | – | – | {s['cpu_us']:.2f} | – | – | {s['hit']:.3f} | – "
                  f"| {s['keys']:.0f} | – | {s['used_mb']:.1f} | – |")


if __name__ == "__main__":
    main()
