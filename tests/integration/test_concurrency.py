"""Many clients at once against the server under test (shoal --threads 2, so connections land on both
workers): counters end exact, and multi-key commands are atomic across shards: no MGET ever sees part of an
MSET, a DEL of many keys, or an MSETNX."""
import os
import threading
import time

import pytest

from diffutil import Conn, Err, decode_one, encode, requires_shoal, start_target

N_THREADS = 8


@pytest.fixture(scope="module")
def server():
    with start_target() as s:
        yield s


@pytest.fixture
def srv(server):
    c = Conn(server.host, server.port)
    c.callv("FLUSHALL")
    c.close()
    return server


def run_threads(targets, timeout=60):
    """Runs callables on threads; re-raises the first exception; fails if any thread hangs."""
    errors = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # noqa: B902 - reported below
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(fn), daemon=True) for fn in targets]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), f"threads still running after {timeout}s"
    if errors:
        raise errors[0]


def batch(c, cmds):
    c.send_raw(b"".join(encode(*x) for x in cmds))
    return [decode_one(r) for r in c.read_many(len(cmds))]


def hammer(srv, steps, seconds, timeout=60):
    """Runs each step(conn, i) in a loop on its own thread and connection for `seconds`; returns
    the sum of what the steps returned (replies checked)."""
    stop = threading.Event()
    total = [0]
    lock = threading.Lock()

    def loop(step):
        def run():
            c = Conn(srv.host, srv.port, timeout=10)
            try:
                i = 0
                while not stop.is_set():
                    n = step(c, i)
                    i += 1
                    with lock:
                        total[0] += n
            finally:
                c.close()
        return run

    def timer():
        time.sleep(seconds)
        stop.set()

    run_threads([loop(step) for step in steps] + [timer], timeout=timeout)
    return total[0]


def test_connections_spread_and_distinct(srv):
    conns = [Conn(srv.host, srv.port) for _ in range(N_THREADS)]
    try:
        ids = {c.callv("CLIENT", "ID") for c in conns}
        assert len(ids) == N_THREADS
    finally:
        for c in conns:
            c.close()


def test_concurrent_incr_totals_are_exact(srv):
    keys = ["ctr:a", "ctr:b", "{x}ctr", "ctr:" + "z" * 50, "ctr:shared"]
    rounds, per_batch = 40, 50  # per thread: 2000 commands, pipelined 50 at a time

    def worker(tid):
        def run():
            c = Conn(srv.host, srv.port, label=f"t{tid}")
            try:
                for r in range(rounds):
                    cmds = []
                    for j in range(per_batch):
                        k = keys[(tid + r + j) % len(keys)]
                        cmds.append(("INCR", k) if j % 3 else ("INCRBY", k, 5))
                        if j % 10 == 0:
                            cmds.append(("DECR", "ctr:shared"))
                    out = batch(c, cmds)
                    assert all(type(x) is int for x in out), [x for x in out if type(x) is not int][:3]
            finally:
                c.close()
        return run

    run_threads([worker(t) for t in range(N_THREADS)])
    expected = {k: 0 for k in keys}
    for tid in range(N_THREADS):
        for r in range(rounds):
            for j in range(per_batch):
                expected[keys[(tid + r + j) % len(keys)]] += 1 if j % 3 else 5
                if j % 10 == 0:
                    expected["ctr:shared"] -= 1
    c = Conn(srv.host, srv.port)
    try:
        got = dict(zip(keys, [int(x) for x in c.callv("MGET", *keys)]))
        assert got == expected
    finally:
        c.close()


def test_concurrent_incrbyfloat_and_append_are_exact(srv):
    def worker(tid):
        def run():
            c = Conn(srv.host, srv.port)
            try:
                for _ in range(10):
                    batch(c, [("INCRBYFLOAT", "fl", "0.5"), ("APPEND", "log", "x")] * 50)
            finally:
                c.close()
        return run

    run_threads([worker(t) for t in range(N_THREADS)])
    c = Conn(srv.host, srv.port)
    try:
        assert float(c.callv("GET", "fl")) == N_THREADS * 10 * 50 * 0.5
        assert c.callv("STRLEN", "log") == N_THREADS * 10 * 50
    finally:
        c.close()


