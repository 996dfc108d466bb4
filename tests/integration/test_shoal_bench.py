"""shoal-bench end to end: short runs against redis-server and shoal-server, checking the JSON report,
hit/miss accounting against what was preloaded, errors, lost connections and exit codes."""
import json
import os
import subprocess
import tempfile

import pytest

import serverproc
from serverproc import ServerProc

RUN_TIMEOUT = 30  # Every run below is meant to take well under 3 s; this only stops a hang.


def bench_binary():
    path = os.environ.get("SHOAL_BENCH",
                          os.path.join(serverproc.BUILD_DIR, "tools", "shoal-bench", "shoal-bench"))
    if not os.path.exists(path):
        raise RuntimeError(f"shoal-bench not built at {path} (set SHOAL_BENCH or SHOAL_BUILD_DIR)")
    return path


@pytest.fixture(scope="module", params=["redis", "shoal"])
def server(request):
    args = []
    if request.param == "shoal":
        try:
            serverproc.shoal_binary()
        except RuntimeError as e:
            pytest.skip(str(e))
        args = ["--threads", "2"]
    with ServerProc(request.param, args=args) as s:
        yield s


@pytest.fixture
def db(server):
    c = server.client()
    c.flushall()
    yield c
    c.close()


class Run:
    def __init__(self, proc, report):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.report = report

    def command(self, name):
        return next(c for c in self.report["commands"] if c["name"] == name)


