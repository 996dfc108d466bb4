"""Hash commands, differential against redis-server: every reply byte-identical, in RESP2 and RESP3."""
import random
import time

import pytest

from diffutil import Err, limits, d, d2, decode_one, pair  # noqa: F401  (fixtures)

WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")


def fill(d, key, n, prefix="f", value="v"):
    args = []
    for i in range(n):
        args += [f"{prefix}{i}", f"{value}{i}"]
    return d.cmd("HSET", key, *args)


def scan_page(v):
    """A SCAN reply normalised to (cursor, sorted keys): the page order is unspecified."""
    return (v[0], tuple(sorted(v[1])))


# ---------------------------------------------------------------- basics

def test_hset_hget_basic(d):
    assert d.cmd("HSET", "h", "a", "1") == 1
    assert d.cmd("HSET", "h", "a", "2", "b", "3") == 1
    assert d.cmd("HGET", "h", "a") == b"2"
    d.cmd("HGET", "h", "missing")
    d.cmd("HGET", "nokey", "a")
    d.cmd("HMSET", "h", "c", "4", "d", "5")
    d.cmd("HMGET", "h", "a", "nope", "c", "d")
    d.cmd("HMGET", "nokey", "a", "b")
    d.cmd("HLEN", "h")
    d.cmd("HLEN", "nokey")
    d.cmd("HGETALL", "h")
    d.cmd("HKEYS", "h")
    d.cmd("HVALS", "h")
    d.cmd("HGETALL", "nokey")
    d.cmd("HKEYS", "nokey")
    d.cmd("HVALS", "nokey")
    d.cmd("TYPE", "h")
    d.cmd("OBJECT", "ENCODING", "h")


def test_hsetnx_hexists_hstrlen(d):
    assert d.cmd("HSETNX", "h", "a", "1") == 1
    assert d.cmd("HSETNX", "h", "a", "2") == 0
    d.cmd("HGET", "h", "a")
    d.cmd("HEXISTS", "h", "a")
    d.cmd("HEXISTS", "h", "b")
    d.cmd("HEXISTS", "nokey", "b")
    d.cmd("HSET", "h", "int", "-12345", "str", "hello world", "empty", "")
    for f in ("a", "int", "str", "empty", "missing"):
        d.cmd("HSTRLEN", "h", f)
    d.cmd("HSTRLEN", "nokey", "f")
    d.cmd("HGETALL", "h")


def test_hdel_deletes_empty_key(d):
    d.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert d.cmd("HDEL", "h", "a", "a", "zz") == 1
    d.cmd("HDEL", "nokey", "a")
    assert d.cmd("HDEL", "h", "b", "c", "b") == 2
    assert d.cmd("EXISTS", "h") == 0
    d.cmd("HGETALL", "h")


def test_binary_fields_and_values(d):
    weird = b"a\r\nb\x00c\xff \"'$*-+:"
    d.cmd("HSET", "h", weird, weird * 2, b"", b"", b"\x00", b"0")
    d.cmd("HGET", "h", weird)
    d.cmd("HGET", "h", b"")
    d.cmd("HGETALL", "h")
    d.cmd("HSTRLEN", "h", weird)
    d.cmd("HDEL", "h", b"")
    d.cmd("HKEYS", "h")


def test_integer_like_values_roundtrip(d):
    vals = ["0", "-0", "01", "+1", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "1.5", " 1", "127", "-128", "65536"]
    for i, v in enumerate(vals):
        d.cmd("HSET", "h", v, v)
        d.cmd("HSET", "h", f"k{i}", v)
    d.cmd("HGETALL", "h")
    for v in vals:
        d.cmd("HGET", "h", v)
        d.cmd("HSTRLEN", "h", v)


# ---------------------------------------------------------------- counters

