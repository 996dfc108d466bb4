"""Set commands, differential against redis-server: every reply byte-identical, in RESP2 and RESP3.

Redis 7.0 has no listpack encoding for sets (Shoal follows 7.2 there), so OBJECT ENCODING of small
non-integer sets, and the order of their members, are not compared with redis but checked apart.
"""
import contextlib
import random
import time

import pytest

from diffutil import Err, RespMap, limits, RespSet, d, d2, decode_one, pair, requires_shoal  # noqa: F401

WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")


@contextlib.contextmanager
def shoal_limits(d, **kv):
    """CONFIG SET on shoal only, for options redis 7.0 lacks (set-max-listpack-*)."""
    old = {}
    for k, v in kv.items():
        name = k.replace("_", "-")
        got = d.a.callv("CONFIG", "GET", name)
        old[name] = got.dict()[name.encode()] if isinstance(got, RespMap) else got[1]
        assert d.a.callv("CONFIG", "SET", name, v) == "OK"
    try:
        yield
    finally:
        for name, value in old.items():
            d.a.callv("CONFIG", "SET", name, value)


def scan_page(v):
    return (v[0], tuple(sorted(v[1])))


def ints(n, start=0):
    return [str(i) for i in range(start, start + n)]


def words(n, prefix="m"):
    return [f"{prefix}{i}" for i in range(n)]


# ---------------------------------------------------------------- basics

def test_sadd_srem_smembers_intset(d):
    assert d.cmd("SADD", "s", "3", "1", "2", "1") == 3
    d.cmd("SADD", "s", "-5", "100000", "9223372036854775807", "-9223372036854775808")
    d.cmd("SMEMBERS", "s")  # an intset answers in sorted order on both
    d.cmd("OBJECT", "ENCODING", "s")
    d.cmd("SCARD", "s")
    d.cmd("SISMEMBER", "s", "2")
    d.cmd("SISMEMBER", "s", "02")
    d.cmd("SISMEMBER", "s", "x")
    d.cmd("SMISMEMBER", "s", "1", "9", "x", "-5")
    assert d.cmd("SREM", "s", "1", "1", "7", "x") == 1
    d.cmd("SMEMBERS", "s")
    d.cmd("SREM", "s", "2", "3", "-5", "100000", "9223372036854775807", "-9223372036854775808")
    d.cmd("EXISTS", "s")
    d.cmd("SMEMBERS", "nokey")
    d.cmd("SCARD", "nokey")
    d.cmd("SISMEMBER", "nokey", "a")
    d.cmd("SMISMEMBER", "nokey", "a", "b")
    d.cmd("SREM", "nokey", "a")
    d.cmd("TYPE", "s")


def test_string_members(d):
    d.cmd("SADD", "s", "a", "b", "c", "a", "", b"\x00\xff\r\n")
    d.cmd_unordered("SMEMBERS", "s")
    d.cmd("SCARD", "s")
    d.cmd("SISMEMBER", "s", "")
    d.cmd("SISMEMBER", "s", b"\x00\xff\r\n")
    d.cmd("SMISMEMBER", "s", "a", "z")
    d.cmd("SREM", "s", "a", "")
    d.cmd_unordered("SMEMBERS", "s")
    d.cmd("TYPE", "s")


def test_integer_like_members(d):
    vals = ["0", "-0", "01", "+1", "1.0", " 1", "9223372036854775808", "-1", "00"]
    d.cmd("SADD", "s", *vals)
    d.cmd("SCARD", "s")
    for v in vals + ["1", "1 "]:
        d.cmd("SISMEMBER", "s", v)
    d.cmd_unordered("SMEMBERS", "s")


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("args", [
    ("SADD", "s"), ("SREM", "s"), ("SMEMBERS",), ("SMEMBERS", "a", "b"), ("SISMEMBER", "s"),
    ("SMISMEMBER", "s"), ("SCARD",), ("SPOP",), ("SRANDMEMBER",), ("SMOVE", "a", "b"),
    ("SINTER",), ("SINTERCARD", "1"), ("SINTERSTORE", "d"), ("SUNION",), ("SUNIONSTORE", "d"),
    ("SDIFF",), ("SDIFFSTORE", "d"), ("SSCAN", "s"),
])
def test_wrong_arity(d, args):
    d.cmd(*args)


