"""HyperLogLog (PFADD PFCOUNT PFMERGE), differential against redis-server: replies and the stored
values themselves (GET) byte-identical in RESP2 and RESP3, through the sparse encoding, its edits
and merges, the move to dense (by size and by value), merging mixed encodings, cached counts,
corrupt values, WATCH and keyspace events; and values copied from one server to the other."""
import random

import pytest

from diffutil import Conn, d, pair  # noqa: F401  (fixtures)
from test_notifications import run_sequence


def test_pfadd_pfcount_and_bytes_through_growth(d):
    rng = random.Random(7)
    total = 0
    for batch in (1, 2, 5, 10, 30, 100, 300, 1000, 3000, 10000):
        elements = [f"e{rng.randrange(10**9)}" for _ in range(batch)]
        d.cmd("PFADD", "h", *elements)
        total += batch
        d.cmd("PFCOUNT", "h")
        d.cmd("GET", "h")  # the cached count is in the bytes too
        d.cmd("STRLEN", "h")
    d.cmd("PFADD", "h", "e1")
    d.cmd("PFADD", "h")
    d.cmd("PFADD", "new")  # creates an empty HLL
    d.cmd("GET", "new")
    d.cmd("PFCOUNT", "new")
    d.cmd("PFCOUNT", "missing")
    d.cmd("OBJECT", "ENCODING", "h")
    d.cmd("OBJECT", "ENCODING", "new")
    d.cmd("TYPE", "h")


def test_binary_and_repeated_elements(d):
    d.cmd("PFADD", "b", b"", b"\x00", b"\xff\xfe", b"a\r\nb", b"x" * 1000, b"\x00" * 7, b"\x00" * 8, b"\x00" * 9)
    d.cmd("PFADD", "b", b"", b"\x00")
    d.cmd("PFCOUNT", "b")
    d.cmd("GET", "b")


@pytest.mark.parametrize("limit", [0, 20, 300, 3000, 20000])
def test_sparse_limit(d, limit):
    d.cmd("CONFIG", "SET", "hll-sparse-max-bytes", limit)
    try:
        for i in range(0, 3000, 250):
            d.cmd("PFADD", "s", *[f"m{j}" for j in range(i, i + 250)])
            d.cmd("STRLEN", "s")
        d.cmd("GET", "s")
        d.cmd("PFCOUNT", "s")
    finally:
        d.cmd("CONFIG", "SET", "hll-sparse-max-bytes", 3000)
    d.cmd("CONFIG", "GET", "hll-sparse-max-bytes")
    d.cmd("CONFIG", "SET", "hll-sparse-max-bytes", "1kb")
    d.cmd("CONFIG", "GET", "hll-sparse-max-bytes")
    d.cmd("CONFIG", "SET", "hll-sparse-max-bytes", "-1")
    d.cmd("CONFIG", "SET", "hll-sparse-max-bytes", "abc")
    d.cmd("CONFIG", "SET", "hll-sparse-max-bytes", 3000)


def test_merge(d):
    d.cmd("PFADD", "s1", *[f"a{i}" for i in range(50)])          # sparse
    d.cmd("PFADD", "s2", *[f"b{i}" for i in range(80)])          # sparse
    d.cmd("PFADD", "big", *[f"c{i}" for i in range(20000)])      # dense
    d.cmd("PFCOUNT", "s1", "s2")
    d.cmd("PFCOUNT", "s1", "s2", "big", "missing")
    d.cmd("PFMERGE", "m1", "s1", "s2")
    d.cmd("GET", "m1")
    d.cmd("PFCOUNT", "m1")
    d.cmd("PFMERGE", "m2", "s1", "big")
    d.cmd("GET", "m2")
    d.cmd("PFCOUNT", "m2")
    d.cmd("PFMERGE", "s1", "s2")       # the destination is a source too
    d.cmd("GET", "s1")
    d.cmd("PFMERGE", "s2", "big")      # sparse destination turns dense
    d.cmd("GET", "s2")
    d.cmd("PFMERGE", "empty")          # nothing to merge: an empty HLL
    d.cmd("GET", "empty")
    d.cmd("PFMERGE", "m3", "missing1", "missing2")
    d.cmd("GET", "m3")
    d.cmd("PFCOUNT", "m1", "m2", "m3")
    d.cmd("SET", "{x}s", "plain")
    d.cmd("PFADD", "{y}h", "a", "b")
    d.cmd("PFMERGE", "{z}d", "{y}h")
    d.cmd("PFCOUNT", "{z}d", "{y}h")


