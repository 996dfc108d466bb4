"""MULTI / EXEC / DISCARD / WATCH / UNWATCH: differential against redis-server (replies byte-identical in
RESP2 and RESP3), and concurrency against shoal-server alone (optimistic-locking increments end exact; an
EXEC across shards is never seen half done)."""
import threading
import time

import pytest

from diffutil import Conn, Err, d, d2, pair, start_target  # noqa: F401  (fixtures)
from test_concurrency import run_threads


def test_multi_exec_basic(d):
    assert d.cmd("MULTI") == "OK"
    assert d.cmd("SET", "a", "1") == "QUEUED"
    d.cmd("INCR", "a")
    d.cmd("GET", "a")
    d.cmd("MSET", "{x}1", "p", "{y}2", "q")  # keys in different shards
    d.cmd("MGET", "{x}1", "{y}2", "a")
    d.cmd("EXEC")
    d.cmd("GET", "a")


def test_empty_transaction_and_discard(d):
    d.cmd("MULTI")
    d.cmd("EXEC")
    d.cmd("MULTI")
    d.cmd("SET", "k", "v")
    assert d.cmd("DISCARD") == "OK"
    assert d.cmd("GET", "k") is None
    d.cmd("DISCARD")
    d.cmd("EXEC")


def test_nesting_and_watch_inside_multi(d):
    d.cmd("MULTI")
    d.cmd("MULTI")        # error, transaction goes on
    d.cmd("WATCH", "k")   # error, transaction goes on
    d.cmd("SET", "k", "1")
    d.cmd("EXEC")
    d.cmd("GET", "k")


def test_queue_time_errors_abort(d):
    # SHUTDOWN is no_multi: refused when queued (a queued SHUTDOWN once stopped the server at EXEC).
    for bad in (("NOSUCHCOMMAND", "x"), ("GET",), ("SET", "k"), ("SHUTDOWN", "NOSAVE")):
        d.cmd("MULTI")
        d.cmd("SET", "k", "queued")
        d.cmd(*bad)
        d.cmd("EXEC")  # EXECABORT
        d.cmd("GET", "k")
        d.cmd("EXEC")  # no longer in MULTI



def test_exec_with_arguments_aborts(d):
    # A refused EXEC answers EXECABORT and discards the transaction, also outside MULTI.
    d.cmd("EXEC", "x")
    d.cmd("SET", "k", "1")
    d.cmd("WATCH", "k")
    d.cmd("MULTI")
    d.cmd("INCR", "k")
    d.cmd("EXEC", "x", "y")
    d.cmd("EXEC")
    d.cmd("DISCARD")
    d.cmd("GET", "k")


def test_subcommands_checked_when_queued(d):
    # A container's unknown subcommand or wrong subcommand arity is refused at queue time.
    d.cmd("SET", "k", "v")
    for bad in (("OBJECT", "IDLETIME"), ("object", "encoding", "k", "x"), ("OBJECT", "foo", "k"),
                ("object", "help", "x"), ("CONFIG", "GET"), ("CLIENT", "foo"), ("Object", "FreQ")):
        d.cmd("MULTI")
        d.cmd("PING")
        d.cmd(*bad)
        d.cmd("EXEC")
    d.cmd("MULTI")
    d.cmd("OBJECT", "ENCODING", "k")
    d.cmd("object", "Help")
    d.cmd("EXEC")


def test_run_time_errors_do_not_abort(d):
    d.cmd("SET", "s", "text")
    d.cmd("MULTI")
    d.cmd("INCR", "s")          # fails at EXEC
    d.cmd("SET", "t", "1")
    d.cmd("SET", "k", "v", "XX", "NX")  # syntax error found at run time
    d.cmd("INCR", "t")
    d.cmd("EXEC")
    d.cmd("MGET", "s", "t")


