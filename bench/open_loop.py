#!/usr/bin/env python3
"""Open-loop latency and server CPU of shoal-server under a fixed request rate, per setting.

For every pass, rate and Shoal setting it starts a fresh shoal-server on a free loopback port,
preloads the keys (unmeasured), runs `shoal-bench -c 50 --rate R --duration D` (latency counted
from each request's intended send time) and prints p50/p99/p99.9 and the server's CPU time per
request (user+sys from /proc, 10 ms ticks). Example, the batch-wait figures in
docs/benchmarks.md:

  bench/open_loop.py --rates 5000,20000,50000 --settings "--io-batch-wait-us 0" \\
      "--io-batch-wait-us 100" "--io-batch-wait-us 200" --passes 2
"""
import argparse
import json
import os
import subprocess
import tempfile

from compare import ROOT, Server, cpu_seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rates", default="5000,20000,50000", help="comma list of requests/s")
    ap.add_argument("--settings", nargs="+", default=[""], help="shoal-server options, one string per setting")
    ap.add_argument("--threads", type=int, default=1, help="shoal --threads")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per cell")
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--passes", type=int, default=1)
    args = ap.parse_args()
    shoal_bin = os.path.join(args.build, "server", "shoal-server")
    bench_bin = os.path.join(args.build, "tools", "shoal-bench", "shoal-bench")
    keys = ["--key-max", str(args.keys)]

    for p in range(args.passes):
        for rate in (float(r) for r in args.rates.split(",")):
            for setting in args.settings:
                srv = Server("shoal", shoal_bin, args.threads, setting.split())
                fd, out = tempfile.mkstemp(suffix=".json")
                os.close(fd)
                try:
                    subprocess.run([bench_bin, "-p", str(srv.port), "--preload", "-n", "0", *keys],
                                   capture_output=True, timeout=300, check=True)
                    cpu0 = cpu_seconds(srv.proc.pid)
                    subprocess.run([bench_bin, "-p", str(srv.port), "-c", str(args.clients), "--rate",
                                    str(rate), "--duration", str(args.duration), *keys, "--json", out],
                                   capture_output=True, timeout=args.duration * 10 + 60, check=True)
                    cpu = cpu_seconds(srv.proc.pid) - cpu0
                    with open(out) as f:
                        d = json.load(f)
                finally:
                    srv.stop()
                    os.unlink(out)
                lat, n = d["overall"]["latency_ms"], max(1, d["totals"]["replies"])
                print(f"pass {p + 1} rate {rate:8.0f} [{setting or 'default'}]: p50 {lat['p50']:.3f} "
                      f"p99 {lat['p99']:.3f} p99.9 {lat['p99.9']:.3f} ms, {d['totals']['ops_per_sec']:.0f} "
                      f"ops/s, server CPU {cpu * 1e6 / n:.2f} us/req", flush=True)


if __name__ == "__main__":
    main()
