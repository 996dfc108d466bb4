"""DUMP / RESTORE: payloads cross between redis-server 7.0 and Shoal in both directions for every type
and encoding (values compared after the trip), DUMP output byte-identical to Redis' where the encodings
match, every RESTORE option and error compared byte for byte with the `d` fixture, keyspace side effects
(events, WATCH, blocked clients, encoding thresholds, LRU/LFU metadata), legacy encodings Redis 7.0 still
loads, and hostile payloads (valid checksum, bad contents) that must be refused without harm."""
import random
import struct
import time

import pytest

from diffutil import Conn, Err, d, decode_one, pair, requires_shoal  # noqa: F401
from test_notifications import run_sequence

BAD = Err("ERR Bad data format")
CHECKSUM = Err("ERR DUMP payload version or checksum are wrong")
BUSY = Err("BUSYKEY Target key name already exists.")

# ----------------------------------------------------------------------------------------------------
# Building payloads by hand (documented RDB format facts)
# ----------------------------------------------------------------------------------------------------

_POLY = 0x95AC9329AC4BC9B5  # Jones polynomial, reflected
_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc64(data):
    c = 0
    for x in data:
        c = _TABLE[(c ^ x) & 0xFF] ^ (c >> 8)
    return c


def seal(body, version=10):
    """A DUMP payload: object bytes, 2-byte version, CRC64 of both."""
    b = bytes(body) + struct.pack("<H", version)
    return b + struct.pack("<Q", crc64(b))


def body_of(payload):
    return payload[:-10]


def rlen(n):
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | n >> 8, n & 0xFF])
    if n <= 0xFFFFFFFF:
        return b"\x80" + struct.pack(">I", n)
    return b"\x81" + struct.pack(">Q", n)


def rstr(s):
    s = s.encode() if isinstance(s, str) else s
    return rlen(len(s)) + s


def ziplist(items):
    """A ziplist of strings/ints (the pre-7.0 packed format)."""
    entries, prev, offsets = b"", 0, []
    for it in items:
        e = bytes([prev]) if prev < 254 else b"\xfe" + struct.pack("<I", prev)
        if isinstance(it, int):
            if 0 <= it <= 12:
                e += bytes([0xF1 + it])
            elif -128 <= it <= 127:
                e += b"\xfe" + struct.pack("<b", it)
            elif -32768 <= it <= 32767:
                e += b"\xc0" + struct.pack("<h", it)
            elif -(1 << 31) <= it < (1 << 31):
                e += b"\xd0" + struct.pack("<i", it)
            else:
                e += b"\xe0" + struct.pack("<q", it)
        else:
            s = it.encode() if isinstance(it, str) else it
            if len(s) < 64:
                e += bytes([len(s)]) + s
            elif len(s) < 16384:
                e += bytes([0x40 | len(s) >> 8, len(s) & 0xFF]) + s
            else:
                e += b"\x80" + struct.pack(">I", len(s)) + s
        offsets.append(10 + len(entries))
        entries += e
        prev = len(e)
    total = 10 + len(entries) + 1
    tail = offsets[-1] if offsets else 10
    return struct.pack("<IIH", total, tail, min(len(items), 65535)) + entries + b"\xff"


def _backlen(n):
    if n <= 127:
        return bytes([n])
    out = []
    while n:
        out.append(n & 127)
        n >>= 7
    out.reverse()
    return bytes([out[0]] + [b | 128 for b in out[1:]])


def listpack(items, count=None):
    """A Redis listpack (strings only, 6/12/32-bit lengths; ints as 7-bit or 64-bit)."""
    body = b""
    for it in items:
        if isinstance(it, int):
            e = bytes([it]) if 0 <= it <= 127 else b"\xf4" + struct.pack("<q", it)
        else:
            s = it.encode() if isinstance(it, str) else it
            if len(s) < 64:
                e = bytes([0x80 | len(s)]) + s
            elif len(s) < 4096:
                e = bytes([0xE0 | len(s) >> 8, len(s) & 0xFF]) + s
            else:
                e = b"\xf0" + struct.pack("<I", len(s)) + s
        body += e + _backlen(len(e))
    n = len(items) if count is None else count
    return struct.pack("<IH", 6 + len(body) + 1, min(n, 65535)) + body + b"\xff"