def test_hincrby(d):
    assert d.cmd("HINCRBY", "h", "n", "5") == 5
    d.cmd("HINCRBY", "h", "n", "-10")
    d.cmd("HINCRBY", "h", "n", "0")
    d.cmd("HSET", "h", "s", "abc", "f", "1.5", "sp", " 1", "big", "9223372036854775807")
    d.cmd("HINCRBY", "h", "s", "1")
    d.cmd("HINCRBY", "h", "f", "1")
    d.cmd("HINCRBY", "h", "sp", "1")
    d.cmd("HINCRBY", "h", "big", "1")
    d.cmd("HINCRBY", "h", "big", "-1")
    d.cmd("HSET", "h", "small", "-9223372036854775808")
    d.cmd("HINCRBY", "h", "small", "-1")
    d.cmd("HINCRBY", "h", "n", "x")
    d.cmd("HINCRBY", "h", "n", "1.0")
    d.cmd("HINCRBY", "h", "n", "9223372036854775808")
    d.cmd("HINCRBY", "newkey", "n", "9223372036854775807")
    d.cmd("HGETALL", "h")


def test_hincrbyfloat(d):
    d.cmd("HINCRBYFLOAT", "h", "x", "1.5")
    d.cmd("HINCRBYFLOAT", "h", "x", "-0.25")
    d.cmd("HINCRBYFLOAT", "h", "x", "1e10")
    d.cmd("HINCRBYFLOAT", "h", "x", "-10000000001.25")
    d.cmd("HSET", "h", "i", "10", "s", "abc", "big", "1e308")
    d.cmd("HINCRBYFLOAT", "h", "i", "0.1")
    d.cmd("HINCRBYFLOAT", "h", "i", "5")
    d.cmd("HINCRBYFLOAT", "h", "s", "1")
    d.cmd("HINCRBYFLOAT", "h", "x", "abc")
    d.cmd("HINCRBYFLOAT", "h", "x", "inf")
    d.cmd("HINCRBYFLOAT", "h", "x", "-inf")
    d.cmd("HINCRBYFLOAT", "h", "x", "nan")
    d.cmd("HINCRBYFLOAT", "h", "big", "1e308")
    d.cmd("HINCRBYFLOAT", "h", "big", "1e4932")
    d.cmd("HINCRBYFLOAT", "h", "x", "")
    d.cmd("HINCRBYFLOAT", "h", "x", " 1")
    d.cmd("OBJECT", "ENCODING", "h")  # the 4933-byte value converted it
    d.cmd_unordered("HGETALL", "h")


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("args", [
    ("HSET", "h"), ("HSET", "h", "f"), ("HSET", "h", "f", "v", "g"), ("HSETNX", "h", "f"),
    ("HGET", "h"), ("HMGET", "h"), ("HMSET", "h", "f"), ("HMSET", "h", "f", "v", "x"),
    ("HDEL", "h"), ("HLEN",), ("HLEN", "h", "x"), ("HSTRLEN", "h"), ("HEXISTS", "h"),
    ("HKEYS",), ("HVALS", "h", "x"), ("HGETALL",), ("HINCRBY", "h", "f"),
    ("HINCRBYFLOAT", "h", "f", "1", "2"), ("HRANDFIELD",), ("HSCAN", "h"),
])
def test_wrong_arity(d, args):
    d.cmd(*args)


def test_wrongtype(d):
    d.cmd("SET", "s", "v")
    for args in [("HSET", "s", "f", "v"), ("HSETNX", "s", "f", "v"), ("HGET", "s", "f"),
                 ("HMGET", "s", "f"), ("HMSET", "s", "f", "v"), ("HDEL", "s", "f"),
                 ("HLEN", "s"), ("HSTRLEN", "s", "f"), ("HEXISTS", "s", "f"), ("HKEYS", "s"),
                 ("HVALS", "s"), ("HGETALL", "s"), ("HINCRBY", "s", "f", "1"),
                 ("HINCRBY", "s", "f", "x"), ("HINCRBYFLOAT", "s", "f", "1"),
                 ("HINCRBYFLOAT", "s", "f", "x"), ("HRANDFIELD", "s"), ("HRANDFIELD", "s", "2"),
                 ("HRANDFIELD", "s", "x"), ("HSCAN", "s", "0"), ("HSCAN", "s", "x")]:
        d.cmd(*args)
    d.cmd("GET", "s")
    d.cmd("HSET", "h", "f", "v")
    d.cmd("GET", "h")
    d.cmd("INCR", "h")


# ---------------------------------------------------------------- HRANDFIELD

