"""SORT and SORT_RO, differential against redis-server: every reply byte-identical in RESP2 and
RESP3, over lists, sets and sorted sets, numeric and ALPHA, BY and GET patterns (string keys, hash
fields, missing keys), LIMIT, DESC, STORE (and what it leaves), errors, keyspace events, and the
keys in other shards that patterns reach. Orders that Redis leaves to its hash tables (a set's
members unsorted, ties under ALPHA BY) are avoided."""
import random

import pytest

from diffutil import d, pair  # noqa: F401  (fixtures)
from test_notifications import run_sequence


def fill(d):
    d.cmd("RPUSH", "nums", 3, 10, -2, 7, "1.5", 10, 0, "1e2", " 4", "0x10")
    d.cmd("RPUSH", "words", "pear", "apple", "fig", "banana", "apple", "Zebra", "")
    d.cmd("SADD", "iset", 5, 3, 99, -1, 12)
    d.cmd("SADD", "sset", "delta", "alpha", "charlie", "bravo")
    d.cmd("ZADD", "z", 3, "c", 1, "a", 2, "b", 5, "e", 4, "d")
    for i, (w, name) in enumerate([(30, "ann"), (10, "bob"), (20, "cy"), (40, "dee")]):
        d.cmd("SET", f"w_{name}", w)
        d.cmd("HSET", f"user:{name}", "age", 50 - i * 7, "city", ["rome", "oslo", "lima", "kyiv"][i])
        d.cmd("SET", f"name_{name}", name.upper())
    d.cmd("RPUSH", "people", "ann", "bob", "cy", "dee", "eve")


@pytest.mark.parametrize("args", [
    (), ("DESC",), ("ASC",), ("LIMIT", 0, 3), ("LIMIT", 2, 100), ("LIMIT", -5, 2), ("LIMIT", 1, -1),
    ("LIMIT", 100, 2), ("LIMIT", 0, 0), ("DESC", "LIMIT", 1, 3), ("desc", "asc"),
])
def test_sort_numeric(d, args):
    fill(d)
    d.cmd("SORT", "nums", *args)
    d.cmd("SORT", "iset", *args)
    d.cmd("SORT", "z", "BY", "nosort", *args)
    d.cmd("SORT", "nums", "BY", "nosort", *args)
    d.cmd("SORT_RO", "nums", *args)


def test_sort_alpha(d):
    fill(d)
    for args in [("ALPHA",), ("ALPHA", "DESC"), ("ALPHA", "LIMIT", 1, 2), ("alpha", "desc", "limit", 0, 10)]:
        d.cmd("SORT", "words", *args)
        d.cmd("SORT", "sset", *args)
        d.cmd("SORT", "z", *args)
        d.cmd("SORT", "iset", *args)
    d.cmd("SORT", "words")  # not numbers
    d.cmd("SORT", "sset")
    # Before the out-of-range values below: Redis 7.0 does not clear errno before strtod, so after
    # an ERANGE its next numeric SORTs on the same connection may fail too (Shoal's do not).
    d.cmd("RPUSH", "infs", "inf", "-inf", "+inf", 0)
    d.cmd("SORT", "infs")
    d.cmd("RPUSH", "nanlist", 1, "nan")
    d.cmd("SORT", "nanlist")
    d.cmd("RPUSH", "biglist", 1, "1e400")
    d.cmd("SORT", "biglist")
    d.cmd("RPUSH", "tiny", 1, "1e-400")
    d.cmd("SORT", "tiny")