def test_errors_and_corrupt_values(d):
    d.cmd("RPUSH", "list", "x")
    d.cmd("SET", "str", "not an hll")
    d.cmd("SET", "int", 123)
    d.cmd("SET", "short", "HYLL")
    d.cmd("SET", "badenc", b"HYLL\x02" + b"\x00" * 13)
    d.cmd("SET", "baddense", b"HYLL\x00" + b"\x00" * 30)
    # Sparse opcodes covering too few registers, and a VAL past the last register.
    d.cmd("SET", "few", b"HYLL\x01\x00\x00\x00" + b"\x00" * 8 + b"\x40\x00")
    d.cmd("SET", "many", b"HYLL\x01\x00\x00\x00" + b"\x00" * 7 + b"\x80" + b"\x7f\xff\x80")
    for k in ("list", "str", "int", "short", "badenc", "baddense", "few", "many"):
        d.cmd("PFADD", k, "a")
        d.cmd("PFCOUNT", k)
        d.cmd("PFCOUNT", k, "other")
        d.cmd("PFMERGE", "dst", k)
        d.cmd("PFMERGE", k, "other")
        d.cmd("EXISTS", "dst")
    d.cmd("PFADD")
    d.cmd("PFCOUNT")
    d.cmd("PFMERGE")


def test_values_copied_between_servers(pair):
    """An HLL written by one server is read by the other (GET, then SET of the same bytes)."""
    a, b = [Conn(s.host, s.port, label=label) for label, s in pair.servers]
    try:
        for src, dst in ((a, b), (b, a)):
            for n in (20, 5000):
                src.call("DEL", "orig")
                src.call("PFADD", "orig", *[f"v{i}" for i in range(n)])
                raw = src.callv("GET", "orig")
                dst.call("SET", "copy", raw)
                assert dst.callv("PFCOUNT", "copy") == src.callv("PFCOUNT", "orig")
                dst.call("PFADD", "copy", "one-more")
                src.call("PFADD", "orig", "one-more")
                assert dst.callv("GET", "copy") == src.callv("GET", "orig")
    finally:
        a.close()
        b.close()


def test_pfcount_cache_refresh_is_a_write_for_watch(pair):
    pair.flushall()
    s1, s2 = pair.session(), pair.session()
    try:
        s1.cmd("PFADD", "h", "a", "b")
        s1.cmd("WATCH", "h")
        s2.cmd("PFCOUNT", "h")  # refreshes the cache: the value changed
        s1.cmd("MULTI")
        s1.cmd("PING")
        s1.cmd("EXEC")
        s1.cmd("WATCH", "h")
        s2.cmd("PFCOUNT", "h")  # cached: nothing written
        s1.cmd("MULTI")
        s1.cmd("PFCOUNT", "h")
        s1.cmd("EXEC")
    finally:
        s1.close()
        s2.close()


HLL_EVENT_STEPS = [
    ("PFADD", "h1", "a"),
    ("PFADD", "h1", "a"),        # no change: no event
    ("PFADD", "h2"),
    ("PFCOUNT", "h1"),
    ("PFMERGE", "h3", "h1", "h2"),
    ("PFMERGE", "h3"),
]


def test_hll_keyspace_events(pair):
    run_sequence(pair, "KEA", HLL_EVENT_STEPS)


def test_hll_command_info(d):
    for c in ("pfadd", "pfcount", "pfmerge", "role"):
        d.cmd("COMMAND", "INFO", c)
    d.cmd("ROLE")