def test_hrandfield_deterministic_shapes(d):
    d.cmd("HRANDFIELD", "nokey")
    d.cmd("HRANDFIELD", "nokey", "3")
    d.cmd("HRANDFIELD", "nokey", "-3", "WITHVALUES")
    d.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    d.cmd("HRANDFIELD", "h", "0")
    d.cmd("HRANDFIELD", "h", "0", "WITHVALUES")
    # a count at least the size returns the whole (listpack) hash in order
    d.cmd("HRANDFIELD", "h", "3")
    d.cmd("HRANDFIELD", "h", "100", "withvalues")
    d.cmd("HRANDFIELD", "h", "x")
    d.cmd("HRANDFIELD", "nokey", "x")
    d.cmd("HRANDFIELD", "h", "1", "WITHVALUE")
    d.cmd("HRANDFIELD", "h", "1", "WITHVALUES", "x")
    d.cmd("HRANDFIELD", "h", "-9223372036854775808")
    d.cmd("HSET", "one", "only", "v")
    d.cmd("HRANDFIELD", "one")
    d.cmd("HRANDFIELD", "one", "-3")
    d.cmd("HRANDFIELD", "one", "-2", "WITHVALUES")


def test_hrandfield_count_checked_before_the_syntax(d):
    d.cmd("HSET", "h", "a", "1")
    for key in ("h", "missing"):
        d.cmd("HRANDFIELD", key, "x", "x")
        d.cmd("HRANDFIELD", key, "1.5", "WITHVALUES")
        d.cmd("HRANDFIELD", key, "-9223372036854775808", "x")
        d.cmd("HRANDFIELD", key, "-9223372036854775808", "WITHVALUES")
        d.cmd("HRANDFIELD", key, "-4611686018427387904", "WITHVALUES")
        d.cmd("HRANDFIELD", key, "4611686018427387904", "WITHVALUES")
        d.cmd("HRANDFIELD", key, "1", "WITHVALUES", "x")
        d.cmd("HRANDFIELD", key, "1", "foo")


def _pairs(v, resp3_nested):
    if resp3_nested:
        assert all(isinstance(p, list) and len(p) == 2 for p in v)
        return [tuple(p) for p in v]
    assert len(v) % 2 == 0
    return [(v[i], v[i + 1]) for i in range(0, len(v), 2)]


@pytest.mark.parametrize("n", [5, 300])
def test_hrandfield_properties(d, n):
    fill(d, "h", n)
    full = {f"f{i}".encode(): f"v{i}".encode() for i in range(n)}
    nested = d.proto == 3

    def one(v):
        return v in full
    d.check("HRANDFIELD", "h", one)
    for count in (1, 3, n - 1):
        def distinct(v, count=count):
            return len(v) == count and len(set(v)) == count and all(x in full for x in v)
        d.check("HRANDFIELD", "h", count, distinct)

        def distinct_wv(v, count=count):
            p = _pairs(v, nested)
            return len(p) == count and len({k for k, _ in p}) == count and all(full.get(k) == x for k, x in p)
        d.check("HRANDFIELD", "h", count, "WITHVALUES", distinct_wv)
    for count in (-1, -7, -(2 * n)):
        def reps(v, count=count):
            return len(v) == -count and all(x in full for x in v)
        d.check("HRANDFIELD", "h", count, reps)

        def reps_wv(v, count=count):
            p = _pairs(v, nested)
            return len(p) == -count and all(full.get(k) == x for k, x in p)
        d.check("HRANDFIELD", "h", count, "WITHVALUES", reps_wv)

    def whole(v):
        return sorted(v) == sorted(full)
    d.check("HRANDFIELD", "h", n + 5, whole)


# ---------------------------------------------------------------- HSCAN

def test_hscan_listpack_returns_all(d):
    d.cmd("HSCAN", "nokey", "0")
    d.cmd("HSCAN", "nokey", "0", "foo", "bar")
    fill(d, "h", 20)
    d.cmd("HSCAN", "h", "0")
    d.cmd("HSCAN", "h", "0", "COUNT", "2")
    d.cmd("HSCAN", "h", "0", "MATCH", "f1*")
    d.cmd("HSCAN", "h", "0", "match", "*", "count", "1")
    d.cmd("HSCAN", "h", "123")
    for bad in (("x",), ("0", "COUNT", "0"), ("0", "COUNT", "x"), ("0", "COUNT"),
                ("0", "MATCH"), ("0", "foo", "bar")):
        d.cmd("HSCAN", "h", *bad)


