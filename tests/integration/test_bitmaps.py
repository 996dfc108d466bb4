"""Bitmap commands (SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO), differential against
redis-server: every reply byte-identical in RESP2 and RESP3, the resulting strings identical, the
keyspace events identical. A randomized sequence covers the range arithmetic; a string grown by many
APPENDs must cost about as much per byte as in Redis (growth is amortized)."""
import random
import time

import pytest

from diffutil import d, pair  # noqa: F401  (fixtures)
from test_notifications import run_sequence

WRONG_ARGS = "ERR wrong number of arguments for '{}' command"


def test_setbit_getbit(d):
    d.cmd("SETBIT", "b", 7, 1)
    d.cmd("GET", "b")
    d.cmd("SETBIT", "b", 7, 1)
    d.cmd("SETBIT", "b", 7, 0)
    d.cmd("SETBIT", "b", 100, 1)  # grows with zeros
    d.cmd("GET", "b")
    d.cmd("STRLEN", "b")
    for off in (0, 7, 100, 101, 10**6):
        d.cmd("GETBIT", "b", off)
    d.cmd("GETBIT", "missing", 3)
    d.cmd("OBJECT", "ENCODING", "b")
    # Integers become their text.
    d.cmd("SET", "n", 12)
    d.cmd("SETBIT", "n", 1, 1)
    d.cmd("GET", "n")
    d.cmd("OBJECT", "ENCODING", "n")
    d.cmd("SET", "n2", 255)
    d.cmd("GETBIT", "n2", 2)
    d.cmd("GETBIT", "n2", 3)
    # The largest offset 512 MB allows, and the first one past it.
    d.cmd("GETBIT", "b", 4294967295)
    d.cmd("SETBIT", "big", 4294967296, 1)
    d.cmd("GETBIT", "b", 4294967296)


@pytest.mark.parametrize("args", [
    ("SETBIT", "k", -1, 1), ("SETBIT", "k", "x", 1), ("SETBIT", "k", "1.5", 1),
    ("SETBIT", "k", 1, 2), ("SETBIT", "k", 1, -1), ("SETBIT", "k", 1, "a"),
    ("GETBIT", "k", -1), ("GETBIT", "k", "abc"), ("GETBIT", "k", 4294967296),
    ("SETBIT", "k", 1), ("GETBIT", "k"), ("BITCOUNT",), ("BITPOS", "k"), ("BITOP", "AND", "d"),
    ("BITFIELD",), ("BITFIELD_RO",),
])
def test_argument_errors(d, args):
    d.cmd("SET", "k", "abc")
    d.cmd(*args)


def test_wrong_type(d):
    d.cmd("LPUSH", "l", "x")
    for args in (("SETBIT", "l", 1, 1), ("GETBIT", "l", 1), ("BITCOUNT", "l"), ("BITCOUNT", "l", 0, 1),
                 ("BITPOS", "l", 1), ("BITOP", "AND", "dest", "l"), ("BITOP", "NOT", "dest", "l"),
                 ("BITFIELD", "l", "GET", "u8", 0), ("BITFIELD", "l", "SET", "u8", 0, 1),
                 ("BITFIELD_RO", "l", "GET", "u8", 0)):
        d.cmd(*args)
    d.cmd("EXISTS", "dest")


def test_bitcount(d):
    d.cmd("SET", "s", "foobar")
    d.cmd("BITCOUNT", "s")
    for start, end in [(0, 0), (1, 1), (0, -1), (-2, -1), (-1, -2), (-100, -200), (-100, 100),
                       (3, 1), (0, 1000), (5, 5), (6, 10), (-6, -6)]:
        d.cmd("BITCOUNT", "s", start, end)
        d.cmd("BITCOUNT", "s", start, end, "BYTE")
        d.cmd("BITCOUNT", "s", start, end, "bit")
    d.cmd("BITCOUNT", "s", 1, 1, "BIT")
    d.cmd("BITCOUNT", "s", 5, 30, "BIT")
    d.cmd("BITCOUNT", "s", 0, "x")
    d.cmd("BITCOUNT", "s", 0, 1, "nibble")
    d.cmd("BITCOUNT", "s", -1, -5, "nibble")  # an empty negative range answers before the unit is read
    d.cmd("BITCOUNT", "s", 0)
    d.cmd("BITCOUNT", "s", 0, 1, "BIT", "extra")
    d.cmd("BITCOUNT", "missing")
    d.cmd("BITCOUNT", "missing", 0, "x")
    d.cmd("SET", "e", "")
    d.cmd("BITCOUNT", "e")
    d.cmd("BITCOUNT", "e", 0, -1)
    d.cmd("SET", "i", 1234567)
    d.cmd("BITCOUNT", "i")