def test_select_and_whole_keyspace_commands_inside(d):
    d.cmd("SET", "a", "1")
    d.cmd("MULTI")
    d.cmd("SELECT", "3")
    d.cmd("SET", "b", "2")
    d.cmd("DBSIZE")
    d.cmd("KEYS", "*")
    d.cmd("SELECT", "0")
    d.cmd("FLUSHDB")
    d.cmd("DBSIZE")
    d.cmd("SWAPDB", "0", "3")
    d.cmd("KEYS", "*")
    d.cmd("EXEC")
    d.cmd("DBSIZE")
    d.cmd("SELECT", "3")
    d.cmd("DBSIZE")


def test_watch_untouched_key_execs(d):
    d.cmd("SET", "w", "1")
    assert d.cmd("WATCH", "w", "other") == "OK"
    d.cmd("GET", "w")  # reads do not invalidate
    d.cmd("MULTI")
    d.cmd("INCR", "w")
    d.cmd("EXEC")
    d.cmd("GET", "w")


def test_watch_invalidated_by_own_write(d):
    d.cmd("WATCH", "w")
    d.cmd("SET", "w", "2")
    d.cmd("MULTI")
    d.cmd("SET", "w", "3")
    d.cmd("EXEC")  # null array
    d.cmd("GET", "w")


def test_watch_invalidated_by_other_client(pair):
    pair.flushall()
    for proto in (2, 3):
        s1, s2 = pair.session(proto), pair.session(proto)
        try:
            s1.cmd("SET", "w", "1")
            s1.cmd("WATCH", "w")
            s2.cmd("INCR", "w")
            s1.cmd("MULTI")
            s1.cmd("SET", "w", "100")
            assert s1.cmd("EXEC") is None
            s1.cmd("GET", "w")
            # After EXEC the watch is gone: the next transaction runs.
            s2.cmd("INCR", "w")
            s1.cmd("MULTI")
            s1.cmd("SET", "w", "100")
            s1.cmd("EXEC")
            s1.cmd("GET", "w")
        finally:
            s1.close()
            s2.close()


def test_watch_missing_key_then_created(pair):
    pair.flushall()
    s1, s2 = pair.session(), pair.session()
    try:
        s1.cmd("WATCH", "nokey")
        s2.cmd("SET", "nokey", "x")
        s1.cmd("MULTI")
        s1.cmd("GET", "nokey")
        s1.cmd("EXEC")
    finally:
        s1.close()
        s2.close()


def test_unwatch_and_discard_forget_watches(pair):
    pair.flushall()
    s1, s2 = pair.session(), pair.session()
    try:
        s1.cmd("WATCH", "k")
        s2.cmd("SET", "k", "1")
        s1.cmd("UNWATCH")
        s1.cmd("MULTI")
        s1.cmd("GET", "k")
        s1.cmd("EXEC")
        s1.cmd("WATCH", "k")
        s1.cmd("MULTI")
        s1.cmd("DISCARD")
        s2.cmd("SET", "k", "2")
        s1.cmd("MULTI")
        s1.cmd("GET", "k")
        s1.cmd("EXEC")
    finally:
        s1.close()
        s2.close()


def test_watch_invalidated_by_flush_and_swapdb(pair):
    pair.flushall()
    s1, s2 = pair.session(), pair.session()
    try:
        # FLUSHDB counts as a change only for watched keys that existed.
        s1.cmd("SET", "there", "1")
        s1.cmd("WATCH", "there")
        s2.cmd("FLUSHDB")
        s1.cmd("MULTI")
        s1.cmd("PING")
        s1.cmd("EXEC")
        s1.cmd("WATCH", "absent")
        s2.cmd("FLUSHALL")
        s1.cmd("MULTI")
        s1.cmd("PING")
        s1.cmd("EXEC")
        # SWAPDB: a watched key that appears by the swap.
        s2.cmd("SELECT", "1")
        s2.cmd("SET", "sw", "from1")
        s1.cmd("WATCH", "sw")
        s2.cmd("SWAPDB", "0", "1")
        s1.cmd("MULTI")
        s1.cmd("GET", "sw")
        s1.cmd("EXEC")
    finally:
        s1.close()
        s2.close()