def test_hscan_hashtable_full_iteration(d):
    fill(d, "h", 1000)
    assert d.cmd("OBJECT", "ENCODING", "h") == b"hashtable"
    expected = {f"f{i}".encode(): f"v{i}".encode() for i in range(1000)}
    for side in d.sides:
        got = {}
        cursor = b"0"
        rounds = 0
        while True:
            cur, items = decode_one(side.call("HSCAN", "h", cursor, "COUNT", "50"))
            for i in range(0, len(items), 2):
                got[items[i]] = items[i + 1]
            cursor = cur
            rounds += 1
            if cursor == b"0":
                break
            assert rounds < 1000
        assert got == expected, side.label
    # MATCH on a hashtable: the union over a full scan
    for side in d.sides:
        cursor, seen = b"0", set()
        while True:
            cursor, items = decode_one(side.call("HSCAN", "h", cursor, "MATCH", "f99*"))
            seen.update(items[0::2])
            if cursor == b"0":
                break
        assert seen == {b"f99"} | {f"f99{i}".encode() for i in range(10)}


# ---------------------------------------------------------------- encodings

def test_encoding_by_count(d):
    with limits(d, hash_max_listpack_entries=4):
        fill(d, "h", 4)
        assert d.cmd("OBJECT", "ENCODING", "h") == b"listpack"
        d.cmd("HSET", "h", "f0", "changed")
        assert d.cmd("OBJECT", "ENCODING", "h") == b"listpack"
        d.cmd("HSET", "h", "new", "x")
        assert d.cmd("OBJECT", "ENCODING", "h") == b"hashtable"
        d.cmd("HDEL", "h", "new", "f0")
        assert d.cmd("OBJECT", "ENCODING", "h") == b"hashtable"  # never converts back
        d.cmd("HLEN", "h")
        d.cmd_unordered("HGETALL", "h")
        d.cmd_unordered("HKEYS", "h")
        d.cmd_unordered("HVALS", "h")
        fill(d, "big", 10)
        assert d.cmd("OBJECT", "ENCODING", "big") == b"hashtable"


def test_encoding_by_length(d):
    with limits(d, hash_max_listpack_value=8):
        d.cmd("HSET", "a", "f", "12345678")
        assert d.cmd("OBJECT", "ENCODING", "a") == b"listpack"
        d.cmd("HSET", "a", "f", "123456789")
        assert d.cmd("OBJECT", "ENCODING", "a") == b"hashtable"
        d.cmd("HSET", "b", "123456789", "v")
        assert d.cmd("OBJECT", "ENCODING", "b") == b"hashtable"
        d.cmd("HSETNX", "c", "f", "x" * 9)
        d.cmd("OBJECT", "ENCODING", "c")
        d.cmd("HMSET", "d", "f", "v", "g", "x" * 20)
        d.cmd("OBJECT", "ENCODING", "d")
        d.cmd("HINCRBYFLOAT", "e", "f", "1.0000000001")
        d.cmd("OBJECT", "ENCODING", "e")
        d.cmd("HINCRBY", "g", "f", "1000000000000")
        d.cmd("OBJECT", "ENCODING", "g")
        d.cmd("HGET", "a", "f")
        d.cmd("HSTRLEN", "b", "123456789")


def test_hash_max_listpack_entries_zero(d):
    with limits(d, hash_max_listpack_entries=0):
        d.cmd("HSET", "h", "a", "1")
        d.cmd("OBJECT", "ENCODING", "h")
        d.cmd("HGETALL", "h")


# ---------------------------------------------------------------- keyspace integration

