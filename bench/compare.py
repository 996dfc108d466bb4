#!/usr/bin/env python3
"""Side-by-side benchmark of shoal-server and Debian's redis-server (persistence off).

Starts both on free loopback ports, runs each workload against them in alternation
(A B A B ...) for --rounds rounds, and prints medians and Shoal/Redis ratios of ops/s, p99 and
server CPU time per request (user+sys of the server process from /proc, divided by requests).
The memory workload loads N keys (12-byte keys, 100-byte values) and reports RSS growth per key.
Output is a Markdown table, the form docs/benchmarks.md uses.
"""
import argparse
import csv
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Server:
    def __init__(self, kind, shoal_bin, threads, extra=()):
        self.kind, self.port = kind, free_port()
        self.dir = tempfile.mkdtemp(prefix=f"cmp-{kind}-")
        if kind == "shoal":
            cmd = [shoal_bin, "--port", str(self.port), "--bind", "127.0.0.1"]
            if threads:
                cmd += ["--threads", str(threads)]
        else:
            cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", self.dir]
        cmd += list(extra)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{kind} did not start")

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True,
                              text=True, timeout=120).stdout

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_redis_benchmark(srv, test, requests, pipeline, clients, keyspace, size):
    srv.cli("FLUSHALL")
    if test == "get":  # GETs should hit: fill the keyspace first (not measured)
        subprocess.run(["redis-benchmark", "-p", str(srv.port), "-t", "set", "-n", str(keyspace),
                        "-r", str(keyspace), "-d", str(size), "-c", "50", "-P", "64", "-q"],
                       capture_output=True, timeout=600)
    cpu0 = cpu_seconds(srv.proc.pid)
    out = subprocess.run(["redis-benchmark", "-p", str(srv.port), "-t", test, "-n", str(requests),
                          "-r", str(keyspace), "-d", str(size), "-c", str(clients), "-P",
                          str(pipeline), "--csv"], capture_output=True, text=True, timeout=1200)
    cpu = cpu_seconds(srv.proc.pid) - cpu0
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    if not rows:
        raise RuntimeError(f"redis-benchmark printed nothing: {out.stderr}")
    row = rows[-1]
    return {"ops": float(row["rps"]), "p99": float(row["p99_latency_ms"]),
            "cpu_us": cpu * 1e6 / requests}


def run_memory(kind, shoal_bin, threads, bench_bin, keys):
    # A fresh process: after FLUSHALL the allocator keeps freed pages, which would hide growth.
    srv = Server(kind, shoal_bin, threads)
    try:
        return measure_memory(srv, bench_bin, keys)
    finally:
        srv.stop()