def test_wrongtype(d):
    d.cmd("SET", "str", "v")
    d.cmd("SADD", "s", "1", "2")
    for args in [("SADD", "str", "a"), ("SREM", "str", "a"), ("SMEMBERS", "str"),
                 ("SISMEMBER", "str", "a"), ("SMISMEMBER", "str", "a"), ("SCARD", "str"),
                 ("SPOP", "str"), ("SPOP", "str", "2"), ("SPOP", "str", "x"),
                 ("SRANDMEMBER", "str"), ("SRANDMEMBER", "str", "2"), ("SRANDMEMBER", "str", "x"),
                 ("SMOVE", "str", "s", "1"), ("SMOVE", "s", "str", "1"), ("SMOVE", "nokey", "str", "1"),
                 ("SINTER", "s", "str"), ("SINTER", "str", "s"), ("SINTER", "nokey", "str"),
                 ("SINTERCARD", "2", "s", "str"), ("SINTERCARD", "2", "nokey", "str"),
                 ("SINTERSTORE", "d", "s", "str"), ("SUNION", "s", "str"), ("SUNION", "nokey", "str"),
                 ("SUNIONSTORE", "d", "str"), ("SDIFF", "s", "str"), ("SDIFF", "nokey", "str"),
                 ("SDIFFSTORE", "d", "nokey", "str"), ("SSCAN", "str", "0")]:
        d.cmd(*args)
    d.cmd("GET", "str")
    d.cmd("SMEMBERS", "s")


# ---------------------------------------------------------------- SPOP / SRANDMEMBER

def test_spop_srandmember_shapes(d):
    d.cmd("SPOP", "nokey")
    d.cmd("SPOP", "nokey", "3")
    d.cmd("SPOP", "nokey", "x")
    d.cmd("SPOP", "nokey", "-1")
    d.cmd("SRANDMEMBER", "nokey")
    d.cmd("SRANDMEMBER", "nokey", "3")
    d.cmd("SRANDMEMBER", "nokey", "-3")
    d.cmd("SRANDMEMBER", "nokey", "x")
    d.cmd("SADD", "s", "1", "2", "3")
    d.cmd("SPOP", "s", "0")
    d.cmd("SPOP", "s", "-1")
    d.cmd("SPOP", "s", "1.5")
    d.cmd("SPOP", "s", "1", "2")
    d.cmd("SRANDMEMBER", "s", "0")
    d.cmd("SRANDMEMBER", "s", "1", "2")
    d.cmd("SRANDMEMBER", "s", "x")
    d.cmd("SRANDMEMBER", "s", "-9223372036854775808")
    d.cmd("SRANDMEMBER", "s", "3")     # whole intset, sorted
    d.cmd("SRANDMEMBER", "s", "100")
    d.cmd("SADD", "one", "x")
    d.cmd("SRANDMEMBER", "one")
    d.cmd("SRANDMEMBER", "one", "-3")
    d.cmd("SPOP", "one")
    d.cmd("EXISTS", "one")
    d.cmd("SPOP", "s", "3")           # all of it, as a set, and the key goes
    d.cmd("EXISTS", "s")
    d.cmd("SADD", "s", "1", "2", "3")
    d.cmd("SPOP", "s", "10")
    d.cmd("EXISTS", "s")