def test_watched_key_expiring_aborts(d2):
    d2.cmd("SET", "e", "1", "PX", "100")
    d2.cmd("WATCH", "e")
    time.sleep(0.3)
    d2.cmd("MULTI")
    d2.cmd("GET", "e")
    d2.cmd("EXEC")


def test_reset_leaves_multi_and_watch(pair):
    pair.flushall()
    s1, s2 = pair.session(), pair.session()
    try:
        s1.cmd("WATCH", "r")
        s1.cmd("MULTI")
        s1.cmd("SET", "r", "1")
        s1.cmd("RESET")
        s1.cmd("EXEC")
        s2.cmd("SET", "r", "2")
        s1.cmd("MULTI")
        s1.cmd("GET", "r")
        s1.cmd("EXEC")  # not aborted: RESET dropped the watch
    finally:
        s1.close()
        s2.close()


def test_redis_py_transactional_pipeline(pair):
    pair.flushall()
    for r in pair.clients():
        with r.pipeline(transaction=True) as p:
            p.set("a", 1)
            p.incr("a")
            p.get("a")
            assert p.execute() == [True, 2, b"2"]


# ---------------------------------------------------------------- concurrency (shoal alone)

@pytest.fixture(scope="module")
def server():
    with start_target() as s:
        yield s


def test_optimistic_increments_are_exact(server):
    """50 clients (spread over both workers) increment shared counters with WATCH/GET/MULTI/SET/EXEC,
    retrying on abort; the totals are exact, so no aborted-or-lost update slipped through."""
    c = Conn(server.host, server.port)
    c.callv("FLUSHALL")
    c.close()
    clients, rounds, keys = 50, 40, ["{a}c1", "{b}c2", "c3"]
    aborts = [0]
    lock = threading.Lock()

    def worker(i):
        def run():
            r = server.client()
            for n in range(rounds):
                key = keys[(i + n) % len(keys)]
                while True:
                    with r.pipeline(transaction=True) as p:
                        try:
                            p.watch(key)
                            v = int(p.get(key) or 0)
                            p.multi()
                            p.set(key, v + 1)
                            p.execute()
                            break
                        except Exception as e:  # redis.WatchError
                            if type(e).__name__ != "WatchError":
                                raise
                            with lock:
                                aborts[0] += 1
            r.close()
        return run

    run_threads([worker(i) for i in range(clients)], timeout=240)
    r = server.client()
    total = sum(int(r.get(k) or 0) for k in keys)
    assert total == clients * rounds, (total, aborts[0])
    assert aborts[0] > 0, "no transaction was ever aborted: the test did not exercise WATCH"


def test_exec_is_atomic_across_shards(server):
    """EXEC of SETs on keys in many shards, while readers MGET them: every MGET sees one generation."""
    keys = [f"{{t{i}}}k" for i in range(16)]
    stop = threading.Event()
    seen_bad = []

    def writer():
        c = Conn(server.host, server.port)
        for gen in range(300):
            c.send_raw(b"".join(
                [b"*1\r\n$5\r\nMULTI\r\n"] +
                [f"*3\r\n$3\r\nSET\r\n${len(k)}\r\n{k}\r\n${len(str(gen))}\r\n{gen}\r\n".encode() for k in keys] +
                [b"*1\r\n$4\r\nEXEC\r\n"]))
            c.read_many(len(keys) + 2)
        stop.set()
        c.close()

    def reader():
        c = Conn(server.host, server.port)
        while not stop.is_set():
            vals = c.callv("MGET", *keys)
            if len(set(vals)) != 1:
                seen_bad.append(vals)
                break
        c.close()

    run_threads([writer, reader, reader], timeout=120)
    assert not seen_bad, seen_bad[:1]