def test_setnx_race_has_one_winner(srv):
    winners = []
    lock = threading.Lock()

    def worker(tid):
        def run():
            c = Conn(srv.host, srv.port)
            try:
                for i in range(200):
                    if c.callv("SETNX", f"lock:{i}", tid) == 1:
                        with lock:
                            winners.append((i, tid))
            finally:
                c.close()
        return run

    run_threads([worker(t) for t in range(N_THREADS)])
    assert sorted(i for i, _ in winners) == list(range(200)), "each SETNX key must have exactly one winner"
    c = Conn(srv.host, srv.port)
    try:
        for i, tid in winners[:50]:
            assert c.callv("GET", f"lock:{i}") == str(tid).encode()
    finally:
        c.close()


MSET_KEYS = [f"k{i}" for i in range(1, 21)]  # no hashtag: spread over many slots and shards


def _mixed(values):
    return len(set(values)) != 1


def test_mset_is_atomic_against_mget(srv):
    """Writers MSET k1..k20 to one value each time; readers MGET k1..k20: every MGET sees one value."""
    stop = threading.Event()
    seen = {"reads": 0, "distinct": set()}
    c0 = Conn(srv.host, srv.port)
    c0.callv("MSET", *[x for k in MSET_KEYS for x in (k, "init")])
    c0.close()

    def writer(wid):
        def run():
            c = Conn(srv.host, srv.port)
            try:
                n = 0
                while not stop.is_set():
                    v = f"w{wid}-{n}"
                    assert c.callv("MSET", *[x for k in MSET_KEYS for x in (k, v)]) == "OK"
                    n += 1
            finally:
                c.close()
        return run

    def reader():
        c = Conn(srv.host, srv.port)
        try:
            while not stop.is_set():
                vals = c.callv("MGET", *MSET_KEYS)
                assert not _mixed(vals), f"MGET saw a partial MSET: {sorted(set(vals))}"
                seen["reads"] += 1
                seen["distinct"].add(vals[0])
        finally:
            c.close()

    def timer():
        time.sleep(2.0)
        stop.set()

    run_threads([writer(0), writer(1), writer(2), reader, reader, reader, timer])
    assert seen["reads"] > 100 and len(seen["distinct"]) > 10, \
        f"too little overlap to prove anything: {seen['reads']} reads, {len(seen['distinct'])} values"


def test_multi_key_del_and_msetnx_are_atomic(srv):
    """DEL k1..k20 / MSETNX k1..k20 against MGET: each MGET sees all keys or none."""
    stop = threading.Event()
    counts = {"all": 0, "none": 0}

    def churn():
        c = Conn(srv.host, srv.port)
        try:
            n = 0
            while not stop.is_set():
                c.callv("MSETNX", *[x for k in MSET_KEYS for x in (k, f"v{n}")])
                c.callv("DEL", *MSET_KEYS)
                n += 1
        finally:
            c.close()

    def reader():
        c = Conn(srv.host, srv.port)
        try:
            while not stop.is_set():
                vals = c.callv("MGET", *MSET_KEYS)
                if all(v is None for v in vals):
                    counts["none"] += 1
                else:
                    assert not _mixed(vals), f"MGET saw part of an MSETNX or DEL: {vals}"
                    counts["all"] += 1
                e = c.callv("EXISTS", *MSET_KEYS)
                assert e in (0, len(MSET_KEYS)), f"EXISTS saw {e} of {len(MSET_KEYS)} keys"
        finally:
            c.close()

    def timer():
        time.sleep(1.5)
        stop.set()

    run_threads([churn, churn, reader, reader, timer])
    assert counts["all"] > 10 and counts["none"] > 10, counts