@pytest.mark.parametrize("kind", ["int", "str", "bigstr"])
def test_spop_srandmember_properties(d, kind):
    n = {"int": 50, "str": 20, "bigstr": 400}[kind]
    members = ints(n) if kind == "int" else words(n)
    d.cmd("SADD", "s", *members)
    full = {m.encode() for m in members}

    d.check("SRANDMEMBER", "s", lambda v: v in full)
    for count in (1, 5, n - 1):
        d.check("SRANDMEMBER", "s", count,
                lambda v, c=count: len(v) == c and len(set(v)) == c and set(v) <= full)
    for count in (-1, -5, -3 * n):
        d.check("SRANDMEMBER", "s", count, lambda v, c=count: len(v) == -c and set(v) <= full)
    d.check("SRANDMEMBER", "s", n, lambda v: sorted(v) == sorted(full))

    popped = []

    def pop_one(v):
        popped.append(v)
        return v in full
    d.check("SPOP", "s", pop_one)
    # Each side popped its own random member: make the sets equal again.
    d.cmd("SADD", "s", *members)

    def pop_many(v):
        return isinstance(v, list) and len(v) == 7 and len(set(v)) == 7 and set(v) <= full
    d.check("SPOP", "s", "7", pop_many)
    d.cmd("SCARD", "s")
    d.cmd("SADD", "s", *members)
    d.check("SPOP", "s", n + 1, lambda v: sorted(v) == sorted(full))
    d.cmd("EXISTS", "s")


def test_spop_resp3_is_a_set(pair):
    pair.flushall()
    d = pair.session(3)
    try:
        d.cmd("SADD", "s", *words(10))
        d.check("SPOP", "s", "3", lambda v: isinstance(v, RespSet) and len(v) == 3)
    finally:
        d.close()


# ---------------------------------------------------------------- SMOVE

def test_smove(d):
    d.cmd("SADD", "a", "1", "2", "3")
    d.cmd("SADD", "b", "3", "4")
    assert d.cmd("SMOVE", "a", "b", "1") == 1
    d.cmd("SMEMBERS", "a")
    d.cmd("SMEMBERS", "b")
    d.cmd("SMOVE", "a", "b", "3")   # already in b
    d.cmd("SMEMBERS", "b")
    d.cmd("SMOVE", "a", "b", "nope")
    d.cmd("SMOVE", "nokey", "b", "1")
    d.cmd("SMOVE", "a", "a", "2")
    d.cmd("SMOVE", "a", "a", "9")
    d.cmd("SMOVE", "a", "new", "2")
    d.cmd("SMEMBERS", "new")
    d.cmd("OBJECT", "ENCODING", "new")
    d.cmd("SMEMBERS", "a")
    d.cmd("SMOVE", "a", "new", "3")   # empties a
    d.cmd("EXISTS", "a")
    d.cmd("SMEMBERS", "new")
    d.cmd("SADD", "c", "x")
    d.cmd("SMOVE", "c", "new", "x")
    d.cmd("SCARD", "new")
    d.cmd("SISMEMBER", "new", "x")


# ---------------------------------------------------------------- algebra

def test_sinter_sunion_sdiff_integers(d):
    # All-integer results are intsets on both servers, so even the order matches.
    d.cmd("SADD", "a", *ints(10))
    d.cmd("SADD", "b", *ints(10, 5))
    d.cmd("SADD", "c", "7", "8", "100")
    for cmd in ("SINTER", "SUNION", "SDIFF"):
        d.cmd(cmd, "a")
        d.cmd(cmd, "a", "b")
        d.cmd(cmd, "b", "a")
        d.cmd(cmd, "a", "b", "c")
        d.cmd(cmd, "a", "nokey")
        d.cmd(cmd, "nokey", "a")
        d.cmd(cmd, "a", "a")
        d.cmd(cmd, "nokey")
    for cmd in ("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"):
        d.cmd(cmd, "dst", "a", "b")
        d.cmd("SMEMBERS", "dst")
        d.cmd("OBJECT", "ENCODING", "dst")
        d.cmd(cmd, "a", "a", "c")   # destination among the sources
        d.cmd("SMEMBERS", "a")
        d.cmd("SADD", "a", *ints(10))
    d.cmd("SINTERSTORE", "dst", "a", "nokey")
    d.cmd("EXISTS", "dst")
    d.cmd("SDIFFSTORE", "dst", "a", "a")
    d.cmd("EXISTS", "dst")
    d.cmd("SUNIONSTORE", "dst", "nokey", "nokey2")
    d.cmd("EXISTS", "dst")