def test_bitpos(d):
    d.cmd("SET", "s", b"\xff\xf0\x00")
    for bit in (0, 1):
        d.cmd("BITPOS", "s", bit)
        for args in [(0,), (1,), (2,), (3,), (-1,), (-10,), (0, 0), (0, 1), (1, 2), (2, 1), (-2, -1),
                     (-1, -2), (-100, -200), (0, 100)]:
            d.cmd("BITPOS", "s", bit, *args)
            if len(args) == 2:
                d.cmd("BITPOS", "s", bit, *args, "BYTE")
                d.cmd("BITPOS", "s", bit, *args, "BIT")
        for start, end in [(0, 3), (4, 11), (12, 15), (7, 8), (12, 23), (16, 23), (3, 3), (23, 100)]:
            d.cmd("BITPOS", "s", bit, start, end, "BIT")
    d.cmd("SET", "ones", b"\xff\xff\xff")
    d.cmd("BITPOS", "ones", 0)          # the first bit past the end
    d.cmd("BITPOS", "ones", 0, 0)
    d.cmd("BITPOS", "ones", 0, 0, -1)   # an explicit end: none
    d.cmd("BITPOS", "ones", 0, 2, 23, "BIT")
    d.cmd("SET", "zeros", b"\x00\x00")
    d.cmd("BITPOS", "zeros", 1)
    d.cmd("BITPOS", "zeros", 0)
    d.cmd("BITPOS", "missing", 0)
    d.cmd("BITPOS", "missing", 1)
    d.cmd("BITPOS", "missing", 1, "x")
    d.cmd("SET", "e", "")
    d.cmd("BITPOS", "e", 0)
    d.cmd("BITPOS", "e", 1)
    for bad in (("BITPOS", "s", 2), ("BITPOS", "s", -1), ("BITPOS", "s", "x"), ("BITPOS", "s", 1, "x"),
                ("BITPOS", "s", 1, 0, "y"), ("BITPOS", "s", 1, 0, 1, "nibble"),
                ("BITPOS", "s", 1, 0, 1, "BIT", "extra")):
        d.cmd(*bad)


def test_bitop(d):
    d.cmd("SET", "a", b"\x0f\xf0\xaa")
    d.cmd("SET", "b", b"\xff")
    d.cmd("SET", "c", 123)
    for op in ("AND", "or", "Xor"):
        d.cmd("BITOP", op, "dest", "a", "b")
        d.cmd("GET", "dest")
        d.cmd("BITOP", op, "dest", "a", "b", "c", "missing")
        d.cmd("GET", "dest")
        d.cmd("OBJECT", "ENCODING", "dest")
    d.cmd("BITOP", "NOT", "dest", "a")
    d.cmd("GET", "dest")
    d.cmd("BITOP", "NOT", "dest", "a", "b")
    d.cmd("BITOP", "NAND", "dest", "a")
    # dest is one of the sources
    d.cmd("BITOP", "XOR", "a", "a", "b")
    d.cmd("GET", "a")
    # every source missing: dest is deleted
    d.cmd("SET", "dest", "x")
    d.cmd("BITOP", "OR", "dest", "nope1", "nope2")
    d.cmd("EXISTS", "dest")
    d.cmd("BITOP", "NOT", "dest", "nope1")
    # the result replaces a key of another type and its TTL
    d.cmd("RPUSH", "list", "x")
    d.cmd("EXPIRE", "list", 100)
    d.cmd("BITOP", "AND", "list", "b")
    d.cmd("TYPE", "list")
    d.cmd("TTL", "list")
    # keys in different slots (shards)
    d.cmd("SET", "{x}1", "abc")
    d.cmd("SET", "{y}2", "xyz")
    d.cmd("BITOP", "XOR", "{z}3", "{x}1", "{y}2")
    d.cmd("GET", "{z}3")