def test_rename_across_shards_is_atomic(srv):
    """A value bounces between two keys in different shards by RENAME; a reader never sees it in both places
    or (with the key known to exist) in neither."""
    c0 = Conn(srv.host, srv.port)
    c0.callv("SET", "{a}bounce", "token")
    c0.close()
    stop = threading.Event()
    checks = [0]

    def mover():
        c = Conn(srv.host, srv.port)
        try:
            while not stop.is_set():
                c.callv("RENAME", "{a}bounce", "{b}bounce")
                c.callv("RENAME", "{b}bounce", "{a}bounce")
        finally:
            c.close()

    def reader():
        c = Conn(srv.host, srv.port)
        try:
            while not stop.is_set():
                vals = c.callv("MGET", "{a}bounce", "{b}bounce")
                assert sorted(vals, key=lambda v: v is None) == [b"token", None], vals
                checks[0] += 1
        finally:
            c.close()

    def timer():
        time.sleep(1.5)
        stop.set()

    run_threads([mover, reader, reader, timer])
    assert checks[0] > 100


def test_many_clients_mixed_load_keeps_serving(srv):
    """16 clients hammer SET/GET/DEL/EXPIRE on overlapping keys for 2 s; the server never errors or stalls."""
    def client(tid):
        def step(c, i):
            k = f"mix:{(tid * 7 + i) % 64}"
            out = batch(c, [("SET", k, i), ("GET", k), ("EXPIRE", k, 100), ("DEL", f"mix:{i % 64}"),
                            ("MGET", k, f"mix:{(i + 1) % 64}", f"mix:{(i + 2) % 64}"), ("TTL", k)])
            assert out[0] == "OK" and not any(isinstance(x, Err) for x in out), out
            return len(out)
        return step

    ops = hammer(srv, [client(t) for t in range(16)], 2.0)
    assert ops > 1000
    c = Conn(srv.host, srv.port)
    assert c.callv("PING") == "PONG"
    c.close()


def _thread_cpu_ticks(pid):
    """{tid: utime+stime clock ticks} for every thread of a process, from /proc/<pid>/task/*/stat."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[tid] = int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return out


def test_connections_are_served_by_more_than_one_worker(srv):
    """With --threads 2, load from 16 connections must burn CPU on at least two server threads (16, so that even
    a random spread such as SO_REUSEPORT hashing puts all of them on one worker only once in 30,000 runs)."""
    requires_shoal("Redis runs commands on one thread")
    before = _thread_cpu_ticks(srv.proc.pid)

    def worker():
        c = Conn(srv.host, srv.port)
        try:
            end = time.monotonic() + 1.5
            while time.monotonic() < end:
                batch(c, [("SET", "spread", "v"), ("GET", "spread")] * 200)
        finally:
            c.close()

    run_threads([worker for _ in range(16)])
    after = _thread_cpu_ticks(srv.proc.pid)
    used = sorted((after[t] - before.get(t, 0) for t in after), reverse=True)
    total = sum(used)
    assert total > 0, "the server used no CPU at all?"
    assert len(used) >= 2 and used[1] >= 0.15 * total, \
        f"CPU ticks per server thread under load from 16 connections: {used} (one worker did it all)"


def test_lookups_while_tables_grow_and_shrink(srv):
    """Readers pipeline GETs (their keys prefetched ahead of the lookups, without the shard locks)
    while writers on the other worker fill and empty the keyspace, so the tables keep growing and
    shrinking and their old bucket arrays are freed under the readers: every reply is the key's
    value or nil, and the server keeps serving."""
    def writer(tid):
        def step(c, _):
            for lo in range(0, 20000, 1000):
                batch(c, [("SET", f"gs:{tid}:{i}", f"v{i}") for i in range(lo, lo + 1000)])
            for lo in range(0, 20000, 1000):
                batch(c, [("DEL", f"gs:{tid}:{i}") for i in range(lo, lo + 1000)])
            return 0
        return step

    def reader(tid):
        def step(c, i):
            keys = [((i + tid) * 31 + j * 7919) % 20000 for j in range(32)]
            out = batch(c, [("GET", f"gs:{j % 2}:{k}") for j, k in enumerate(keys)])
            for k, v in zip(keys, out):
                assert v is None or v == f"v{k}".encode(), (k, v)
            return len(out)
        return step

    reads = hammer(srv, [writer(0), writer(1)] + [reader(t) for t in range(6)], 3.0, timeout=90)
    assert reads > 1000
    c = Conn(srv.host, srv.port)
    assert c.callv("PING") == "PONG"
    c.close()