def test_store_overwrites_any_type_and_ttl(d):
    d.cmd("SADD", "a", "x", "y")
    d.cmd("SADD", "b", "y", "z")
    d.cmd("SET", "dst", "string")
    d.cmd("EXPIRE", "dst", "100")
    assert d.cmd("SINTERSTORE", "dst", "a", "b") == 1
    d.cmd("TYPE", "dst")
    d.cmd("TTL", "dst")
    d.cmd("SMEMBERS", "dst")
    d.cmd("HSET", "dst", "f", "v")
    d.cmd("SUNIONSTORE", "dst", "a", "b")
    d.cmd("TYPE", "dst")
    d.cmd_unordered("SMEMBERS", "dst")
    d.cmd("SET", "dst", "string")
    d.cmd("SDIFFSTORE", "dst", "a", "b")
    d.cmd("SMEMBERS", "dst")
    d.cmd("SET", "dst", "string")
    d.cmd("SDIFFSTORE", "dst", "a", "a")
    d.cmd("EXISTS", "dst")
    d.cmd("SET", "dst", "string")
    d.cmd("SINTERSTORE", "dst", "nokey", "a")
    d.cmd("EXISTS", "dst")


def test_algebra_strings_unordered(d):
    d.cmd("SADD", "a", *words(30))
    d.cmd("SADD", "b", *words(30, "m1"))
    d.cmd("SADD", "c", *words(10), *ints(5))
    for cmd in ("SINTER", "SUNION", "SDIFF"):
        d.cmd_unordered(cmd, "a", "b")
        d.cmd_unordered(cmd, "a", "c")
        d.cmd_unordered(cmd, "c", "a", "b")
    for cmd in ("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"):
        d.cmd(cmd, "dst", "a", "c")
        d.cmd_unordered("SMEMBERS", "dst")


def test_sintercard(d):
    d.cmd("SADD", "a", *ints(20))
    d.cmd("SADD", "b", *ints(20, 10))
    d.cmd("SADD", "c", *words(5))
    d.cmd("SINTERCARD", "1", "a")
    d.cmd("SINTERCARD", "2", "a", "b")
    d.cmd("SINTERCARD", "2", "a", "b", "LIMIT", "3")
    d.cmd("SINTERCARD", "2", "a", "b", "limit", "0")
    d.cmd("SINTERCARD", "2", "a", "b", "LIMIT", "100")
    d.cmd("SINTERCARD", "2", "a", "c")
    d.cmd("SINTERCARD", "2", "a", "nokey")
    d.cmd("SINTERCARD", "3", "a", "b", "a")
    for bad in (("0", "a"), ("-1", "a"), ("x", "a"), ("3", "a", "b"), ("1", "a", "LIMIT"),
                ("1", "a", "LIMIT", "-1"), ("1", "a", "LIMIT", "x"), ("1", "a", "foo"),
                ("1", "a", "LIMIT", "1", "LIMIT", "2"), ("1", "a", "b")):
        d.cmd("SINTERCARD", *bad)


def test_sintercard_keys_across_shards(d):
    # Keys with different hash slots land in different shards: the command locks them itself.
    keys = [f"k{i}" for i in range(12)]
    for k in keys:
        d.cmd("SADD", k, *ints(30))
    d.cmd("SINTERCARD", len(keys), *keys)
    d.cmd("SINTERSTORE", "dst", *keys)
    d.cmd("SUNIONSTORE", "dst2", *keys)
    d.cmd("SCARD", "dst")
    d.cmd("SCARD", "dst2")


# ---------------------------------------------------------------- SSCAN

def test_sscan_compact_returns_all(d):
    d.cmd("SSCAN", "nokey", "0")
    d.cmd("SSCAN", "nokey", "0", "foo", "bar")
    d.cmd("SADD", "s", *ints(30))
    d.cmd("SSCAN", "s", "0")
    d.cmd("SSCAN", "s", "0", "COUNT", "2")
    d.cmd("SSCAN", "s", "0", "MATCH", "1*")
    d.cmd("SSCAN", "s", "77")
    for bad in (("x",), ("0", "COUNT", "0"), ("0", "COUNT", "x"), ("0", "COUNT"),
                ("0", "MATCH"), ("0", "foo", "bar")):
        d.cmd("SSCAN", "s", *bad)