# ----------------------------------------------------------------------------------------------------
# Values of every type and encoding, and how to read them back
# ----------------------------------------------------------------------------------------------------

def snapshot(c, key):
    """A comparable picture of key's value through redis-py client c."""
    t = c.type(key).decode()
    if t == "string":
        return t, c.get(key)
    if t == "list":
        return t, c.lrange(key, 0, -1)
    if t == "hash":
        return t, sorted(c.hgetall(key).items())
    if t == "set":
        return t, sorted(c.smembers(key))
    if t == "zset":
        return t, c.zrange(key, 0, -1, withscores=True)
    return t, None


BIG = 3000
VALUES = {
    # strings: embstr, raw, int-encodable (8/16/32 bit), a wider int, LZF-compressible, incompressible
    "str:short": [("SET", "{k}", "hello")],
    "str:int8": [("SET", "{k}", "-12")],
    "str:int16": [("SET", "{k}", "30000")],
    "str:int32": [("SET", "{k}", "-2000000000")],
    "str:int64": [("SET", "{k}", "9223372036854775807")],
    "str:noncanonical": [("SET", "{k}", "007")],
    "str:empty": [("SET", "{k}", "")],
    "str:lzf": [("SET", "{k}", "abc" * 300)],
    "str:random": [("SET", "{k}", bytes(random.Random(1).getrandbits(8) for _ in range(500)))],
    "str:big": [("SET", "{k}", ("0123456789abcdef" * 70000)[:1000003])],
    "str:appended": [("SET", "{k}", "12"), ("APPEND", "{k}", "34")],
    "bitmap": [("SETBIT", "{k}", "100000", "1"), ("SETBIT", "{k}", "7", "1")],
    "hll:sparse": [("PFADD", "{k}", "a", "b", "c")],
    "hll:dense": [("PFADD", "{k}", *[f"e{i}" for i in range(5000)])],
    # lists (quicklist of listpacks): small, many nodes, long elements, ints of every width
    "list:small": [("RPUSH", "{k}", "a", "1", "-1", "300", "-70000", "5000000000", "x" * 70, "")],
    "list:nodes": [("RPUSH", "{k}", *[str(i) * 3 for i in range(BIG)])],
    "list:long": [("RPUSH", "{k}", *[("v%d" % i) * 700 for i in range(30)])],
    "list:lpush": [("LPUSH", "{k}", *[f"e{i}" for i in range(BIG)])],
    # hashes: listpack (ints, 6/12-bit lengths), hashtable by count and by value length
    "hash:listpack": [("HSET", "{k}", "f", "v", "n", "123", "neg", "-5", "big", "9" * 19, "l", "y" * 64)],
    "hash:ht-count": [("HSET", "{k}", *sum([[f"f{i}", f"v{i}"] for i in range(600)], []))],
    "hash:ht-long": [("HSET", "{k}", "f", "z" * 65, "g", "1")],
    # sets: intsets of each width, hashtable by content and by count
    "set:int16": [("SADD", "{k}", "1", "2", "-3", "30000")],
    "set:int32": [("SADD", "{k}", "1", "70000", "-70000")],
    "set:int64": [("SADD", "{k}", "1", "5000000000", "-9223372036854775808")],
    "set:strings": [("SADD", "{k}", "a", "b", "c", "1")],
    "set:ht-count": [("SADD", "{k}", *[str(i) for i in range(600)])],
    "set:big-strings": [("SADD", "{k}", *[f"m{i}" for i in range(BIG)])],
    # sorted sets: listpack with every score shape, skiplist by count and by member length
    "zset:listpack": [("ZADD", "{k}", "1", "a", "2.5", "b", "-0", "c", "inf", "d", "-inf", "e", "0.1", "f",
                       "1e20", "g", "-3", "h", "4503599627370497", "i", "123456789012", "j")],
    "zset:skiplist": [("ZADD", "{k}", *sum([[str(i * 0.37), f"m{i}"] for i in range(300)], []))],
    "zset:skiplist-long": [("ZADD", "{k}", "1", "m" * 65, "2", "n")],
    "geo": [("GEOADD", "{k}", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania")],
}

# DUMP output that must be byte for byte Redis' (the encodings match and the order is defined).
IDENTICAL = [k for k in VALUES if not k.startswith(("hash:ht", "set:strings", "set:ht", "set:big"))
             and k != "list:lpush"]


def load(d, name, key):
    for cmd in VALUES[name]:
        d.cmd(*[key if a == "{k}" else a for a in cmd])


@pytest.mark.parametrize("name", IDENTICAL)
def test_dump_byte_identical(d, name):
    load(d, name, "k")
    d.cmd("OBJECT", "ENCODING", "k")
    d.cmd("DUMP", "k")


def test_dump_without_compression(d):
    d.cmd("CONFIG", "SET", "rdbcompression", "no")
    try:
        d.cmd("CONFIG", "GET", "rdbcompression")
        for name in ("str:lzf", "hash:listpack", "list:nodes", "zset:skiplist"):
            load(d, name, name)
            d.cmd("DUMP", name)
    finally:
        d.cmd("CONFIG", "SET", "rdbcompression", "yes")
    d.cmd("CONFIG", "SET", "rdbcompression", "maybe")


@pytest.mark.parametrize("name", sorted(VALUES))
def test_dump_crosses_both_ways(pair, name):
    """DUMP on one server, RESTORE on the other (and on itself): the same value everywhere."""
    shoal, redis = pair.clients()
    try:
        pair.flushall()
        for c in (shoal, redis):
            for cmd in VALUES[name]:
                c.execute_command(*[("src" if a == "{k}" else a) for a in cmd])
        want = snapshot(redis, "src")
        assert snapshot(shoal, "src") == want
        from_redis, from_shoal = redis.dump("src"), shoal.dump("src")
        for dst in (shoal, redis):
            for i, p in enumerate((from_redis, from_shoal)):
                assert dst.restore(f"copy{i}", 0, p) in (True, b"OK")
                assert snapshot(dst, f"copy{i}") == want, (dst, i)
        # Both copies encode alike, and as Redis encodes its copies (except small sets of strings:
        # a listpack in Shoal, as in Redis 7.2, a hashtable in Redis 7.0).
        encs = [(c.object("encoding", "copy0"), c.object("encoding", "copy1")) for c in (shoal, redis)]
        assert encs[0][0] == encs[0][1] and encs[1][0] == encs[1][1], encs
        if name != "set:strings":
            assert encs[0] == encs[1], encs
    finally:
        shoal.close()
        redis.close()


def test_big_values_cross(pair):
    """Values well past the packed limits and several MB in size go both ways."""
    shoal, redis = pair.clients()
    try:
        pair.flushall()
        rnd = random.Random(7)
        items = [f"{j}:{rnd.random()}" for j in range(100000)]
        for c in (shoal, redis):
            p = c.pipeline(transaction=False)
            for i in range(0, 100000, 1000):
                p.rpush("l", *items[i:i + 1000])
                p.hset("h", mapping={f"f{j}": "v" * (j % 90) for j in range(i, i + 1000)})
                p.zadd("z", {f"m{j}": (j * 7919) % 100003 / 7 for j in range(i, i + 1000)})
                p.sadd("s", *[j * 3 for j in range(i, i + 1000)])
            p.execute()
        for key in ("l", "h", "z", "s"):
            want = snapshot(redis, key)
            for src, dst in ((redis, shoal), (shoal, redis)):
                dst.restore(key + "2", 0, src.dump(key), replace=True)
                assert snapshot(dst, key + "2") == want, (key, dst)
    finally:
        shoal.close()
        redis.close()


def test_compressed_list_nodes_from_redis(pair):
    """Redis with list-compress-depth writes its inner quicklist nodes LZF-compressed."""
    shoal, redis = pair.clients()
    try:
        pair.flushall()
        redis.config_set("list-compress-depth", 1)
        redis.rpush("l", *[f"item-{i % 50}" for i in range(20000)])
        payload = redis.dump("l")
        assert shoal.restore("l", 0, payload) in (True, b"OK")
        assert shoal.lrange("l", 0, -1) == redis.lrange("l", 0, -1)
    finally:
        redis.config_set("list-compress-depth", 0)
        shoal.close()
        redis.close()


def test_legacy_encodings(d):
    """Object types older Redis versions wrote, which Redis 7.0 still loads (RDB 9 and earlier)."""
    items = ["a", "bb", 7, -100, 70000, 1 << 40, "x" * 300]
    names = ["a", "bb", "7", "-100", "70000", str(1 << 40), "x" * 300]
    cases = {
        "list": b"\x01" + rlen(3) + rstr("a") + rstr("b") + rstr("a"),
        "list-ziplist": b"\x0a" + rstr(ziplist(items)),
        "list-quicklist": b"\x0e" + rlen(2) + rstr(ziplist(items)) + rstr(ziplist(["z"])),
        "set": b"\x02" + rlen(3) + rstr("3") + rstr("1") + rstr("-2"),
        "set-strings": b"\x02" + rlen(3) + rstr("x") + rstr("1") + rstr("y"),
        "zset-text": b"\x03" + rlen(3) + rstr("a") + b"\x031.5" + rstr("b") + b"\xfe" + rstr("c") + b"\xff",
        "zset-ziplist": b"\x0c" + rstr(ziplist(["o", -3, "m", 1, "n", "2.5"])),
        "hash": b"\x04" + rlen(2) + rstr("f") + rstr("v") + rstr("g") + rstr("12"),
        # (no long value: Redis 7.0 keeps one in a loaded listpack hash, Shoal converts it)
        "hash-ziplist": b"\x0d" + rstr(ziplist(sum([[n, i] for n, i in zip(names[:-1], items[:-1])], []))),
    }
    for name, body in cases.items():
        for version in (9, 10):
            d.cmd("RESTORE", name, "0", seal(body, version), "REPLACE")
            d.cmd("TYPE", name)
            if name != "set-strings":  # a listpack in Shoal (as in Redis 7.2), a hashtable in 7.0
                d.cmd("OBJECT", "ENCODING", name)
        t = d.cmd("TYPE", name)
        if t == "list":
            d.cmd("LRANGE", name, "0", "-1")
        elif t == "hash":
            d.cmd_unordered("HGETALL", name)
        elif t == "set":
            d.cmd_unordered("SMEMBERS", name)
        else:
            d.cmd("ZRANGE", name, "0", "-1", "WITHSCORES")
        if t == "zset":  # lists keep Redis' old node boundaries there; Shoal re-packs them
            d.cmd("DUMP", name)


# ----------------------------------------------------------------------------------------------------
# Options, errors, TTLs, metadata
# ----------------------------------------------------------------------------------------------------

def test_dump_missing_and_arity(d):
    assert d.cmd("DUMP", "nosuch") is None
    d.cmd("DUMP")
    d.cmd("DUMP", "a", "b")
    d.cmd("RESTORE")
    d.cmd("RESTORE", "k")
    d.cmd("RESTORE", "k", "0")


def test_restore_errors_as_redis(d):
    d.cmd("SET", "src", "value")
    p = d.cmd("DUMP", "src")
    d.cmd("SET", "busy", "x")
    for args in [
        ("k", "0", p, "IDLETIME"), ("k", "0", p, "FREQ"), ("k", "0", p, "FREQ", "5", "IDLETIME", "4"),
        ("k", "0", p, "IDLETIME", "4", "FREQ", "5"), ("k", "0", p, "IDLETIME", "x"),
        ("k", "0", p, "IDLETIME", "-1"), ("k", "0", p, "FREQ", "256"), ("k", "0", p, "FREQ", "-1"),
        ("k", "0", p, "FREQ", "1.5"), ("k", "0", p, "NOSUCH"), ("k", "0", p, "REPLACE", "x"),
        ("k", "-1", p), ("k", "x", p), ("k", "1.5", p), ("k", "", p),
        ("busy", "0", p), ("busy", "-1", p), ("busy", "0", b"junk"), ("busy", "0", p, "BAD"),
        ("k", "0", b""), ("k", "0", b"123456789"), ("k", "0", p[:-1] + bytes([p[-1] ^ 1])),
        ("k", "0", p[:-10] + b"\x0b\x00" + p[-8:]), ("k", "0", seal(body_of(p), 11)),
        ("k", "-1", b"junk"), ("k", "x", b"junk"),
        ("k", "0", seal(b"\x07abc")), ("k", "0", seal(b"\x0f")), ("k", "0", seal(b"\x00")),
        ("k", "0", seal(b"")), ("k", "0", seal(b"\x09" + rstr("x"))),
    ]:
        d.cmd("RESTORE", *args)
        d.cmd("EXISTS", "k")
    d.cmd("GET", "busy")


def test_restore_options_and_ttls(d):
    d.cmd("SET", "src", "value")
    p = d.cmd("DUMP", "src")
    d.cmd("RESTORE", "a", "0", p)
    d.cmd("PTTL", "a")
    d.cmd("RESTORE", "a", "0", p, "REPLACE", "replace")
    d.cmd("RESTORE", "b", "100000", p)
    d.approx("PTTL", "b", tol=50)
    far = int(time.time() * 1000) + 3_600_000
    d.cmd("RESTORE", "c", str(far), p, "ABSTTL")
    d.cmd("PEXPIRETIME", "c")
    # An absolute TTL in the past: OK, and no key (an existing one is deleted with REPLACE).
    d.cmd("RESTORE", "gone", "1000", p, "ABSTTL")
    d.cmd("EXISTS", "gone")
    d.cmd("RESTORE", "a", "1000", p, "ABSTTL", "REPLACE")
    d.cmd("EXISTS", "a")
    d.cmd("RESTORE", "a", "1000", p, "ABSTTL")
    d.cmd("RESTORE", "huge", "9223372036854775807", p)
    d.cmd("EXISTS", "huge")
    d.cmd("RESTORE", "huge", "9223372036854775807", p, "ABSTTL")
    d.cmd("PEXPIRETIME", "huge")
    d.cmd("RESTORE", "i", "0", p, "IDLETIME", "1000", "REPLACE", "ABSTTL")
    d.approx("OBJECT", "IDLETIME", "i", tol=1)
    d.cmd("RESTORE", "i", "0", p, "REPLACE", "IDLETIME", "0")
    d.approx("OBJECT", "IDLETIME", "i", tol=1)
    # FREQ is ignored outside LFU, IDLETIME under it.
    d.cmd("RESTORE", "f", "0", p, "FREQ", "77")
    d.cmd("OBJECT", "FREQ", "f")
    d.cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
    try:
        d.cmd("RESTORE", "f2", "0", p, "FREQ", "77")
        d.cmd("OBJECT", "FREQ", "f2")
        d.cmd("RESTORE", "f3", "0", p, "IDLETIME", "500")
        d.cmd("OBJECT", "FREQ", "f3")
        d.cmd("RESTORE", "f4", "0", p, "FREQ", "0")
        d.cmd("OBJECT", "FREQ", "f4")
    finally:
        d.cmd("CONFIG", "SET", "maxmemory-policy", "noeviction")
    # REPLACE of a key of another type with a TTL: the new value, without the old TTL.
    d.cmd("RPUSH", "l", "x")
    d.cmd("EXPIRE", "l", "100")
    d.cmd("RESTORE", "l", "0", p, "REPLACE")
    d.cmd("TYPE", "l")
    d.cmd("TTL", "l")


def test_restore_applies_encoding_thresholds(d):
    d.cmd("HSET", "h", *sum([[f"f{i}", f"v{i}"] for i in range(10)], []))
    d.cmd("ZADD", "z", *sum([[str(i), f"m{i}"] for i in range(10)], []))
    d.cmd("SADD", "s", *[str(i) for i in range(10)])
    d.cmd("RPUSH", "l", *[str(i) for i in range(10)])
    payloads = {k: d.cmd("DUMP", k) for k in ("h", "z", "s", "l")}
    d.cmd("CONFIG", "SET", "hash-max-listpack-entries", "4")
    d.cmd("CONFIG", "SET", "zset-max-listpack-entries", "4")
    d.cmd("CONFIG", "SET", "set-max-intset-entries", "4")
    try:
        for k, p in payloads.items():
            d.cmd("RESTORE", k + "2", "0", p)
            d.cmd("OBJECT", "ENCODING", k + "2")
            d.cmd("DUMP", k + "2") if k in ("z", "l") else None
    finally:
        d.cmd("CONFIG", "SET", "hash-max-listpack-entries", "128")
        d.cmd("CONFIG", "SET", "zset-max-listpack-entries", "128")
        d.cmd("CONFIG", "SET", "set-max-intset-entries", "512")
    # A small skiplist payload loads as a listpack again.
    d.cmd("ZADD", "zbig", *sum([[str(i), f"m{i}"] for i in range(200)], []))
    p = d.cmd("DUMP", "zbig")
    d.cmd("ZREMRANGEBYRANK", "zbig", "0", "195")
    small = d.cmd("DUMP", "zbig")
    d.cmd("RESTORE", "zsmall", "0", small)
    d.cmd("OBJECT", "ENCODING", "zsmall")
    d.cmd("RESTORE", "zbig2", "0", p)
    d.cmd("OBJECT", "ENCODING", "zbig2")


def test_restore_keyspace_events(pair):
    pair.flushall()
    c = Conn(pair.ref.host, pair.ref.port)
    c.call("SET", "src", "v")
    payload = c.call("DUMP", "src")
    c.call("RPUSH", "lsrc", "a", "b")
    lpayload = c.call("DUMP", "lsrc")
    c.close()
    p, lp = decode_one(payload), decode_one(lpayload)
    got = run_sequence(pair, "KEA", [
        ("RESTORE", "k", "0", p), ("RESTORE", "k", "0", p), ("RESTORE", "k", "0", p, "REPLACE"),
        ("RESTORE", "k", "1", p, "ABSTTL", "REPLACE"), ("RESTORE", "l", "5000", lp),
        ("RESTORE", "x", "0", b"bad"),
    ])
    assert any("restore" in g for g in got)
    run_sequence(pair, "Eg", [("RESTORE", "k", "0", p), ("RESTORE", "k", "0", p, "REPLACE")])
    run_sequence(pair, "Kgn", [("RESTORE", "k", "0", p), ("RESTORE", "k", "0", p, "REPLACE")])


def two_sessions(pair):
    pair.flushall()
    return pair.session(), pair.session()


def test_restore_touches_watch(pair):
    """A RESTORE of a watched key aborts the watcher's transaction, as in Redis."""
    a, b = two_sessions(pair)
    a.cmd("SET", "src", "v")
    p = a.cmd("DUMP", "src")
    a.cmd("WATCH", "k")
    b.cmd("RESTORE", "k", "0", p)
    a.cmd("MULTI")
    a.cmd("GET", "k")
    assert a.cmd("EXEC") is None
    a.cmd("WATCH", "k")
    b.cmd("RESTORE", "k", "0", p, "REPLACE")
    a.cmd("MULTI")
    a.cmd("GET", "k")
    assert a.cmd("EXEC") is None
    a.close()
    b.close()


def test_restore_wakes_blocked_clients(pair):
    a, b = two_sessions(pair)
    b.cmd("RPUSH", "src", "x", "y")
    b.cmd("ZADD", "zsrc", "1", "m")
    lp, zp = b.cmd("DUMP", "src"), b.cmd("DUMP", "zsrc")
    b.cmd("DEL", "src", "zsrc")
    for key, block, payload in (("l", ("BLPOP", "l", "5"), lp), ("z", ("BZPOPMIN", "z", "5"), zp)):
        for conn in a.sides:
            conn.send(*block)
        time.sleep(0.2)
        b.cmd("RESTORE", key, "0", payload)
        ra, rb = a.sides[0].read(timeout=5), a.sides[1].read(timeout=5)
        assert ra == rb, (ra, rb)
        b.cmd("LRANGE" if key == "l" else "ZRANGE", key, "0", "-1")
    a.close()
    b.close()


# ----------------------------------------------------------------------------------------------------
# Hostile payloads
# ----------------------------------------------------------------------------------------------------

def hostile_bodies():
    lp2 = listpack(["f", "v", "g", "w"])
    yield "string past the end", b"\x00" + rlen(100) + b"abc"
    yield "string of 4 GiB claimed", b"\x00" + rlen(1 << 32) + b"abc"
    yield "64-bit length", b"\x00\x81" + b"\xff" * 8 + b"x"
    yield "bad length form", b"\x00\x82abc"
    yield "unknown string encoding", b"\x00\xc4abc"
    yield "lzf claiming 500 MB", b"\x00\xc3" + rlen(3) + rlen(500 << 20) + b"\x01ab"
    yield "lzf claiming 2 GB", b"\x00\xc3" + rlen(3) + rlen(2 << 30) + b"\x01ab"
    yield "lzf bad backref", b"\x00\xc3" + rlen(4) + rlen(30) + b"\x00a\xe0\x40"
    yield "lzf wrong length", b"\x00\xc3" + rlen(4) + rlen(10) + b"\x02abc"
    yield "list count 2^60", b"\x01" + rlen(1 << 60) + rstr("a")
    yield "quicklist nodes 2^40", b"\x12" + rlen(1 << 40) + b"\x02" + rstr(listpack(["a"]))
    yield "quicklist bad container", b"\x12\x01\x03" + rstr(listpack(["a"]))
    yield "listpack bytes mismatch", b"\x12\x01\x02" + rstr(lp2[:-1] + b"\x00\xff")
    yield "listpack no terminator", b"\x12\x01\x02" + rstr(lp2[:-1] + b"\x00")
    yield "listpack count mismatch", b"\x12\x01\x02" + rstr(listpack(["a", "b"], count=3))
    bad_back = bytearray(listpack(["abc"]))
    bad_back[6 + 4] = 9
    yield "listpack bad backlen", b"\x12\x01\x02" + rstr(bytes(bad_back))
    big_entry = bytearray(listpack(["abc"]))
    big_entry[6] = 0x80 | 60
    yield "listpack entry past its end", b"\x12\x01\x02" + rstr(bytes(big_entry))
    yield "listpack 32-bit string huge", b"\x12\x01\x02" + rstr(
        struct.pack("<IH", 6 + 6 + 1, 1) + b"\xf0\xff\xff\xff\x7f\x05\xff")
    yield "listpack invalid encoding", b"\x12\x01\x02" + rstr(struct.pack("<IH", 9, 1) + b"\xf5\x01\xff")
    yield "empty list", b"\x12\x00"
    yield "empty listpack node only", b"\x12\x01\x02" + rstr(listpack([]))
    yield "hash duplicate field (listpack)", b"\x10" + rstr(listpack(["f", "v", "f", "w"]))
    yield "hash odd listpack", b"\x10" + rstr(listpack(["f", "v", "g"]))
    yield "hash empty listpack", b"\x10" + rstr(listpack([]))
    yield "hash duplicate field", b"\x04\x02" + rstr("f") + rstr("v") + rstr("f") + rstr("w")
    yield "hash empty", b"\x04\x00"
    yield "set duplicate", b"\x02\x02" + rstr("a") + rstr("a")
    yield "set empty", b"\x02\x00"
    yield "intset bad width", b"\x0b" + rstr(struct.pack("<II", 3, 1) + b"\x01\x00\x00")
    yield "intset size mismatch", b"\x0b" + rstr(struct.pack("<II", 2, 3) + b"\x01\x00")
    yield "intset count huge", b"\x0b" + rstr(struct.pack("<II", 8, 0xFFFFFFFF) + b"\x01" * 8)
    yield "intset unsorted", b"\x0b" + rstr(struct.pack("<IIhh", 2, 2, 5, 1))
    yield "intset duplicate", b"\x0b" + rstr(struct.pack("<IIhh", 2, 2, 5, 5))
    yield "intset empty", b"\x0b" + rstr(struct.pack("<II", 2, 0))
    yield "zset duplicate", b"\x05\x02" + rstr("a") + struct.pack("<d", 1) + rstr("a") + struct.pack("<d", 2)
    yield "zset nan", b"\x05\x01" + rstr("a") + struct.pack("<d", float("nan"))
    yield "zset text nan", b"\x03\x01" + rstr("a") + b"\xfd"
    yield "zset text junk", b"\x03\x01" + rstr("a") + b"\x03abc"
    yield "zset listpack odd", b"\x11" + rstr(listpack(["a", "1", "b"]))
    yield "zset listpack duplicate", b"\x11" + rstr(listpack(["a", "1", "a", "2"]))
    yield "zset count 2^50", b"\x05" + rlen(1 << 50) + rstr("a") + struct.pack("<d", 1)
    yield "ziplist bad prevlen", b"\x0a" + rstr(ziplist(["a", "b"])[:-4] + b"\x07\x01b\xff")
    yield "ziplist bad tail", b"\x0a" + rstr(struct.pack("<IIH", 14, 99, 1) + b"\x00\x01a\xff")
    yield "ziplist bad encoding", b"\x0a" + rstr(struct.pack("<IIH", 13, 10, 1) + b"\x00\xc1\xff")
    yield "stream type", b"\x0f\x00"
    yield "module type", b"\x07\x00"


@pytest.mark.parametrize("name,body", list(hostile_bodies()), ids=[n for n, _ in hostile_bodies()])
def test_hostile_payloads_rejected_as_redis_with_sanitizing(d, name, body):
    """With a valid checksum and bad contents, Shoal answers Bad data format and stays healthy; Redis
    with sanitize-dump-payload yes (its full validation) answers the same."""
    d.b.call("CONFIG", "SET", "sanitize-dump-payload", "yes")
    try:
        d.cmd("RESTORE", "k", "0", seal(body))
        d.cmd("EXISTS", "k")
        d.cmd("PING")
    finally:
        d.b.call("CONFIG", "SET", "sanitize-dump-payload", "no")


# Payloads Redis 7.0 accepts even with sanitize-dump-payload yes that Shoal refuses.
STRICTER_THAN_REDIS = [
    ("zset listpack score that is no number (Redis reads it as 0)", b"\x11" + rstr(listpack(["a", "xyz"]))),
    ("zset text score with junk after it", b"\x03\x01" + rstr("a") + b"\x041.5x"),
]


@pytest.mark.parametrize("name,body", STRICTER_THAN_REDIS, ids=[n for n, _ in STRICTER_THAN_REDIS])
def test_hostile_payloads_shoal_refuses(pair, name, body):
    requires_shoal()
    shoal, _ = pair.clients()
    try:
        with pytest.raises(Exception, match="Bad data format"):
            shoal.restore("k", 0, seal(body))
        assert shoal.exists("k") == 0
    finally:
        shoal.close()


def _valid_payloads(c):
    out = []
    for name in ("str:lzf", "list:small", "list:nodes", "hash:listpack", "hash:ht-count", "set:int32",
                 "set:strings", "zset:listpack", "zset:skiplist", "str:int16"):
        for cmd in VALUES[name]:
            c.execute_command(*[("src" if a == "{k}" else a) for a in cmd])
        out.append(c.dump("src"))
        c.delete("src")
    return out


def test_truncations_and_byte_flips_never_harm_shoal(pair):
    """Every truncation of valid payloads (resealed with a valid checksum) and thousands of random byte
    flips: Shoal replies OK or Bad data format, never crashes, and what it restores reads back whole."""
    requires_shoal()
    shoal, _ = pair.clients()
    try:
        pair.flushall()
        rnd = random.Random(42)
        payloads = _valid_payloads(shoal)
        for p in payloads:
            body = body_of(p)
            step = max(1, len(body) // 300)
            for n in list(range(1, len(body), step)) + [len(body) - 1]:
                try:
                    shoal.restore("t", 0, seal(body[:n]), replace=True)
                except Exception as e:  # noqa: BLE001
                    assert str(e) == "Bad data format", e
            for _ in range(400):
                b = bytearray(body)
                for _ in range(rnd.randint(1, 4)):
                    b[rnd.randrange(len(b))] = rnd.randrange(256)
                try:
                    shoal.restore("f", 0, seal(bytes(b)), replace=True)
                    snapshot(shoal, "f")
                    shoal.dump("f")
                except Exception as e:  # noqa: BLE001
                    assert str(e) == "Bad data format", e
        assert shoal.ping()
    finally:
        shoal.close()


def test_restore_caps_the_total_decompressed_size(pair):
    """A payload of many small LZF-compressed list nodes, each well within proto-max-bulk-len and
    the payload itself too, but expanding to more than proto-max-bulk-len in all: refused (Redis
    restores it; Shoal lets one RESTORE allocate no more than one largest bulk string)."""
    requires_shoal()
    shoal, _ = pair.clients()
    try:
        pair.flushall()
        for i in range(0, 120000, 10000):
            shoal.rpush("src", *[("x" * 40) + str(i + j % 7) for j in range(10000)])
        payload = shoal.dump("src")
        assert len(payload) < (1 << 20) // 4, len(payload)  # about 5 MB of elements, well compressed
        shoal.config_set("proto-max-bulk-len", "1mb")
        with pytest.raises(Exception, match="Bad data format"):
            shoal.restore("dst", 0, payload)
        assert shoal.exists("dst") == 0
        shoal.config_set("proto-max-bulk-len", "512mb")
        assert shoal.restore("dst", 0, payload)
        assert shoal.llen("dst") == 120000 and shoal.lrange("dst", -1, -1) == shoal.lrange("src", -1, -1)
    finally:
        shoal.config_set("proto-max-bulk-len", "512mb")
        shoal.close()