def test_keyspace_commands_on_hashes(d):
    fill(d, "h", 5)
    fill(d, "big", 600)
    d.cmd("TYPE", "h")
    d.cmd("TYPE", "big")
    d.cmd("OBJECT", "ENCODING", "big")
    d.cmd("COPY", "h", "h2")
    d.cmd("HSET", "h2", "extra", "1")
    d.cmd("HGETALL", "h")
    d.cmd("HGETALL", "h2")
    d.cmd("COPY", "big", "big2")
    d.cmd("HLEN", "big2")
    d.cmd("HDEL", "big2", "f1")
    d.cmd("HLEN", "big")
    d.cmd("RENAME", "h2", "h3")
    d.cmd("HGETALL", "h3")
    d.cmd("EXPIRE", "h3", "100")
    d.approx("TTL", "h3")
    d.cmd("HSET", "h3", "more", "1")
    d.approx("TTL", "h3")
    d.cmd("PEXPIRE", "h3", "1")
    time.sleep(0.05)
    d.cmd("HGETALL", "h3")
    d.cmd("EXISTS", "h3")
    d.cmd("SET", "s", "v")
    d.check("SCAN", "0", "TYPE", "hash", "COUNT", "1000", scan_page)
    d.check("SCAN", "0", "TYPE", "string", "COUNT", "1000", scan_page)
    d.cmd("DEL", "h", "big")
    d.cmd("EXISTS", "h", "big")


# ---------------------------------------------------------------- randomized

def test_randomized_against_redis(d2):
    d = d2
    rng = random.Random(1234)
    keys = ["h1", "h2", "h3"]
    fields = [f"f{i}" for i in range(40)] + ["", "1", "-5", "x" * 70]
    values = ["", "0", "1", "-7", "3.5", "abc", "y" * 100, "9223372036854775807"]
    deadline = time.monotonic() + 20
    with limits(d, hash_max_listpack_entries=16, hash_max_listpack_value=32):
        for step in range(3000):
            if time.monotonic() > deadline:
                break
            k = rng.choice(keys)
            f = rng.choice(fields)
            op = rng.randrange(14)
            if op < 3:
                args = ["HSET", k]
                for _ in range(rng.randint(1, 3)):
                    args += [rng.choice(fields), rng.choice(values)]
                d.cmd(*args)
            elif op == 3:
                d.cmd("HSETNX", k, f, rng.choice(values))
            elif op == 4:
                d.cmd("HDEL", k, f, rng.choice(fields))
            elif op == 5:
                d.cmd("HGET", k, f)
            elif op == 6:
                d.cmd("HMGET", k, f, rng.choice(fields))
            elif op == 7:
                d.cmd("HINCRBY", k, f, rng.choice(["1", "-3", "100", "x"]))
            elif op == 8:
                d.cmd("HINCRBYFLOAT", k, f, rng.choice(["1.5", "-0.5", "2"]))
            elif op == 9:
                d.cmd("HLEN", k)
                d.cmd("HSTRLEN", k, f)
                d.cmd("HEXISTS", k, f)
            elif op == 10:
                d.cmd("OBJECT", "ENCODING", k)
            elif op == 11:
                d.cmd_unordered("HGETALL", k)
            elif op == 12:
                d.cmd_unordered("HKEYS", k)
                d.cmd_unordered("HVALS", k)
            else:
                if rng.random() < 0.05:
                    d.cmd("DEL", k)
                else:
                    d.cmd("EXISTS", k)


def test_huge_negative_count_refused_shoal(d):
    """Redis 7.0 crashes or exhausts memory on these; Shoal refuses them (checked on Shoal alone)."""
    from diffutil import requires_shoal
    requires_shoal("bounded HRANDFIELD/SRANDMEMBER/ZRANDMEMBER repetition counts")
    d.a.callv("HSET", "h", "a", "1")
    d.a.callv("SADD", "s", "a")
    d.a.callv("ZADD", "z", "1", "a")
    for args in (("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"),
                 ("HRANDFIELD", "h", "-100000000"), ("SRANDMEMBER", "s", "-100000000"),
                 ("ZRANDMEMBER", "z", "-100000000"), ("ZRANDMEMBER", "z", "-9223372036854775807")):
        assert isinstance(d.a.callv(*args), Err), args
    assert len(d.a.callv("HRANDFIELD", "h", "-1000")) == 1000
    assert len(d.a.callv("ZRANDMEMBER", "z", "-1000")) == 1000
    assert d.a.callv("PING") == "PONG"
