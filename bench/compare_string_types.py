#!/usr/bin/env python3
"""Side-by-side benchmark of the commands beyond the core and collection figures (bitmaps,
HyperLogLog, growing strings, geo): shoal-server vs Debian's redis-server
(persistence off), alternating A B / B A for --rounds rounds; medians and Shoal/Redis ratios of
ops/s and of server CPU time per request (user+sys from /proc), printed as a Markdown table.

Each workload is one `shoal-bench -c 50 -P 16 --command ...` run on fresh data (redis-benchmark
cannot be used: its __rand_int__ is zero-padded, and bit offsets with leading zeros are refused by
both servers). <rand> is a uniform number with no padding:
  setbit      SETBIT bm <rand 0..8M> 1              (bits of a 1 MB bitmap)
  getbit      GETBIT bm <rand 0..8M>                (in a 1 MB string)
  bitfield    BITFIELD bm INCRBY u8 <rand> 1        (8-bit counters in the 1 MB string)
  bitcount    BITCOUNT bm                           (the whole 1 MB string per request)
  bitpos      BITPOS sparse 1                       (1 MB of zeros then one set bit)
  bitop       BITOP AND dst bm bm2                  (two 64 KB strings)
  append      APPEND s<rand 0..999> <100 bytes>     (1000 strings growing to ~100 KB)
  pfadd       PFADD hll <rand 0..10M>               (one dense HLL)
  pfadd-new   PFADD h<rand 0..1M> a b c             (a million small sparse HLLs)
  pfcount     PFCOUNT hll hll2                      (the union of two dense HLLs, per request)
  pfmerge     PFMERGE dst hll hll2                  (into a dense destination)
  geoadd      GEOADD geo <rand 0..179> 45 m<same>   (members moved about)
  geosearch   GEOSEARCH geo FROMMEMBER p<rand> BYRADIUS 2 km          (20,000 points in a 1 x 1
              degree square: ~30 results each)
  geosearch-count  GEOSEARCH geo FROMMEMBER p<rand> BYRADIUS 5 km ASC COUNT 10 WITHDIST
  geodist     GEODIST geo p<rand> p1 km
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys

from compare import ROOT, Server, cpu_seconds

MB = 1 << 20

def _geo_points():
    rng = random.Random(1)
    cmds = []
    for start in range(0, 20_000, 5_000):
        cmd = ["GEOADD", "geo"]
        for i in range(start, start + 5_000):
            cmd += [f"{10 + rng.random():.6f}", f"{45 + rng.random():.6f}", f"p{i}"]
        cmds.append(cmd)
    return cmds


GEO_POINTS = _geo_points()

WORKLOADS = {
    # name: (setup commands, benchmark command, requests, -r keyspace)
    "setbit": ([], "SETBIT bm __key__ 1", 2_000_000, 8 * MB),
    "getbit": ([["SETRANGE", "bm", str(MB - 1), "x"]], "GETBIT bm __key__", 2_000_000, 8 * MB),
    "bitfield": ([["SETRANGE", "bm", str(MB - 1), "x"]], "BITFIELD bm INCRBY u8 __key__ 1", 1_000_000,
                 8 * MB - 8),
    "bitcount": ([["SETRANGE", "bm", str(MB - 1), "x"]], "BITCOUNT bm", 20_000, 1),
    "bitpos": ([["SETBIT", "sparse", str(8 * MB - 1), "1"]], "BITPOS sparse 1", 20_000, 1),
    "bitop": ([["SETRANGE", "bm", str(64 * 1024 - 1), "x"], ["SETRANGE", "bm2", str(64 * 1024 - 1), "y"]],
              "BITOP AND dst bm bm2", 100_000, 1),
    "append": ([], "APPEND s__key__ " + "x" * 100, 1_000_000, 1000),
    "pfadd": ([], "PFADD hll __key__", 2_000_000, 10_000_000),
    "pfadd-new": ([], "PFADD h__key__ a b c", 1_000_000, 1_000_000),
    "pfcount": ([["PFADD", "hll"] + [f"x{i}" for i in range(3000)],
                 ["PFADD", "hll2"] + [f"y{i}" for i in range(3000)]], "PFCOUNT hll hll2", 100_000, 1),
    "geoadd": ([], "GEOADD geo __key__ 45 m__key__", 1_000_000, 180),
    "geosearch": (GEO_POINTS, "GEOSEARCH geo FROMMEMBER p__key__ BYRADIUS 2 km", 200_000, 20_000),
    "geosearch-count": (GEO_POINTS, "GEOSEARCH geo FROMMEMBER p__key__ BYRADIUS 5 km ASC COUNT 10 WITHDIST",
                        200_000, 20_000),
    "geodist": (GEO_POINTS, "GEODIST geo p__key__ p1 km", 1_000_000, 20_000),
    "pfmerge": ([["PFADD", "hll"] + [f"x{i}" for i in range(3000)],
                 ["PFADD", "hll2"] + [f"y{i}" for i in range(3000)]], "PFMERGE dst hll hll2", 100_000, 1),
}


def run(srv, bench_bin, name):
    setup, command, requests, keyspace = WORKLOADS[name]
    srv.cli("FLUSHALL")
    for c in setup:
        srv.cli(*c)
    out_json = os.path.join(srv.dir, "bench.json")
    cmd = [bench_bin, "--port", str(srv.port), "-n", str(requests), "-c", "50", "-P", "16",
           "--key-prefix", "", "--key-min", "0", "--key-max", str(keyspace - 1), "--command", command,
           "--seed", "1", "--json", out_json]
    cpu0 = cpu_seconds(srv.proc.pid)
    subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=True)
    cpu = cpu_seconds(srv.proc.pid) - cpu0
    with open(out_json) as f:
        totals = json.load(f)["totals"]
    if totals["errors"] or totals["replies"] != requests:
        raise RuntimeError(f"{name}: {totals}")
    return {"ops": totals["ops_per_sec"], "cpu_us": cpu * 1e6 / requests}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="shoal-server --threads")
    ap.add_argument("--only", default="", help="comma list of workloads")
    args = ap.parse_args()
    shoal_bin = os.path.join(args.build, "server", "shoal-server")
    bench_bin = os.path.join(args.build, "tools", "shoal-bench", "shoal-bench")
    names = [n for n in WORKLOADS if not args.only or n in args.only.split(",")]
    results = {}
    for r in range(args.rounds):
        order = ["shoal", "redis"] if r % 2 == 0 else ["redis", "shoal"]
        for kind in order:
            srv = Server(kind, shoal_bin, args.threads)
            try:
                for n in names:
                    res = run(srv, bench_bin, n)
                    results.setdefault((n, kind), []).append(res)
                    print(f"round {r + 1} {kind} {n}: {res['ops']:.0f} ops/s, {res['cpu_us']:.2f} us/req",
                          file=sys.stderr, flush=True)
            finally:
                srv.stop()
    print("| workload | Shoal ops/s | Redis ops/s | ops ratio | Shoal CPU µs/req | Redis CPU µs/req | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for n in names:
        med = {k: {m: statistics.median(x[m] for x in results[(n, k)]) for m in ("ops", "cpu_us")}
               for k in ("shoal", "redis")}
        s, rd = med["shoal"], med["redis"]
        print(f"| {n} | {s['ops']:.0f} | {rd['ops']:.0f} | {s['ops'] / rd['ops']:.2f} | {s['cpu_us']:.2f} | "
              f"{rd['cpu_us']:.2f} | {s['cpu_us'] / rd['cpu_us']:.2f} |")


if __name__ == "__main__":
    main()