def test_bitfield(d):
    d.cmd("BITFIELD", "f", "SET", "i8", 0, 100, "GET", "i8", 0, "INCRBY", "i8", 0, 27, "GET", "u8", 0)
    d.cmd("GET", "f")
    d.cmd("BITFIELD", "f", "INCRBY", "i8", 0, 1)  # wraps to -128
    d.cmd("BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i8", 0, -1000, "OVERFLOW", "FAIL",
          "INCRBY", "i8", 0, -1, "GET", "i8", 0)
    # The documentation's u2 counters.
    for _ in range(4):
        d.cmd("BITFIELD", "mykey", "INCRBY", "u2", 100, 1, "OVERFLOW", "SAT", "INCRBY", "u2", 102, 1)
    d.cmd("GET", "mykey")
    # '#N' offsets count fields; SET returns the old value.
    d.cmd("BITFIELD", "h", "SET", "u8", "#0", 65, "SET", "u8", "#1", 66, "SET", "u8", "#2", 67)
    d.cmd("GET", "h")
    d.cmd("BITFIELD", "h", "SET", "u8", "#1", 300, "OVERFLOW", "SAT", "SET", "u8", "#2", -5,
          "OVERFLOW", "FAIL", "SET", "u8", "#0", 256, "SET", "i4", 3, 100)
    d.cmd("GET", "h")
    # Widths and offsets at the edges, reads past the end, unaligned fields.
    d.cmd("BITFIELD", "w", "SET", "i64", 5, -1, "GET", "i64", 5, "GET", "u63", 6, "GET", "u1", 4,
          "GET", "i1", 5, "GET", "u16", 60, "GET", "i3", 1000)
    d.cmd("BITFIELD", "w", "INCRBY", "i64", 5, 9223372036854775807, "OVERFLOW", "SAT", "INCRBY", "i64", 5,
          9223372036854775807, "INCRBY", "i64", 5, 1, "OVERFLOW", "WRAP", "INCRBY", "u63", 200, -1)
    d.cmd("GET", "w")
    d.cmd("BITFIELD", "missing", "GET", "u8", 0, "GET", "i5", 3)
    d.cmd("EXISTS", "missing")
    d.cmd("BITFIELD", "missing")
    d.cmd("BITFIELD_RO", "h", "GET", "u8", 0, "get", "I16", "#1")
    d.cmd("BITFIELD_RO", "missing", "GET", "u8", 0)
    d.cmd("SET", "n", 1000)
    d.cmd("BITFIELD", "n", "GET", "u8", 0, "SET", "u8", 0, 50)
    d.cmd("GET", "n")
    # A failed overflow still creates the key, grown to the field.
    d.cmd("BITFIELD", "g", "OVERFLOW", "FAIL", "SET", "u2", 20, 7)
    d.cmd("GET", "g")


@pytest.mark.parametrize("args", [
    ("GET", "u8"), ("SET", "u8", 0), ("INCRBY", "u8", 0), ("OVERFLOW",), ("OVERFLOW", "maybe"),
    ("FOO", "u8", 0), ("GET", "u64", 0), ("GET", "i65", 0), ("GET", "i0", 0), ("GET", "x8", 0),
    ("GET", "", 0), ("GET", "u", 0), ("GET", "u8", -1), ("GET", "u8", "#-1"), ("GET", "u8", "x"),
    ("GET", "u8", "##1"), ("GET", "u8", 4294967296), ("SET", "u8", 0, "x"), ("INCRBY", "i8", 0, "1.5"),
    ("GET", "u8", 0, "SET", "u8", 0), ("SET", "i8", "#536870912", 1), ("GET", "u8", "1.0"),
])
def test_bitfield_errors(d, args):
    d.cmd("SET", "k", "abc")
    d.cmd("BITFIELD", "k", *args)
    d.cmd("BITFIELD_RO", "k", *args)
    d.cmd("GET", "k")