def test_sort_by_and_get(d):
    fill(d)
    d.cmd("SORT", "people", "BY", "w_*")                 # eve has no weight: 0
    d.cmd("SORT", "people", "BY", "w_*", "DESC")
    d.cmd("SORT", "people", "BY", "user:*->age")
    d.cmd("SORT", "people", "BY", "user:*->city", "ALPHA", "LIMIT", 0, 4)
    d.cmd("SORT", "people", "BY", "user:*->nofield")     # all equal: element order
    d.cmd("SORT", "people", "BY", "nosort", "GET", "#", "GET", "w_*", "GET", "user:*->city", "GET", "name_*")
    d.cmd("SORT", "people", "BY", "w_*", "GET", "name_*", "GET", "#", "LIMIT", 1, 2)
    d.cmd("SORT", "people", "BY", "w_*", "DESC", "GET", "user:*->age")
    d.cmd("SORT", "people", "BY", "nosort", "DESC", "LIMIT", 1, 3)
    d.cmd("SORT", "people", "GET", "nostar")             # no '*': nil
    d.cmd("SORT", "people", "BY", "nosort", "GET", "user:*->")  # empty field: a string key "user:ann->"
    d.cmd("SORT", "people", "BY", "nosort", "GET", "*")  # the element as a key name
    d.cmd("SORT", "people", "BY", "user:*", "ALPHA")     # a hash where a string is needed: missing
    d.cmd("SORT", "z", "BY", "w_*", "GET", "#")
    d.cmd("SET", "w_c", "notanumber")
    d.cmd("SORT", "z", "BY", "w_*")                      # a weight that is not a number
    d.cmd("SORT", "people", "BY", "name_*", "ALPHA")     # eve's is missing: first
    d.cmd("SORT", "people", "BY", "name_*", "ALPHA", "DESC", "GET", "name_*")
    # keys reached through patterns live in other shards than the sorted key
    d.cmd("RPUSH", "{t}ids", 1, 2, 3)
    for i in (1, 2, 3):
        d.cmd("SET", f"score{{{i}}}", 10 - i)
        d.cmd("SET", f"label-{i}", f"L{i}")
    d.cmd("SORT", "{t}ids", "BY", "score{*}", "GET", "label-*", "GET", "#")


def test_sort_store(d):
    fill(d)
    d.cmd("SORT", "nums", "STORE", "out")
    d.cmd("LRANGE", "out", 0, -1)
    d.cmd("TYPE", "out")
    d.cmd("OBJECT", "ENCODING", "out")
    d.cmd("SORT", "people", "BY", "w_*", "GET", "name_*", "GET", "user:*->zip", "STORE", "out")
    d.cmd("LRANGE", "out", 0, -1)
    d.cmd("SORT", "sset", "BY", "nosort", "STORE", "out")  # sorted as strings when stored
    d.cmd("LRANGE", "out", 0, -1)
    # the destination's type and TTL are replaced
    d.cmd("SET", "dst", "x")
    d.cmd("EXPIRE", "dst", 100)
    d.cmd("SORT", "iset", "DESC", "STORE", "dst")
    d.cmd("TTL", "dst")
    d.cmd("LRANGE", "dst", 0, -1)
    # empty results delete the destination
    d.cmd("SORT", "nokey", "STORE", "dst")
    d.cmd("EXISTS", "dst")
    d.cmd("SORT", "nums", "LIMIT", 50, 1, "STORE", "out")
    d.cmd("EXISTS", "out")
    # storing onto the sorted key itself
    d.cmd("SORT", "nums", "DESC", "STORE", "nums")
    d.cmd("LRANGE", "nums", 0, -1)
    # a bad score stores nothing
    d.cmd("SET", "keep", "v")
    d.cmd("SORT", "words", "STORE", "keep")
    d.cmd("GET", "keep")
    d.cmd("SORT", "{x}a", "STORE", "{y}b")