def test_sscan_hashtable_full_iteration(d):
    d.cmd("SADD", "s", *words(1000))
    expected = {m.encode() for m in words(1000)}
    for side in d.sides:
        cursor, got, rounds = b"0", set(), 0
        while True:
            cursor, items = decode_one(side.call("SSCAN", "s", cursor, "COUNT", "37"))
            got.update(items)
            rounds += 1
            if cursor == b"0":
                break
            assert rounds < 1000
        assert got == expected, side.label


# ---------------------------------------------------------------- encodings

def test_intset_to_hashtable_by_count(d):
    with limits(d, set_max_intset_entries=4):
        d.cmd("SADD", "s", "1", "2", "3", "4")
        assert d.cmd("OBJECT", "ENCODING", "s") == b"intset"
        d.cmd("SADD", "s", "5")
        assert d.cmd("OBJECT", "ENCODING", "s") == b"hashtable"
        d.cmd("SREM", "s", "5", "4")
        assert d.cmd("OBJECT", "ENCODING", "s") == b"hashtable"
        d.cmd_unordered("SMEMBERS", "s")


def test_intset_widths(d):
    d.cmd("SADD", "s", "1")
    d.cmd("SADD", "s", "40000")
    d.cmd("SADD", "s", "-3000000000")
    d.cmd("SMEMBERS", "s")
    d.cmd("OBJECT", "ENCODING", "s")
    d.cmd("SISMEMBER", "s", "40000")
    d.cmd("SREM", "s", "-3000000000")
    d.cmd("SMEMBERS", "s")


def test_small_encodings_shoal(d):
    """Redis 7.2's listpack sets, checked on Shoal alone (redis 7.0 has no such encoding)."""
    requires_shoal("set listpack encoding (Redis 7.2 behaviour)")
    t = d.a
    with shoal_limits(d, set_max_intset_entries=4, set_max_listpack_entries=6,
                      set_max_listpack_value=8):
        t.callv("DEL", "s")
        t.callv("SADD", "s", "1", "2", "3")
        assert t.callv("OBJECT", "ENCODING", "s") == b"intset"
        t.callv("SADD", "s", "abc")  # non-integer, small: listpack
        assert t.callv("OBJECT", "ENCODING", "s") == b"listpack"
        assert t.callv("SMEMBERS", "s") in ([b"1", b"2", b"3", b"abc"],)
        t.callv("SADD", "s", "x", "y")
        assert t.callv("OBJECT", "ENCODING", "s") == b"listpack"
        t.callv("SADD", "s", "z")  # 7 members > 6
        assert t.callv("OBJECT", "ENCODING", "s") == b"hashtable"
        # by value length
        t.callv("DEL", "s")
        t.callv("SADD", "s", "short")
        assert t.callv("OBJECT", "ENCODING", "s") == b"listpack"
        t.callv("SADD", "s", "123456789")
        assert t.callv("OBJECT", "ENCODING", "s") == b"hashtable"
        # an intset too big for a listpack goes straight to hashtable on a string member
        t.callv("DEL", "s")
        t.callv("SADD", "s", "1", "2", "3", "4")
        t.callv("SADD", "s", "a")  # intset had 4 < 6 entries: listpack
        assert t.callv("OBJECT", "ENCODING", "s") == b"listpack"
        with shoal_limits(d, set_max_listpack_entries=3):
            t.callv("DEL", "s")
            t.callv("SADD", "s", "1", "2", "3")
            t.callv("SADD", "s", "a")
            assert t.callv("OBJECT", "ENCODING", "s") == b"hashtable"
        # intset with a member longer than set-max-listpack-value
        t.callv("DEL", "s")
        t.callv("SADD", "s", "1234567890")
        t.callv("SADD", "s", "a")
        assert t.callv("OBJECT", "ENCODING", "s") == b"hashtable"
        # SADD creating a set with more members than the intset limit (7.2's size hint)
        t.callv("DEL", "s")
        t.callv("SADD", "s", "1", "2", "3", "4", "5")
        assert t.callv("OBJECT", "ENCODING", "s") == b"listpack"
        t.callv("DEL", "s")
        t.callv("SADD", "s", *ints(7))
        assert t.callv("OBJECT", "ENCODING", "s") == b"hashtable"
        # operations on a listpack set
        t.callv("DEL", "s")
        t.callv("SADD", "s", "a", "b", "7")
        assert t.callv("SISMEMBER", "s", "7") == 1
        assert t.callv("SMISMEMBER", "s", "a", "q") == [1, 0]
        assert t.callv("SREM", "s", "7", "q") == 1
        assert sorted(t.callv("SMEMBERS", "s")) == [b"a", b"b"]
        assert t.callv("SSCAN", "s", "0")[0] == b"0"
        assert t.callv("SPOP", "s") in (b"a", b"b")
        t.callv("DEL", "s")