def test_bitfield_ro_refuses_writes(d):
    d.cmd("BITFIELD_RO", "k", "SET", "u8", 0, 1)
    d.cmd("BITFIELD_RO", "k", "GET", "u8", 0, "INCRBY", "u8", 0, 1)
    d.cmd("BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "u8", 0)
    d.cmd("EXISTS", "k")


def test_bitmap_command_info(d):
    for c in ("setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro"):
        d.cmd("COMMAND", "INFO", c)
        d.cmd("COMMAND", "GETKEYS", *{"bitop": ("BITOP", "AND", "d", "a", "b")}.get(c, (c, "k", "0", "1")))


@pytest.mark.parametrize("ops", [(), ("GET", "u8", 0), ("GET", "u8", 0, "OVERFLOW", "SAT", "GET", "i4", 1),
                                 ("SET", "u8", 0, 1), ("get", "u8", 0, "incrby", "u8", 0, 1), ("GET", "u8"),
                                 ("OVERFLOW",), ("bogus",)])
def test_bitfield_key_flags(d, ops):
    d.cmd("COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", *ops)
    d.cmd("COMMAND", "GETKEYSANDFLAGS", "BITFIELD_RO", "k", *ops)


def test_random_bit_sequence(d):
    """A random mix of every bitmap command over a few keys, each reply compared."""
    rng = random.Random(1234)
    keys = ["r1", "r2", "r3"]
    types = ["u1", "u3", "u8", "i8", "u15", "i16", "i32", "u63", "i64"]
    for _ in range(1500):
        k = rng.choice(keys)
        p = rng.random()
        idx = lambda: rng.randint(-40, 40)  # noqa: E731
        if p < 0.25:
            d.cmd("SETBIT", k, rng.randint(0, 300), rng.randint(0, 1))
        elif p < 0.35:
            d.cmd("GETBIT", k, rng.randint(0, 320))
        elif p < 0.5:
            args = [] if rng.random() < 0.2 else [idx(), idx()] + rng.choice([[], ["BIT"], ["BYTE"]])
            d.cmd("BITCOUNT", k, *args)
        elif p < 0.68:
            n = rng.randint(0, 3)
            extra = [idx() for _ in range(min(n, 2))] + (["BIT" if rng.random() < 0.5 else "BYTE"] if n == 3 else [])
            if n == 3:
                extra = [idx(), idx(), extra[-1]]
            d.cmd("BITPOS", k, rng.randint(0, 1), *extra)
        elif p < 0.75:
            op = rng.choice(["AND", "OR", "XOR", "NOT"])
            srcs = [rng.choice(keys)] if op == "NOT" else rng.sample(keys, rng.randint(1, 3))
            d.cmd("BITOP", op, rng.choice(keys), *srcs)
        elif p < 0.97:
            args = []
            for _ in range(rng.randint(1, 4)):
                t = rng.choice(types)
                off = rng.choice([str(rng.randint(0, 200)), "#" + str(rng.randint(0, 6))])
                kind = rng.random()
                if kind < 0.15:
                    args += ["OVERFLOW", rng.choice(["WRAP", "SAT", "FAIL"])]
                if kind < 0.5:
                    args += ["GET", t, off]
                elif kind < 0.75:
                    args += ["SET", t, off, rng.randint(-2**63, 2**63 - 1) if rng.random() < 0.3 else rng.randint(-300, 300)]
                else:
                    args += ["INCRBY", t, off, rng.randint(-2**63, 2**63 - 1) if rng.random() < 0.3 else rng.randint(-300, 300)]
            d.cmd("BITFIELD", k, *args)
        else:
            d.cmd("GET", k)
    for k in keys:
        d.cmd("GET", k)


BITMAP_EVENT_STEPS = [
    ("SETBIT", "e1", 5, 1),      # created
    ("SETBIT", "e1", 5, 1),      # unchanged
    ("SETBIT", "e1", 5, 0),      # changed
    ("SETBIT", "e1", 30, 0),     # grew, same bit
    ("BITFIELD", "e2", "GET", "u8", 0),
    ("BITFIELD", "e2", "SET", "u8", 0, 0),     # created with zeros
    ("BITFIELD", "e2", "SET", "u8", 0, 0),     # unchanged
    ("BITFIELD", "e2", "INCRBY", "u8", 0, 5),
    ("BITFIELD", "e2", "OVERFLOW", "FAIL", "INCRBY", "u8", 0, 300),
    ("BITOP", "OR", "e3", "e1", "e2"),
    ("BITOP", "AND", "e3", "none"),      # deleted
    ("BITOP", "AND", "e3", "none"),      # nothing to delete
    ("SETRANGE", "e4", 3, "x"),
    ("APPEND", "e4", "yz"),
]


def test_bitmap_keyspace_events(pair):
    run_sequence(pair, "KEA", BITMAP_EVENT_STEPS)


def test_append_and_setrange_grow_in_amortized_time(d):
    """A 4 MB string built from 100-byte APPENDs (and SETRANGEs past the end): same value as Redis,
    in comparable time. Copying the whole string on every append took ~12x Redis' time here."""
    chunk = b"x" * 100
    n = 40000
    for label, c in (("shoal", d.a), ("redis", d.b)):
        t0 = time.monotonic()
        for start in range(0, n, 1000):
            c.send_raw(b"".join(b"*3\r\n$6\r\nAPPEND\r\n$3\r\nbig\r\n$100\r\n" + chunk + b"\r\n" for _ in range(1000)))
            c.read_many(1000)
        elapsed = time.monotonic() - t0
        if label == "shoal":
            shoal_time = elapsed
        else:
            redis_time = elapsed
    d.cmd("STRLEN", "big")
    d.cmd("GETRANGE", "big", 3999990, -1)
    assert shoal_time < max(4 * redis_time, 1.0), (shoal_time, redis_time)
    for i in range(2000):
        d.a.send_raw(b"*4\r\n$8\r\nSETRANGE\r\n$2\r\nsr\r\n" + b"$%d\r\n%d\r\n" % (len(str(i * 50)), i * 50) + b"$50\r\n" + b"y" * 50 + b"\r\n")
        d.b.send_raw(b"*4\r\n$8\r\nSETRANGE\r\n$2\r\nsr\r\n" + b"$%d\r\n%d\r\n" % (len(str(i * 50)), i * 50) + b"$50\r\n" + b"y" * 50 + b"\r\n")
    assert d.a.read_many(2000) == d.b.read_many(2000)
    d.cmd("STRLEN", "sr")
    d.cmd("OBJECT", "ENCODING", "sr")
    d.cmd("SETRANGE", "sr", 0, "")
    d.cmd("SETRANGE", "new", 0, "123")
    d.cmd("OBJECT", "ENCODING", "new")
    d.cmd("GET", "new")