def test_sort_limit_at_the_ends_of_the_integer_range(d):
    # Offset and count are clamped to the length before they are added: no overflow (fuzz seed 8203).
    d.cmd("ZADD", "zs", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e", 6, "f")
    d.cmd("RPUSH", "l", 5, 3, 9, 1)
    big, small = "9223372036854775807", "-9223372036854775808"
    for key in ("zs", "l"):
        for off, cnt in [(2, big), (0, big), (big, 1), (big, big), (small, 2), (1, small), (small, big), (3, -1)]:
            d.cmd("SORT", key, "LIMIT", off, cnt, "ALPHA")
            d.cmd("SORT", key, "LIMIT", off, cnt, "DESC", "ALPHA", "STORE", "out")
            d.cmd("LRANGE", "out", 0, -1)
            d.cmd("SORT_RO", key, "LIMIT", off, cnt, "GET", "#", "ALPHA")


def test_sort_missing_and_errors(d):
    fill(d)
    d.cmd("SORT", "nokey")
    d.cmd("SORT", "nokey", "BY", "w_*", "GET", "#", "ALPHA", "LIMIT", 0, 5)
    d.cmd("SET", "str", "abc")
    d.cmd("HSET", "h", "f", "v")
    for bad in [("SORT", "str"), ("SORT", "h"), ("SORT_RO", "str"),
                ("SORT", "nums", "LIMIT", 0), ("SORT", "nums", "LIMIT", "a", 1), ("SORT", "nums", "LIMIT", 0, "1.5"),
                ("SORT", "nums", "BY"), ("SORT", "nums", "GET"), ("SORT", "nums", "STORE"),
                ("SORT", "nums", "bogus"), ("SORT_RO", "nums", "STORE", "x"), ("SORT", "str", "bogus"),
                ("SORT", "nokey", "LIMIT", "x", "y"), ("SORT",), ("SORT_RO",)]:
        d.cmd(*bad)


def test_sort_command_info_and_keys(d):
    for c in ("sort", "sort_ro"):
        d.cmd("COMMAND", "INFO", c)
    for args in [("SORT", "k"), ("SORT", "k", "STORE", "d"), ("SORT", "k", "BY", "store", "GET", "store", "LIMIT", 0, 1),
                 ("SORT", "k", "LIMIT", "store", "x", "STORE", "d2"), ("SORT_RO", "k", "BY", "w_*")]:
        d.cmd("COMMAND", "GETKEYS", *args)
        d.cmd("COMMAND", "GETKEYSANDFLAGS", *args)


def test_sort_random_lists(d):
    """Random numeric lists with duplicates and random options, each reply compared."""
    rng = random.Random(99)
    for round_ in range(60):
        key = f"rl{round_}"
        vals = [rng.choice([rng.randint(-20, 20), round(rng.uniform(-5, 5), 2)]) for _ in range(rng.randint(0, 30))]
        if vals:
            d.cmd("RPUSH", key, *vals)
        opts = []
        if rng.random() < 0.5:
            opts += ["LIMIT", rng.randint(-3, 35), rng.randint(-2, 35)]
        if rng.random() < 0.5:
            opts.append("DESC")
        if rng.random() < 0.3:
            opts += ["BY", "nosort"]
        if rng.random() < 0.3:
            opts.append("ALPHA")
        d.cmd("SORT", key, *opts)
        if rng.random() < 0.3:
            d.cmd("SORT", key, *opts, "STORE", f"st{round_}")
            d.cmd("LRANGE", f"st{round_}", 0, -1)


SORT_EVENT_STEPS = [
    ("RPUSH", "src", 3, 1, 2),
    ("SORT", "src", "STORE", "dst"),
    ("SORT", "src", "STORE", "dst"),
    ("SORT", "empty", "STORE", "dst"),
    ("SORT", "empty", "STORE", "dst"),
]


def test_sort_keyspace_events(pair):
    run_sequence(pair, "KEA", SORT_EVENT_STEPS)


def test_sort_in_multi_and_watch(pair):
    pair.flushall()
    s1, s2 = pair.session(), pair.session()
    try:
        s1.cmd("RPUSH", "src", 3, 1, 2)
        s1.cmd("SET", "w_1", 9)
        s1.cmd("WATCH", "dst")
        s2.cmd("SORT", "src", "STORE", "dst")  # a write to the watched key
        s1.cmd("MULTI")
        s1.cmd("GET", "x")
        s1.cmd("EXEC")
        s1.cmd("WATCH", "src")
        s2.cmd("SORT", "src", "BY", "w_*", "GET", "#")  # reads only
        s1.cmd("MULTI")
        s1.cmd("SORT", "src", "BY", "w_*", "DESC", "STORE", "{other}dst")
        s1.cmd("SORT_RO", "src", "GET", "w_*")
        s1.cmd("LRANGE", "{other}dst", 0, -1)
        s1.cmd("EXEC")
    finally:
        s1.close()
        s2.close()


def test_sort_store_wakes_a_blocked_pop(pair):
    from test_blocking import parked
    pair.flushall()
    waiter, cli = pair.session(), pair.session()
    try:
        cli.cmd("RPUSH", "{a}src", 2, 1)
        for c in waiter.sides:
            c.send("BLPOP", "{b}dst", "5")
        parked(pair, 1)
        cli.cmd("SORT", "{a}src", "STORE", "{b}dst")
        ra, rb = waiter.a.read(timeout=5), waiter.b.read(timeout=5)
        assert ra == rb, (ra, rb)
        cli.cmd("LRANGE", "{b}dst", 0, -1)
    finally:
        waiter.close()
        cli.close()