def measure_memory(srv, bench_bin, keys):
    time.sleep(0.3)
    before = rss_bytes(srv.proc.pid)
    # 12-byte keys "k:1000000000".."k:1000999999", 100-byte values, each key written once.
    subprocess.run([bench_bin, "--port", str(srv.port), "--key-prefix", "k:", "--key-min",
                    "1000000000", "--key-max", str(1000000000 + keys - 1), "--key-pattern",
                    "sequential", "--ratio", "1:0", "-n", str(keys), "-d", "100", "-c", "50",
                    "-P", "32"], capture_output=True, timeout=600, check=True)
    time.sleep(0.5)
    dbsize = int(srv.cli("DBSIZE").strip() or 0)
    return {"bytes_per_key": (rss_bytes(srv.proc.pid) - before) / max(1, dbsize), "keys": dbsize}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=2_000_000)
    ap.add_argument("--requests-p1", type=int, default=500_000, help="requests for -P 1 runs")
    ap.add_argument("--keyspace", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=0, help="shoal --threads (0: its default)")
    ap.add_argument("--memory-keys", type=int, default=1_000_000)
    ap.add_argument("--plot", default="", help="write a PNG of throughput and p99 per workload (needs gnuplot)")
    ap.add_argument("--only", default="", help="comma list: set-p16,get-p16,set-p1,get-p1,memory")
    ap.add_argument("--shoal-args", default="", help="more shoal-server options, e.g. '--io-batch-wait-us 100'")
    args = ap.parse_args()
    shoal_extra = args.shoal_args.split()
    shoal_bin = os.path.join(args.build, "server", "shoal-server")
    bench_bin = os.path.join(args.build, "tools", "shoal-bench", "shoal-bench")

    workloads = [("set-p16", "set", 16), ("get-p16", "get", 16), ("set-p1", "set", 1), ("get-p1", "get", 1)]
    only = set(filter(None, args.only.split(",")))
    results = {}  # (workload, kind) -> list of dicts
    servers = {k: Server(k, shoal_bin, args.threads, shoal_extra if k == "shoal" else ())
               for k in ("shoal", "redis")}
    try:
        for rnd in range(args.rounds):
            order = ("shoal", "redis") if rnd % 2 == 0 else ("redis", "shoal")
            for name, test, pipe in workloads:
                if only and name not in only:
                    continue
                n = args.requests if pipe > 1 else args.requests_p1
                for kind in order:
                    r = run_redis_benchmark(servers[kind], test, n, pipe, 50, args.keyspace, 100)
                    results.setdefault((name, kind), []).append(r)
                    print(f"round {rnd + 1} {name:8} {kind:5} {r['ops']:>10.0f} ops/s  p99 {r['p99']:.3f} ms  "
                          f"cpu {r['cpu_us']:.2f} us/req", file=sys.stderr)
            if not only or "memory" in only:
                for kind in order:
                    r = run_memory(kind, shoal_bin, args.threads, bench_bin, args.memory_keys)
                    results.setdefault(("memory", kind), []).append(r)
                    print(f"round {rnd + 1} memory   {kind:5} {r['bytes_per_key']:.1f} bytes/key ({r['keys']} keys)",
                          file=sys.stderr)
    finally:
        for s in servers.values():
            s.stop()

    med = lambda name, kind, f: statistics.median(r[f] for r in results[(name, kind)])
    if args.plot:
        plot(args.plot, [(name, med(name, "shoal", "ops"), med(name, "redis", "ops"),
                          med(name, "shoal", "p99"), med(name, "redis", "p99"))
                         for name, _, _ in workloads if (name, "shoal") in results])
    print("| workload | Shoal ops/s | Redis ops/s | ops ratio | Shoal p99 ms | Redis p99 ms | p99 ratio "
          "| Shoal CPU µs/req | Redis CPU µs/req | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, _, _ in workloads:
        if (name, "shoal") not in results:
            continue
        so, ro = med(name, "shoal", "ops"), med(name, "redis", "ops")
        sp, rp = med(name, "shoal", "p99"), med(name, "redis", "p99")
        sc, rc = med(name, "shoal", "cpu_us"), med(name, "redis", "cpu_us")
        print(f"| {name} | {so:.0f} | {ro:.0f} | {so / ro:.2f} | {sp:.3f} | {rp:.3f} | {sp / rp:.2f} "
              f"| {sc:.2f} | {rc:.2f} | {sc / rc:.2f} |")
    if ("memory", "shoal") in results:
        sm, rm = med("memory", "shoal", "bytes_per_key"), med("memory", "redis", "bytes_per_key")
        print(f"\n| memory ({args.memory_keys} keys, 12 B keys, 100 B values) | Shoal B/key | Redis B/key | ratio |")
        print("|---|---:|---:|---:|")
        print(f"| RSS growth | {sm:.1f} | {rm:.1f} | {sm / rm:.2f} |")


def plot(path, rows):
    """Two panels of clustered bars (Shoal beside Redis): ops/s and p99 latency per workload."""
    if not shutil.which("gnuplot"):
        print("--plot: gnuplot not found (apt-get install gnuplot-nox)", file=sys.stderr)
        return
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as dat:
        dat.write("workload shoal_ops redis_ops shoal_p99 redis_p99\n")
        for r in rows:
            dat.write(f"{r[0]} {r[1]:.0f} {r[2]:.0f} {r[3]:.3f} {r[4]:.3f}\n")
    script = f"""
set terminal pngcairo size 1100,450 font ',10'
set output '{path}'
set multiplot layout 1,2 title 'shoal-server vs redis-server 7.0 (medians, redis-benchmark -c 50 -d 100 -r 1000000)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top left autotitle columnhead
set grid ytics
set yrange [0:*]
set title 'throughput (ops/s, higher is better)'
plot '{dat.name}' using 2:xtic(1) title 'Shoal', '' using 3 title 'Redis'
set title 'p99 latency (ms, lower is better)'
plot '{dat.name}' using 4:xtic(1) title 'Shoal', '' using 5 title 'Redis'
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.unlink(dat.name)
    print(f"plot written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