# ---------------------------------------------------------------- keyspace integration

def test_keyspace_commands_on_sets(d):
    d.cmd("SADD", "s", *ints(5))
    d.cmd("SADD", "big", *words(600))
    d.cmd("TYPE", "s")
    d.cmd("TYPE", "big")
    d.cmd("OBJECT", "ENCODING", "s")
    d.cmd("OBJECT", "ENCODING", "big")
    d.cmd("COPY", "s", "s2")
    d.cmd("SADD", "s2", "99")
    d.cmd("SMEMBERS", "s")
    d.cmd("SMEMBERS", "s2")
    d.cmd("COPY", "big", "big2")
    d.cmd("SREM", "big2", "m1")
    d.cmd("SCARD", "big")
    d.cmd("SCARD", "big2")
    d.cmd("RENAME", "s2", "s3")
    d.cmd("SMEMBERS", "s3")
    d.cmd("EXPIRE", "s3", "100")
    d.approx("TTL", "s3")
    d.cmd("SADD", "s3", "1000")
    d.approx("TTL", "s3")
    d.cmd("PEXPIRE", "s3", "1")
    time.sleep(0.05)
    d.cmd("SMEMBERS", "s3")
    d.cmd("SET", "str", "v")
    d.check("SCAN", "0", "TYPE", "set", "COUNT", "1000", scan_page)
    d.cmd("DEL", "s", "big")


# ---------------------------------------------------------------- randomized

def test_randomized_against_redis(d2):
    d = d2
    rng = random.Random(4321)
    keys = ["s1", "s2", "s3"]
    members = ints(30) + ["-1", "x", "y", "", "z" * 70, "9223372036854775807"]
    deadline = time.monotonic() + 20
    with limits(d, set_max_intset_entries=20):
        for _ in range(3000):
            if time.monotonic() > deadline:
                break
            k = rng.choice(keys)
            op = rng.randrange(12)
            if op < 3:
                d.cmd("SADD", k, *rng.sample(members, rng.randint(1, 4)))
            elif op == 3:
                d.cmd("SREM", k, *rng.sample(members, rng.randint(1, 3)))
            elif op == 4:
                d.cmd("SISMEMBER", k, rng.choice(members))
                d.cmd("SMISMEMBER", k, rng.choice(members), rng.choice(members))
            elif op == 5:
                d.cmd("SCARD", k)
            elif op == 6:
                d.cmd_unordered("SMEMBERS", k)
            elif op == 7:
                d.cmd("SMOVE", k, rng.choice(keys), rng.choice(members))
            elif op == 8:
                d.cmd_unordered(rng.choice(["SINTER", "SUNION", "SDIFF"]), *rng.sample(keys, 2))
            elif op == 9:
                d.cmd(rng.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), rng.choice(keys),
                      *rng.sample(keys, 2))
            elif op == 10:
                d.cmd("SINTERCARD", "2", *rng.sample(keys, 2))
            else:
                d.cmd("EXISTS", k)