def bench(server, *args, expect_rc=0, json_out=True):
    """Runs shoal-bench against `server` and returns its exit code, output and parsed JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.json")
        cmd = [bench_binary(), "--host", server.host, "--port", str(server.port), "--seed", "7"]
        if json_out:
            cmd += ["--json", path]
        cmd += [str(a) for a in args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        report = None
        if json_out and os.path.exists(path):
            with open(path) as f:
                report = json.load(f)
    run = Run(proc, report)
    if expect_rc is not None:
        assert run.rc == expect_rc, f"rc={run.rc}\nstdout:\n{run.out}\nstderr:\n{run.err}"
    return run


LATENCY_KEYS = {"min", "mean", "stddev", "p50", "p90", "p99", "p99.9", "p99.99", "max"}


def check_latency(lat, hist, replies):
    assert set(lat) == LATENCY_KEYS
    assert 0 < lat["min"] <= lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["p99.9"] <= lat["p99.99"] <= lat["max"]
    assert hist["unit"] == "ns" and hist["significant_digits"] == 3
    assert hist["count"] == replies
    assert sum(b[2] for b in hist["buckets"]) == replies
    for lo, hi, n in hist["buckets"]:
        assert lo <= hi and n > 0 and (hi - lo + 1) <= max(1, lo // 1024)
    # The maximum is exact; it lies in the last bucket.
    assert hist["buckets"][-1][0] <= lat["max"] * 1e6 <= hist["buckets"][-1][1] + 1


def test_json_report_fields(server, db):
    r = bench(server, "-c", "4", "-P", "4", "-n", "4000", "--ratio", "1:3", "--key-max", "500")
    rep = r.report
    assert rep["tool"] == "shoal-bench"
    cfg = rep["config"]
    assert cfg["port"] == server.port and cfg["connections"] == 4 and cfg["pipeline"] == 4
    assert cfg["requests"] == 4000 and cfg["ratio"] == [1, 3] and cfg["mode"] == "max-rate"
    assert cfg["key_min"] == 1 and cfg["key_max"] == 500 and cfg["seed"] == 7
    t = rep["totals"]
    assert t["sent"] == t["replies"] == 4000
    assert t["errors"] == t["error_replies"] == t["lost_requests"] == t["connections_lost"] == 0
    assert t["ops_per_sec"] > 0 and t["elapsed_s"] > 0 and not t["aborted"]
    assert [c["name"] for c in rep["commands"]] == ["SET", "GET"]
    s, g = r.command("SET"), r.command("GET")
    assert s["replies"] == 1000 and g["replies"] == 3000  # 1:3 interleaved exactly.
    assert "hits" not in s and g["hits"] + g["misses"] == g["replies"]
    assert t["hits"] == g["hits"] and t["misses"] == g["misses"]
    for c in rep["commands"]:
        check_latency(c["latency_ms"], c["histogram"], c["replies"])
    check_latency(rep["overall"]["latency_ms"], rep["overall"]["histogram"], 4000)
    assert rep["error_messages"] == [] and rep["connection_events"] == []
    # The summary table is printed too; no progress line when stdout is not a terminal.
    assert "ALL" in r.out and "p99.99" in r.out and "\r" not in r.out


def test_preload_then_every_get_hits(server, db):
    r = bench(server, "--preload", "--key-min", "1", "--key-max", "1000", "--ratio", "0:1", "-n", "5000",
              "-c", "5", "-P", "8", "-d", "32")
    assert r.report["preload"]["keys"] == 1000 and r.report["preload"]["errors"] == 0
    g = r.command("GET")
    assert g["replies"] == 5000 and g["hits"] == 5000 and g["misses"] == 0
    assert db.dbsize() == 1000
    assert len(db.get("key:1")) == 32 and db.get("key:1000") is not None and db.get("key:1001") is None


def test_hit_ratio_matches_preloaded_fraction(server, db):
    # Fill keys 1..1000 only (--requests 0: preload and stop), then GET over 1..2000.
    r = bench(server, "--preload", "--requests", "0", "--key-min", "1", "--key-max", "1000")
    assert r.report["preload"]["keys"] == 1000 and r.report["totals"]["replies"] == 0
    assert db.dbsize() == 1000
    r = bench(server, "--ratio", "0:1", "--key-min", "1", "--key-max", "2000", "-n", "20000", "-P", "4")
    g = r.command("GET")
    assert g["replies"] == 20000 and g["errors"] == 0
    assert g["hits"] + g["misses"] == 20000
    assert 0.46 < g["hits"] / 20000 < 0.54
    assert r.report["totals"]["hit_ratio"] == pytest.approx(g["hits"] / 20000)
    # Sequential over the same range visits every key once: exactly half hit.
    r = bench(server, "--ratio", "0:1", "--key-pattern", "sequential", "--key-min", "1", "--key-max", "2000",
              "-n", "2000", "-c", "1")
    g = r.command("GET")
    assert g["hits"] == 1000 and g["misses"] == 1000


@pytest.mark.parametrize("pattern", ["uniform", "sequential", "zipf", "zipf:1.5", "gaussian", "gaussian:0.05"])
def test_key_patterns_stay_in_range(server, db, pattern):
    r = bench(server, "--ratio", "1:0", "--key-pattern", pattern, "--key-min", "100", "--key-max", "199",
              "-n", "1000", "-c", "2", "--key-prefix", "kp:")
    assert r.report["config"]["key_pattern"].split(":")[0] == pattern.split(":")[0]
    keys = {k.decode() for k in db.keys("*")}
    assert keys and all(k.startswith("kp:") and 100 <= int(k[3:]) <= 199 for k in keys)
    if pattern.startswith("zipf"):
        assert "kp:100" in keys  # The hottest rank is --key-min.


def test_expiry_range_sets_ttls(server, db):
    bench(server, "--ratio", "1:0", "--expiry-range", "100-200", "--key-max", "50", "-n", "500", "-c", "2")
    keys = db.keys("*")
    assert len(keys) == 50
    for k in keys:
        assert 90 <= db.ttl(k) <= 200


def test_command_templates(server, db):
    r = bench(server, "--command", "APPEND h:__key__ __data__", "--command", "SET s:__key__ x EX __expiry__",
              "--expiry-range", "1000", "-d", "7", "--key-max", "20", "-n", "400", "-c", "2")
    assert [c["name"] for c in r.report["commands"]] == ["APPEND", "SET"]
    assert r.command("APPEND")["replies"] == 200 and r.command("SET")["replies"] == 200
    assert r.command("APPEND")["template"] == "APPEND h:__key__ __data__"
    assert db.type("h:key:1") == b"string" and len(db.get("h:key:1")) % 7 == 0
    assert 990 <= db.ttl("s:key:1") <= 1000


def test_select_db(server, db):
    bench(server, "--db", "3", "--ratio", "1:0", "--key-max", "10", "-n", "100", "-c", "2")
    assert db.dbsize() == 0
    c3 = server.client(db=3)
    assert c3.dbsize() == 10
    c3.close()


def test_resp3_counts_nil_as_miss(server, db):
    bench(server, "--preload", "--requests", "0", "--key-max", "100", "--resp3")
    r = bench(server, "--resp3", "--ratio", "0:1", "--key-pattern", "sequential", "--key-max", "200", "-n", "200",
              "-c", "1", "-P", "10")
    g = r.command("GET")
    assert g["hits"] == 100 and g["misses"] == 100 and r.report["config"]["resp3"] is True


def test_error_replies_counted_and_limit_exit_code(server, db):
    bench(server, "--preload", "--requests", "0", "--key-max", "50")
    r = bench(server, "--command", "INCR __key__", "--key-max", "50", "-n", "200", "-c", "2", "--max-errors", "-1")
    t = r.report["totals"]
    assert t["error_replies"] == 200 and t["errors"] == 200 and not t["aborted"]
    msgs = r.report["error_messages"]
    assert len(msgs) == 1 and msgs[0]["count"] == 200
    assert msgs[0]["message"].startswith("ERR value is not an integer")
    assert "ERR value is not an integer" in r.out
    # Default --max-errors 0: the first error stops the run with exit status 1.
    r = bench(server, "--command", "INCR __key__", "--key-max", "50", "-n", "100000", "-c", "2", expect_rc=1)
    assert r.report["totals"]["aborted"] and r.report["totals"]["replies"] < 100000
    assert "max-errors" in r.err
    # Within budget: exit 0.
    bench(server, "--command", "INCR __key__", "--key-max", "50", "-n", "10", "-c", "1", "--max-errors", "10")


def test_connection_loss_is_reported(server, db):
    r = bench(server, "--command", "QUIT", "-n", "100", "-c", "2", "--max-errors", "-1", expect_rc=1)
    t = r.report["totals"]
    assert t["connections_lost"] == 2
    assert len(r.report["connection_events"]) == 2
    for event in r.report["connection_events"]:
        # QUIT closes after +OK; the next batch may already be on its way, hence a reset.
        assert "closed by the server" in event or "Connection reset by peer" in event
    assert "all connections were lost" in r.err
    assert "connection 0 lost" in r.out or "connection 1 lost" in r.out


def test_fixed_rate_mode(server, db):
    r = bench(server, "--rate", "2000", "--duration", "1", "-c", "4", "--key-max", "1000")
    cfg, t = r.report["config"], r.report["totals"]
    assert cfg["mode"] == "fixed-rate" and cfg["rate"] == 2000 and cfg["requests"] is None
    assert 1900 <= t["replies"] <= 2000
    assert t["ops_per_sec"] == pytest.approx(2000, rel=0.1)
    assert t["elapsed_s"] == pytest.approx(1.0, abs=0.2)
    assert "intended" in r.out


def test_duration_limit(server, db):
    r = bench(server, "--duration", "0.5", "-c", "4", "--key-max", "1000")
    t = r.report["totals"]
    assert 0.45 <= t["elapsed_s"] <= 1.5 and t["replies"] > 100 and t["replies"] == t["sent"]


def test_hdr_percentile_dump(server, db):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lat.hdr")
        r = bench(server, "-n", "3000", "-c", "4", "--hdr-out", path)
        with open(path) as f:
            lines = f.read().splitlines()
    assert lines[0].split() == ["Value", "Percentile", "TotalCount", "1/(1-Percentile)"]
    rows = [l.split() for l in lines[2:] if l and not l.startswith("#")]
    values = [float(x[0]) for x in rows]
    pcts = [float(x[1]) for x in rows]
    counts = [int(x[2]) for x in rows]
    assert values == sorted(values) and pcts == sorted(pcts) and counts == sorted(counts)
    assert pcts[0] == 0.0 and pcts[-1] == 1.0 and counts[-1] == 3000
    assert float(rows[-1][0]) == pytest.approx(r.report["overall"]["latency_ms"]["max"], abs=0.001)
    assert any(l.startswith("#[Mean") for l in lines)


def test_usage_and_connect_errors_exit_2(server):
    r = bench(server, "--ratio", "0:0", expect_rc=2, json_out=False)
    assert "ratio" in r.err
    r = bench(server, "--bogus-option", expect_rc=2, json_out=False)
    p = subprocess.run([bench_binary(), "--port", str(serverproc.free_port()), "-n", "10"],
                       capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert p.returncode == 2 and "cannot connect" in p.stderr


def test_help_explains_modes():
    p = subprocess.run([bench_binary(), "--help"], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert p.returncode == 0
    for word in ["--rate", "coordinated omission", "INTENDED", "--key-pattern", "--expiry-range", "--hdr-out"]:
        assert word in p.stdout


# Redis-only: these need server options whose Shoal spelling is not settled.

def test_auth_against_redis():
    with ServerProc("redis", args=["--requirepass", "s3cret"]) as s:
        r = bench(s, "--auth", "s3cret", "-n", "500", "-c", "2")
        assert r.report["totals"]["replies"] == 500 and r.report["config"]["auth"] is True
        r = bench(s, "--auth", "s3cret", "--resp3", "-n", "100", "-c", "1")
        assert r.report["totals"]["replies"] == 100
        r = bench(s, "--auth", "wrong", "-n", "10", "-c", "1", expect_rc=2, json_out=False)
        assert "AUTH failed" in r.err
        r = bench(s, "-n", "10", "-c", "1", expect_rc=1)
        assert r.report["totals"]["error_replies"] > 0
        assert r.report["error_messages"][0]["message"].startswith("NOAUTH")


def test_unix_socket_against_redis():
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "redis.sock")
        with ServerProc("redis", args=["--unixsocket", sock, "--unixsocketperm", "700"]) as s:
            p = subprocess.run([bench_binary(), "--unix", sock, "-n", "1000", "-c", "3", "--preload",
                                "--key-max", "100", "--ratio", "0:1"], capture_output=True, text=True,
                               timeout=RUN_TIMEOUT)
            assert p.returncode == 0, p.stderr
            assert "unix:" + sock in p.stdout
            c = s.client()
            assert c.dbsize() == 100
            c.close()
