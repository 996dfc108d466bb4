"""Generic key commands and TTLs, differential against redis-server (RESP2 and RESP3), plus properties
for what legitimately differs (SCAN cursors, RANDOMKEY, OBJECT IDLETIME/REFCOUNT) and Shoal's TTL jitter."""
import itertools
import random
import time

import pytest

from diffutil import (Conn, Err, Status, decode_one, d, d2, encode, pair, requires_shoal,  # noqa: F401
                      start_target, wait_until)

NOT_INT = Err("ERR value is not an integer or out of range")
SYNTAX = Err("ERR syntax error")
OUT_OF_RANGE = Err("ERR DB index is out of range")
SAME_OBJECT = Err("ERR source and destination objects are the same")


def fill(d, n, prefix="key:", ttl=None):
    cmds = []
    for i in range(n):
        c = ["SET", f"{prefix}{i}", f"v{i}"]
        if ttl:
            c += ["PX", ttl]
        cmds.append(c)
    d.pipeline(cmds)


# ---------------------------------------------------------------- DEL UNLINK EXISTS TOUCH TYPE

def test_del_unlink_exists_touch(d):
    d.cmd("MSET", "a", "1", "b", "2", "c", "3", "{x}1", "4", "{x}2", "5")
    assert d.cmd("EXISTS", "a", "b", "missing", "a") == 3
    assert d.cmd("TOUCH", "a", "b", "missing", "a") == 3
    assert d.cmd("DEL", "a", "a", "missing") == 1
    assert d.cmd("UNLINK", "b", "c", "c") == 2
    assert d.cmd("EXISTS", "a", "b", "c") == 0
    assert d.cmd("DEL", "{x}1", "{x}2", "{x}3") == 2
    d.cmd("DEL", "nothing")
    d.cmd("UNLINK", "nothing")
    d.cmd("TOUCH", "nothing")
    for c in ["DEL", "UNLINK", "EXISTS", "TOUCH", "TYPE"]:
        d.cmd(c)
    d.cmd("TYPE", "a", "b")


def test_del_many_keys_across_shards(d):
    fill(d, 500)
    keys = [f"key:{i}" for i in range(0, 600, 3)]
    d.cmd("EXISTS", *keys)
    assert d.cmd("DEL", *keys) == len([k for k in keys if int(k[4:]) < 500])
    d.cmd("DBSIZE")
    d.cmd("EXISTS", *[f"key:{i}" for i in range(500)])


def test_type(d):
    d.cmd("SET", "s", "v")
    d.cmd("SET", "n", "123")
    assert d.cmd("TYPE", "s") == Status("string")
    assert d.cmd("TYPE", "n") == "string"
    assert d.cmd("TYPE", "missing") == "none"


def test_type_of_other_kinds_LATER(d):
    """LATER (lists): TYPE, SCAN TYPE, OBJECT ENCODING and COPY on a list key."""
    d.needs_type("list")
    d.cmd("RPUSH", "l", "a", "b")
    d.cmd("SET", "s", "v")
    assert d.cmd("TYPE", "l") == "list"
    d.cmd("OBJECT", "ENCODING", "l")
    d.cmd("COPY", "l", "l2")
    d.cmd("LRANGE", "l2", "0", "-1")
    d.cmd("RENAME", "l2", "l3")
    d.cmd("TYPE", "l3")
    for c in d.sides:
        assert scan_all(c, "TYPE", "list") == {b"l", b"l3"}
        assert scan_all(c, "TYPE", "string") == {b"s"}


# ---------------------------------------------------------------- RENAME RENAMENX

def test_rename(d):
    d.cmd("SET", "a", "1")
    assert d.cmd("RENAME", "a", "b") == "OK"
    assert d.cmd("MGET", "a", "b") == [None, b"1"]
    assert d.cmd("RENAME", "missing", "x") == Err("ERR no such key")
    assert d.cmd("RENAME", "b", "b") == "OK"
    d.cmd("RENAME", "missing", "missing")
    # overwrite: value and TTL come from the source
    d.cmd("SET", "src", "s", "EX", "100")
    d.cmd("SET", "dst", "d", "EX", "5000")
    d.cmd("RENAME", "src", "dst")
    d.approx("TTL", "dst")
    d.cmd("SET", "src", "s")
    d.cmd("SET", "dst", "d", "EX", "5000")
    d.cmd("RENAME", "src", "dst")
    assert d.cmd("TTL", "dst") == -1
    # across hash slots / shards
    d.cmd("SET", "{one}k", "v", "PX", "500000")
    d.cmd("RENAME", "{one}k", "{two}k")
    d.check("PTTL", "{two}k", lambda v: 490_000 <= v <= 500_000)
    d.cmd("RENAME", "a")
    d.cmd("RENAME", "a", "b", "c")


def test_renamenx(d):
    d.cmd("MSET", "a", "1", "b", "2")
    assert d.cmd("RENAMENX", "a", "b") == 0
    assert d.cmd("RENAMENX", "a", "c") == 1
    assert d.cmd("MGET", "a", "b", "c") == [None, b"2", b"1"]
    d.cmd("RENAMENX", "c", "c")
    d.cmd("RENAMENX", "missing", "x")
    d.cmd("SET", "t", "v", "EX", "100")
    d.cmd("RENAMENX", "t", "u")
    d.approx("TTL", "u")
    d.cmd("RENAMENX", "a")


# ---------------------------------------------------------------- COPY

def test_copy(d):
    d.cmd("SET", "a", "1")
    assert d.cmd("COPY", "a", "b") == 1
    assert d.cmd("GET", "b") == b"1"
    d.cmd("SET", "b", "changed")
    assert d.cmd("GET", "a") == b"1"  # a real copy
    assert d.cmd("COPY", "a", "b") == 0
    assert d.cmd("COPY", "a", "b", "REPLACE") == 1
    assert d.cmd("GET", "b") == b"1"
    assert d.cmd("COPY", "missing", "b") == 0
    assert d.cmd("COPY", "missing", "b", "REPLACE") == 0
    assert d.cmd("COPY", "a", "a") == SAME_OBJECT
    assert d.cmd("COPY", "a", "a", "DB", "0") == SAME_OBJECT
    d.cmd("SET", "t", "v", "EX", "100")
    d.cmd("COPY", "t", "t2")
    d.approx("TTL", "t2")
    d.cmd("SET", "big", "x" * 100)
    d.cmd("COPY", "big", "{other}big")
    d.cmd("OBJECT", "ENCODING", "{other}big")
    d.cmd("SET", "n", "12345")
    d.cmd("COPY", "n", "n2")
    d.cmd("OBJECT", "ENCODING", "n2")


def test_copy_db(d):
    d.cmd("SET", "a", "1", "EX", "100")
    assert d.cmd("COPY", "a", "a", "DB", "1") == 1
    assert d.cmd("COPY", "a", "a", "DB", "1") == 0
    d.cmd("SET", "a", "2")
    assert d.cmd("COPY", "a", "a", "DB", "1", "REPLACE") == 1
    assert d.cmd("COPY", "a", "b", "REPLACE", "DB", "15") == 1
    d.cmd("SELECT", "1")
    assert d.cmd("GET", "a") == b"2"
    d.cmd("TTL", "a")
    d.cmd("SELECT", "15")
    d.cmd("GET", "b")
    d.cmd("SELECT", "0")
    assert d.cmd("COPY", "a", "b", "DB", "16") == OUT_OF_RANGE
    d.cmd("COPY", "a", "b", "DB", "-1")
    assert d.cmd("COPY", "a", "b", "DB", "x") == NOT_INT
    d.cmd("COPY", "a", "b", "DB")
    assert d.cmd("COPY", "a", "b", "FOO") == SYNTAX
    d.cmd("COPY", "a", "b", "REPLACE", "REPLACE")
    d.cmd("COPY", "a")
    d.cmd("COPY")


# ---------------------------------------------------------------- KEYS

KEY_NAMES = ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "a[b]c", "abc", "x\\y", "",
             "foo:1", "foo:2", "foo:10", "bar:1", "ééé", "sp ace", "-", "[", "]", "^x", "a-b", "aXb", "{tag}1"]

PATTERNS = ["*", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo", "h[b-a]llo", "foo:*", "*:1", "foo:?",
            "foo:[0-9]*", "h\\*llo", "h\\?llo", "*\\\\*", "a\\[b\\]c", "[", "[a-", "*[", "a[", "[^",
            "\\", "**", "*o*o*", "?", "", "[]]", "[\\]]", "[!a]*", "*é*", "a?b", "a[X-]b", "{tag}*", "x\\\\y",
            "***********************h"]


def test_keys_patterns(d):
    d.pipeline([("SET", k, "v") for k in KEY_NAMES])
    for p in PATTERNS:
        d.cmd_unordered("KEYS", p)
    d.cmd("KEYS")
    d.cmd("KEYS", "a", "b")


def test_keys_large_and_other_db(d):
    fill(d, 2000)
    d.cmd_unordered("KEYS", "key:1*")
    assert len(d.cmd_unordered("KEYS", "*")) == 2000
    d.cmd("SELECT", "3")
    assert d.cmd("KEYS", "*") == []


# ---------------------------------------------------------------- SCAN (properties: cursors differ)

def scan_all(conn, *opts, grow=None, max_calls=100000):
    """Runs a full SCAN on a Conn; returns the set of keys. grow(i) is called between calls."""
    seen = set()
    cursor = b"0"
    for i in range(max_calls):
        r = conn.callv("SCAN", cursor, *opts)
        assert isinstance(r, list) and len(r) == 2, f"{conn.label}: bad SCAN reply {r!r}"
        cursor, keys = r
        assert isinstance(cursor, bytes) and cursor.isdigit(), f"{conn.label}: bad cursor {cursor!r}"
        seen.update(keys)
        if cursor == b"0":
            return seen
        if grow:
            grow(i)
    raise AssertionError(f"{conn.label}: SCAN did not finish in {max_calls} calls")


def test_scan_returns_every_key(d2):
    d = d2
    fill(d, 1500)
    d.pipeline([("SET", f"other:{i}", "v") for i in range(100)])
    want = {f"key:{i}".encode() for i in range(1500)}
    for c in d.sides:
        assert scan_all(c) == want | {f"other:{i}".encode() for i in range(100)}, c.label
        assert scan_all(c, "COUNT", "7") >= want, c.label
        assert scan_all(c, "COUNT", "1000") >= want, c.label
        assert scan_all(c, "MATCH", "other:*") == {f"other:{i}".encode() for i in range(100)}, c.label
        assert scan_all(c, "MATCH", "key:1??", "COUNT", "50") == {f"key:{i}".encode() for i in range(100, 200)}
        assert scan_all(c, "TYPE", "string", "MATCH", "other:9*") == {b"other:9"} | {
            f"other:{i}".encode() for i in range(90, 100)}
        assert scan_all(c, "TYPE", "list") == set()
        assert scan_all(c, "MATCH", "nomatch*") == set()


def test_scan_count_bounds_page_size(d2):
    d = d2
    fill(d, 1000)
    for c in d.sides:
        r = c.callv("SCAN", "0", "COUNT", "10")
        # COUNT is a hint; a page far larger than it on a big table means the cursor is not incremental
        assert len(r[1]) <= 100, f"{c.label}: SCAN COUNT 10 returned {len(r[1])} keys in one page"
        assert r[0] != b"0", f"{c.label}: SCAN COUNT 10 finished 1000 keys in one call"


def test_scan_no_key_missed_while_table_grows(d2):
    """Every key present for the whole scan is returned, although the table grows (and rehashes)
    between the calls: 500 keys at the start, +60 per call for the first 60 calls (to 4100 keys)."""
    d = d2
    fill(d, 500, prefix="orig:")
    for c in d.sides:
        added = [0]

        def grow(i, c=c):
            if i >= 60:
                return
            payload = b"".join(
                b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n" % (len(k), k)
                for k in (f"new:{c.label}:{added[0] + j}".encode() for j in range(60)))
            c.send_raw(payload)
            c.read_many(60)
            added[0] += 60

        seen = scan_all(c, "COUNT", "10", grow=grow)
        missing = {f"orig:{i}".encode() for i in range(500)} - seen
        assert not missing, f"{c.label}: SCAN missed {len(missing)} keys present throughout, e.g. {sorted(missing)[:5]}"
        assert added[0] >= 1200, f"{c.label}: the scan ended before the table grew much ({added[0]} keys added)"


def test_scan_with_deletes_between_calls(d2):
    d = d2
    fill(d, 800)
    for c in d.sides:
        deleted = set()

        def shrink(i, c=c):
            ks = [f"key:{j}".encode() for j in range(i * 5, i * 5 + 5) if j % 2]
            ks = [k for k in ks if k not in deleted]
            if ks:
                c.callv("DEL", *ks)
                deleted.update(ks)

        seen = scan_all(c, "COUNT", "10", grow=shrink)
        kept = {f"key:{i}".encode() for i in range(800)} - deleted
        assert kept <= seen, f"{c.label}: missed {sorted(kept - seen)[:5]}"


def test_scan_errors_and_empty(d):
    assert d.cmd("SCAN", "0") == [b"0", []]
    d.cmd("SCAN", "0", "MATCH", "*", "COUNT", "5", "TYPE", "string")
    d.cmd("SET", "a", "1")
    assert d.cmd("SCAN", "abc") == Err("ERR invalid cursor")
    d.cmd("SCAN", "18446744073709551616")
    d.cmd("SCAN", "1.5")
    assert d.cmd("SCAN", "0", "COUNT", "0") == SYNTAX
    d.cmd("SCAN", "0", "COUNT", "-1")
    d.cmd("SCAN", "0", "COUNT", "x")
    d.cmd("SCAN", "0", "COUNT")
    d.cmd("SCAN", "0", "MATCH")
    d.cmd("SCAN", "0", "TYPE")
    d.cmd("SCAN", "0", "FOO", "bar")
    d.cmd("SCAN")


# ---------------------------------------------------------------- RANDOMKEY DBSIZE FLUSHDB FLUSHALL


def test_scan_cursor_parsed_like_strtoul(d):
    # Redis reads the cursor with strtoul: a sign is allowed ('-' wraps around), "" is 0, a lone
    # sign or a leading space is not a cursor. Shoal's cursors are its own, so only cursors that
    # end the scan at once, or errors, are compared byte for byte.
    cursors = ("-0", "+0", "", "00000000000000000000000", "-", "+", " 0", "0 ", "0x0", "--0",
               "18446744073709551616", "-18446744073709551616")
    d.cmd("SET", "k", "v")  # one key: the order of a page's keys is each server's own
    for c in cursors:
        d.cmd("SCAN", c)
    d.cmd("SADD", "s", "a")
    for c in cursors:
        d.cmd("SSCAN", "s", c)
    for c in ("-1", "+1", "18446744073709551615", "-18446744073709551615"):
        assert not isinstance(d.both("SCAN", c)[0], Err)
        assert not isinstance(d.both("HSCAN", "missing", c)[0], Err)
    d.cmd("SSCAN", "s", "-0", "0")


def test_randomkey(d):
    assert d.cmd("RANDOMKEY") is None
    d.cmd("SET", "only", "v")
    assert d.cmd("RANDOMKEY") == b"only"
    fill(d, 50)
    keys = {f"key:{i}".encode() for i in range(50)} | {b"only"}
    seen = set()
    for _ in range(60):
        a, b = d.both("RANDOMKEY")
        assert a in keys and b in keys, (a, b)
        seen.add(a)
    assert len(seen) > 5, f"RANDOMKEY on the target returned only {seen}"
    d.cmd("RANDOMKEY", "x")


def test_randomkey_skips_expired(d):
    d.cmd("SET", "live", "v")
    fill(d, 30, prefix="dead:", ttl=30)
    time.sleep(0.1)
    for _ in range(20):
        assert d.cmd("RANDOMKEY") == b"live"


def test_dbsize_flushdb_flushall(d):
    assert d.cmd("DBSIZE") == 0
    fill(d, 100)
    assert d.cmd("DBSIZE") == 100
    d.cmd("SELECT", "1")
    fill(d, 10)
    assert d.cmd("DBSIZE") == 10
    assert d.cmd("FLUSHDB") == "OK"
    assert d.cmd("DBSIZE") == 0
    d.cmd("SELECT", "0")
    assert d.cmd("DBSIZE") == 100
    assert d.cmd("FLUSHDB", "ASYNC") == "OK"
    assert d.cmd("DBSIZE") == 0
    fill(d, 10)
    d.cmd("FLUSHDB", "sync")
    assert d.cmd("GET", "key:1") is None
    assert d.cmd("FLUSHDB", "FOO") == SYNTAX
    d.cmd("FLUSHDB", "SYNC", "ASYNC")
    fill(d, 10)
    d.cmd("SELECT", "5")
    fill(d, 10)
    assert d.cmd("FLUSHALL") == "OK"
    assert d.cmd("DBSIZE") == 0
    d.cmd("SELECT", "0")
    assert d.cmd("DBSIZE") == 0
    fill(d, 10)
    d.cmd("FLUSHALL", "ASYNC")
    d.cmd("DBSIZE")
    fill(d, 10)
    d.cmd("FLUSHALL", "SYNC")
    d.cmd("KEYS", "*")
    d.cmd("FLUSHALL", "BAD")
    d.cmd("DBSIZE", "x")


# ---------------------------------------------------------------- MOVE SWAPDB

def test_move(d):
    d.cmd("SET", "a", "1", "EX", "100")
    assert d.cmd("MOVE", "a", "1") == 1
    assert d.cmd("EXISTS", "a") == 0
    assert d.cmd("MOVE", "a", "1") == 0
    d.cmd("SET", "a", "2")
    assert d.cmd("MOVE", "a", "1") == 0  # exists there already
    assert d.cmd("GET", "a") == b"2"
    assert d.cmd("MOVE", "a", "0") == SAME_OBJECT
    assert d.cmd("MOVE", "a", "16") == OUT_OF_RANGE
    d.cmd("MOVE", "a", "-1")
    assert d.cmd("MOVE", "a", "x") == NOT_INT
    d.cmd("MOVE", "missing", "2")
    d.cmd("SELECT", "1")
    assert d.cmd("GET", "a") == b"1"
    d.approx("TTL", "a")
    d.cmd("MOVE", "a")
    d.cmd("MOVE", "a", "1", "2")


def test_swapdb(d):
    d.cmd("SET", "in0", "zero")
    d.cmd("SELECT", "1")
    d.cmd("SET", "in1", "one", "EX", "100")
    d.cmd("SELECT", "0")
    assert d.cmd("SWAPDB", "0", "1") == "OK"
    # this connection stays on db 0, which now holds what db 1 held
    assert d.cmd("GET", "in1") == b"one"
    d.approx("TTL", "in1")
    assert d.cmd("GET", "in0") is None
    d.cmd("SELECT", "1")
    assert d.cmd("GET", "in0") == b"zero"
    d.cmd("SWAPDB", "1", "1")
    d.cmd("GET", "in0")
    assert d.cmd("SWAPDB", "0", "16") == OUT_OF_RANGE
    d.cmd("SWAPDB", "-1", "0")
    assert d.cmd("SWAPDB", "x", "0") == Err("ERR invalid first DB index")
    assert d.cmd("SWAPDB", "0", "x") == Err("ERR invalid second DB index")
    d.cmd("SWAPDB", "0")
    d.cmd("SWAPDB", "0", "1", "2")



def test_db_index_outside_c_int(d):
    # Redis reads DB indexes as C ints: past that range SELECT, MOVE and COPY name the range, and
    # SWAPDB calls the index invalid.
    d.cmd("SET", "k", "v")
    for v in ("2147483648", "-2147483649", "4294967296", "9223372036854775807", "2147483647",
              "-2147483648", "16", "-1"):
        d.cmd("SELECT", v)
        d.cmd("MOVE", "k", v)
        d.cmd("COPY", "k", "k2", "DB", v)
        d.cmd("SWAPDB", v, "0")
        d.cmd("SWAPDB", "0", v)


def test_swapdb_seen_by_other_connection(pair):
    pair.flushall()
    s1, s2 = pair.session(), pair.session()
    try:
        s2.cmd("SELECT", "2")
        s1.cmd("SELECT", "3")
        s1.cmd("SET", "k", "from3")
        s1.cmd("SWAPDB", "2", "3")
        assert s2.cmd("GET", "k") == b"from3"
        assert s1.cmd("GET", "k") is None
    finally:
        s1.close()
        s2.close()


# ---------------------------------------------------------------- OBJECT

ENCODING_VALUES = ["0", "1", "-1", "12345", "9999", "10000", "-10000", "9223372036854775807",
                   "-9223372036854775808", "9223372036854775808", "0123", "-0", "+1", " 1", "1.5", "1e5", "",
                   "abc", "x" * 44, "x" * 45, "x" * 1000, "12345678901234567890"]


def test_object_encoding(d):
    for i, v in enumerate(ENCODING_VALUES):
        d.cmd("SET", f"k{i}", v)
        d.cmd("OBJECT", "ENCODING", f"k{i}")
    d.cmd("SET", "s", "short")
    d.cmd("APPEND", "s", "er")
    assert d.cmd("OBJECT", "ENCODING", "s") == b"raw"
    d.cmd("SET", "n", "100")
    assert d.cmd("OBJECT", "ENCODING", "n") == b"int"
    d.cmd("INCR", "n")
    assert d.cmd("OBJECT", "ENCODING", "n") == b"int"
    d.cmd("INCRBY", "big", "1000000000")
    d.cmd("OBJECT", "ENCODING", "big")
    d.cmd("SET", "e", "hello")
    assert d.cmd("OBJECT", "ENCODING", "e") == b"embstr"
    d.cmd("SETRANGE", "e", "0", "j")
    d.cmd("OBJECT", "ENCODING", "e")
    assert d.cmd("OBJECT", "ENCODING", "missing") is None


def test_object_other_subcommands(d):
    d.cmd("SET", "k", "v")
    d.cmd("SET", "n", "5")
    assert d.cmd("OBJECT", "FREQ", "k") == Err(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
        "switching between policies at runtime LRU and LFU data will take some time to adjust.")
    d.cmd("OBJECT", "FREQ", "missing")
    d.check("OBJECT", "IDLETIME", "k", lambda v: type(v) is int and 0 <= v <= 3)
    assert d.cmd("OBJECT", "IDLETIME", "missing") is None
    d.check("OBJECT", "REFCOUNT", "k", lambda v: type(v) is int and v >= 1)
    d.check("OBJECT", "REFCOUNT", "n", lambda v: type(v) is int and v >= 1)
    assert d.cmd("OBJECT", "REFCOUNT", "missing") is None
    assert d.cmd("OBJECT", "FOO") == Err("ERR unknown subcommand 'FOO'. Try OBJECT HELP.")
    d.cmd("OBJECT", "foo", "k")
    assert d.cmd("OBJECT") == Err("ERR wrong number of arguments for 'object' command")
    assert d.cmd("OBJECT", "ENCODING") == Err("ERR wrong number of arguments for 'object|encoding' command")
    d.cmd("OBJECT", "ENCODING", "k", "x")
    d.cmd("OBJECT", "IDLETIME")
    d.cmd("OBJECT", "REFCOUNT")
    d.cmd("OBJECT", "FREQ")
    d.cmd("OBJECT", "HELP", "x")


def test_object_help(d):
    def is_help(v):
        if not isinstance(v, list) or not v or not all(isinstance(x, Status) for x in v):
            return False
        text = "\n".join(v)
        return v[0].startswith("OBJECT <subcommand>") and all(
            s in text for s in ("ENCODING", "FREQ", "IDLETIME", "REFCOUNT", "HELP"))
    d.check("OBJECT", "HELP", is_help)
    d.check("object", "help", is_help)
    d.cmd("OBJECT", "HELP")  # byte for byte too: the last line is Redis' "Prints this help."


def test_object_idletime_grows_and_resets(d2):
    d2.cmd("SET", "k", "v")
    time.sleep(2.1)
    d2.check("OBJECT", "IDLETIME", "k", lambda v: 1 <= v <= 4)
    d2.cmd("GET", "k")
    d2.check("OBJECT", "IDLETIME", "k", lambda v: 0 <= v <= 1)


# ---------------------------------------------------------------- EXPIRE family

EXPIRE_ERRORS = [
    ("EXPIRE", "k", "10", "NX", "XX"), ("EXPIRE", "k", "10", "GT", "LT"), ("EXPIRE", "k", "10", "NX", "GT"),
    ("EXPIRE", "k", "10", "NX", "LT"), ("EXPIRE", "k", "10", "XX", "NX"), ("EXPIRE", "k", "10", "FOO"),
    ("EXPIRE", "k", "abc"), ("EXPIRE", "k", "1.5"), ("EXPIRE", "k", ""), ("EXPIRE", "k"),
    ("EXPIRE", "k", "9223372036854775807"), ("EXPIRE", "k", "-9223372036854775808"),
    ("EXPIRE", "k", "9223372036854775"), ("PEXPIRE", "k", "9223372036854775807"),
    ("EXPIREAT", "k", "9223372036854775807"),
    ("PEXPIRE", "k", "10", "GT", "LT"), ("EXPIREAT", "k", "10", "NX", "XX"), ("PEXPIREAT", "k", "x"),
    ("EXPIRE", "k", "10", "nx", "xx"), ("PEXPIREAT", "k", "10", "BAR"), ("EXPIREAT", "k"), ("PEXPIRE", "k"),
]


def test_expire_errors(d):
    d.cmd("SET", "k", "v")
    for c in EXPIRE_ERRORS:
        assert isinstance(d.cmd(*c), Err), c
    assert d.cmd("TTL", "k") == -1
    assert d.cmd("EXPIRE", "k", "10", "NX", "XX") == Err(
        "ERR NX and XX, GT or LT options at the same time are not compatible")
    assert d.cmd("EXPIRE", "k", "10", "GT", "LT") == Err("ERR GT and LT options at the same time are not compatible")
    assert d.cmd("EXPIRE", "k", "10", "FOO") == Err("ERR Unsupported option FOO")
    assert d.cmd("EXPIRE", "k", "9223372036854775807") == Err("ERR invalid expire time in 'expire' command")
    d.cmd("PEXPIRE", "k", "9223372036854775807")
    d.cmd("EXPIREAT", "k", "9223372036854775807")
    d.cmd("EXPIRE", "k", "10", "NX", "NX")
    d.cmd("PEXPIREAT", "k", "9223372036854775807")  # accepted: the largest deadline there is
    d.cmd("TTL", "k")
    d.cmd("PEXPIRETIME", "k")
    d.cmd("TTL", "k")



def test_expire_options_checked_before_the_time(d):
    d.cmd("SET", "k", "v")
    for cmd in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"):
        d.cmd(cmd, "k", "x", "foo")
        d.cmd(cmd, "k", "x", "NX", "XX")
        d.cmd(cmd, "k", "x", "GT", "LT")
        d.cmd(cmd, "k", "1.5", "nx", "bar")
        d.cmd(cmd, "missing", "x", "zz")
    d.cmd("EXISTS", "k")


def test_expire_far_in_the_past_deletes(d):
    # A negative time far in the past is not an overflow (basetime + when stays in range).
    for cmd in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"):
        d.cmd("SET", "k", "v")
        d.cmd(cmd, "k", "-9223372036854775808")
        d.cmd("EXISTS", "k")
        d.cmd("SET", "k", "v")
        d.cmd(cmd, "k", "-9223372036854775807", "GT")
        d.cmd(cmd, "k", "-9223372036854775807", "LT")
        d.cmd("EXISTS", "k")


def test_expire_basic(d):
    assert d.cmd("EXPIRE", "missing", "100") == 0
    d.cmd("SET", "k", "v")
    assert d.cmd("EXPIRE", "k", "100") == 1
    d.approx("TTL", "k")
    d.check("PTTL", "k", lambda v: 98_000 <= v <= 100_000)
    assert d.cmd("PEXPIRE", "k", "200000") == 1
    d.approx("TTL", "k")
    at = int(time.time()) + 300
    assert d.cmd("EXPIREAT", "k", at) == 1
    assert d.cmd("EXPIRETIME", "k") == at
    assert d.cmd("PEXPIRETIME", "k") == at * 1000
    pat = int(time.time() * 1000) + 400_000
    assert d.cmd("PEXPIREAT", "k", pat) == 1
    assert d.cmd("PEXPIRETIME", "k") == pat
    d.cmd("EXPIRETIME", "k")
    assert d.cmd("PERSIST", "k") == 1
    assert d.cmd("PERSIST", "k") == 0
    assert d.cmd("PERSIST", "missing") == 0
    assert d.cmd("TTL", "k") == -1
    assert d.cmd("PTTL", "k") == -1
    assert d.cmd("EXPIRETIME", "k") == -1
    assert d.cmd("PEXPIRETIME", "k") == -1
    assert d.cmd("TTL", "missing") == -2
    assert d.cmd("PTTL", "missing") == -2
    assert d.cmd("EXPIRETIME", "missing") == -2
    assert d.cmd("PEXPIRETIME", "missing") == -2
    for c in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "PERSIST"]:
        d.cmd(c)
        d.cmd(c, "a", "b")


@pytest.mark.parametrize("value", ["0", "-1", "-100000"])
def test_expire_non_positive_deletes(d, value):
    for c in ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]:
        d.cmd("SET", "k", "v")
        assert d.cmd(c, "k", value) == 1
        assert d.cmd("EXISTS", "k") == 0
        assert d.cmd(c, "k", value) == 0
    d.cmd("SET", "k", "v")
    d.cmd("EXPIREAT", "k", int(time.time()) - 10)
    assert d.cmd("GET", "k") is None


# The four option flags against the three states a key can be in, for a shorter and a longer TTL.
@pytest.mark.parametrize("opt", ["NX", "XX", "GT", "LT", "nx", "Gt"])
@pytest.mark.parametrize("state", ["missing", "persistent", "ttl500"])
@pytest.mark.parametrize("new", [100, 1000])
def test_expire_conditions(d, opt, state, new):
    for cmd, arg in [("EXPIRE", new), ("PEXPIRE", new * 1000), ("EXPIREAT", int(time.time()) + new),
                     ("PEXPIREAT", int(time.time() * 1000) + new * 1000)]:
        d.cmd("DEL", "k")
        if state != "missing":
            d.cmd("SET", "k", "v")
        if state == "ttl500":
            d.cmd("EXPIRE", "k", "500")
        d.cmd(cmd, "k", arg, opt)
        d.approx("TTL", "k")
    at = int(time.time()) + 500
    d.cmd("SET", "k", "v", "EXAT", at)
    d.cmd("EXPIREAT", "k", at, "GT")  # equal is neither greater nor less
    d.cmd("EXPIREAT", "k", at, "LT")
    d.cmd("EXPIRE", "k", "400", "GT")
    d.cmd("EXPIRE", "k", "600", "LT")
    d.cmd("EXPIRETIME", "k")
    d.cmd("EXPIRE", "k", "-1", "XX")
    d.cmd("EXISTS", "k")


def test_expire_gt_lt_mixed(d):
    d.cmd("SET", "k", "v")
    d.cmd("EXPIRE", "k", "100", "XX", "GT")
    d.cmd("EXPIRE", "k", "100", "XX", "LT")
    d.approx("TTL", "k")
    d.cmd("EXPIRE", "k", "200", "XX", "GT")
    d.approx("TTL", "k")
    d.cmd("EXPIRE", "k", "50", "GT", "XX")
    d.cmd("EXPIRE", "k", "-5", "LT")
    d.cmd("EXISTS", "k")


# ---------------------------------------------------------------- expired keys are never visible

def test_expired_keys_invisible_to_every_command(d):
    d.cmd("SET", "live", "v")
    d.cmd("SET", "e_str", "v", "PX", "40")
    d.cmd("SET", "e_int", "5", "PX", "40")
    d.cmd("SET", "e_pexp", "v")
    d.cmd("PEXPIRE", "e_pexp", "40")
    d.cmd("PSETEX", "e_psetex", "40", "v")
    d.cmd("SET", "e_at", "v")
    d.cmd("PEXPIREAT", "e_at", int(time.time() * 1000) + 40)
    fill(d, 50, prefix="e_many:", ttl=40)
    time.sleep(0.12)
    keys = ["e_str", "e_int", "e_pexp", "e_psetex", "e_at", "e_many:7"]
    for k in keys:
        assert d.cmd("GET", k) is None, k
        assert d.cmd("EXISTS", k) == 0
        assert d.cmd("TTL", k) == -2
        d.cmd("PTTL", k)
        d.cmd("EXPIRETIME", k)
        d.cmd("TYPE", k)
        d.cmd("STRLEN", k)
        d.cmd("GETRANGE", k, "0", "-1")
        d.cmd("OBJECT", "ENCODING", k)
        d.cmd("TOUCH", k)
        d.cmd("PERSIST", k)
        d.cmd("EXPIRE", k, "100")
        d.cmd("RENAME", k, k + "_renamed")
        d.cmd("COPY", k, k + "_copy")
        d.cmd("MOVE", k, "1")
        d.cmd("GETDEL", k)
    d.cmd("MGET", *keys, "live")
    assert d.cmd("KEYS", "e_*") == []
    for c in d.sides:
        assert not any(k.startswith(b"e_") for k in scan_all(c)), c.label
    # writes treat an expired key as absent
    d.cmd("SET", "x1", "10", "PX", "30")
    d.cmd("SET", "x2", "abc", "PX", "30")
    d.cmd("SET", "x3", "abc", "PX", "30")
    d.cmd("SET", "x4", "abc", "PX", "30")
    d.cmd("SET", "x5", "abc", "PX", "30")
    d.cmd("SET", "x6", "abc", "PX", "30")
    d.cmd("SET", "x7", "abc", "PX", "30")
    time.sleep(0.1)
    assert d.cmd("INCR", "x1") == 1
    assert d.cmd("APPEND", "x2", "z") == 1
    assert d.cmd("SETNX", "x3", "n") == 1
    assert d.cmd("SET", "x4", "n", "XX") is None
    assert d.cmd("SET", "x5", "n", "GET") is None
    assert d.cmd("MSETNX", "x6", "n") == 1
    assert d.cmd("SETRANGE", "x7", "2", "z") == 3
    d.cmd("GETEX", "x7")
    d.cmd("TTL", "x7")


def test_expiry_boundary_never_serves_stale_value(pair):
    """Polls keys with TTLs of 100..300 ms: once a GET is sent later than the deadline could be, it must miss,
    and a key that missed once never comes back."""
    pair.flushall()
    for label, srv in pair.servers:
        c = Conn(srv.host, srv.port, label=label)
        try:
            deadlines = {}
            for i in range(40):
                ttl = 100 + 5 * i
                k = f"b{i}"
                c.callv("SET", k, "v", "PX", ttl)
                deadlines[k] = time.monotonic() + ttl / 1000.0  # upper bound of the server's deadline
            gone = set()
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                for k, dl in deadlines.items():
                    sent = time.monotonic()
                    v = c.callv("GET", k)
                    if v is None:
                        gone.add(k)
                    else:
                        assert k not in gone, f"{label}: {k} came back after it had expired"
                        assert sent <= dl + 0.002, f"{label}: {k} served {1000 * (sent - dl):.1f} ms past its deadline"
            assert gone == set(deadlines), f"{label}: never expired: {sorted(set(deadlines) - gone)}"
        finally:
            c.close()


def test_active_expiry_reclaims_untouched_keys(pair):
    """Keys never accessed again are removed by the active cycle: DBSIZE and INFO keyspace drop to 0."""
    pair.flushall()
    for label, srv in pair.servers:
        c = Conn(srv.host, srv.port, label=label)
        try:
            n = 3000
            payload = b"".join(b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n$2\r\nPX\r\n$2\r\n50\r\n" % (len(k), k)
                               for k in (b"act:%d" % i for i in range(n)))
            c.send_raw(payload)
            c.read_many(n)
            c.callv("SET", "keeper", "v")
            wait_until(lambda: c.callv("DBSIZE") == 1, timeout=8, interval=0.1,
                       what=f"{label}: active expiry to remove {n} expired keys")
            info = c.callv("INFO", "keyspace")
            assert b"db0:keys=1,expires=0" in info, f"{label}: {info!r}"
            stats = c.callv("INFO", "stats")
            expired = int(stats.split(b"expired_keys:")[1].split(b"\r\n")[0])
            assert expired >= n, f"{label}: expired_keys={expired}"
        finally:
            c.close()


# ---------------------------------------------------------------- Shoal only: expire-jitter-pct

@pytest.fixture(scope="module")
def jitter_server():
    requires_shoal("expire-jitter-pct is a Shoal option")
    with start_target(["--expire-jitter-pct", "20"]) as s:
        yield s


def _batch(c, cmds):
    """Pipelines cmds on a Conn; returns the decoded replies."""
    c.send_raw(b"".join(encode(*x) for x in cmds))
    return [decode_one(r) for r in c.read_many(len(cmds))]


@pytest.mark.parametrize("how", ["EXPIRE", "PEXPIRE", "SET EX", "SET PX", "SETEX", "PSETEX", "GETEX EX"])
def test_expire_jitter_only_shortens_relative_ttls(jitter_server, how):
    c = Conn(jitter_server.host, jitter_server.port, label="shoal")
    try:
        c.callv("FLUSHALL")
        _batch(c, [("SET", f"j{i}", "v") for i in range(1000)])
        setters = {
            "EXPIRE": lambda i: ("EXPIRE", f"j{i}", 1000),
            "PEXPIRE": lambda i: ("PEXPIRE", f"j{i}", 1_000_000),
            "SET EX": lambda i: ("SET", f"j{i}", "v", "EX", 1000),
            "SET PX": lambda i: ("SET", f"j{i}", "v", "PX", 1_000_000),
            "SETEX": lambda i: ("SETEX", f"j{i}", 1000, "v"),
            "PSETEX": lambda i: ("PSETEX", f"j{i}", 1_000_000, "v"),
            "GETEX EX": lambda i: ("GETEX", f"j{i}", "EX", 1000),
        }
        _batch(c, [setters[how](i) for i in range(1000)])
        pttls = _batch(c, [("PTTL", f"j{i}") for i in range(1000)])
        lo, hi = min(pttls), max(pttls)
        assert lo >= 800_000 - 5_000, f"{how}: a TTL was shortened by more than 20%: {lo} ms"
        assert hi <= 1_000_000, f"{how}: a TTL was lengthened: {hi} ms"
        assert len(set(p // 1000 for p in pttls)) > 20, f"{how}: TTLs are not spread: {sorted(set(pttls))[:10]}"
        ttls = _batch(c, [("TTL", f"j{i}") for i in range(1000)])
        assert all(799 <= t <= 1000 for t in ttls), (min(ttls), max(ttls))
    finally:
        c.close()


def test_expire_jitter_leaves_absolute_deadlines_alone(jitter_server):
    c = Conn(jitter_server.host, jitter_server.port, label="shoal")
    try:
        c.callv("FLUSHALL")
        at = int(time.time()) + 1000
        pat = int(time.time() * 1000) + 1_000_000
        for i in range(200):
            c.callv("SET", f"a{i}", "v", "EXAT", at)
            c.callv("SET", f"b{i}", "v")
            c.callv("PEXPIREAT", f"b{i}", pat)
            c.callv("SET", f"c{i}", "v", "PXAT", pat)
            c.callv("SET", f"d{i}", "v")
            c.callv("EXPIREAT", f"d{i}", at)
        assert {c.callv("EXPIRETIME", f"a{i}") for i in range(200)} == {at}
        assert {c.callv("PEXPIRETIME", f"b{i}") for i in range(200)} == {pat}
        assert {c.callv("PEXPIRETIME", f"c{i}") for i in range(200)} == {pat}
        assert {c.callv("EXPIRETIME", f"d{i}") for i in range(200)} == {at}
        assert c.callv("CONFIG", "GET", "expire-jitter-pct") == [b"expire-jitter-pct", b"20"]
    finally:
        c.close()


def test_expire_jitter_off_by_default(pair):
    """Without the option every TTL is exact (the differential tests compare them with Redis too)."""
    requires_shoal("expire-jitter-pct is a Shoal option")
    c = Conn(pair.target.host, pair.target.port, label="shoal")
    try:
        c.callv("FLUSHALL")
        ttls = set(_batch(c, [("SET", f"z{i}", "v", "EX", 1000) for i in range(300)]
                          + [("TTL", f"z{i}") for i in range(300)])[300:])
        assert ttls <= {999, 1000}, ttls
        assert c.callv("CONFIG", "GET", "expire-jitter-pct") == [b"expire-jitter-pct", b"0"]
    finally:
        c.close()


def test_random_key_operations_match(d2):
    """A seeded random mix of key and string commands over a small key space, compared step by step."""
    rnd = random.Random(1234)
    ttl_step = itertools.count()
    keys = [f"r{i}" for i in range(12)] + ["{h}a", "{h}b"]
    ops = [
        lambda: ("SET", rnd.choice(keys), rnd.choice(["1", "abc", "-5", "x" * 50])),
        lambda: ("GET", rnd.choice(keys)),
        lambda: ("DEL", rnd.choice(keys), rnd.choice(keys)),
        lambda: ("EXISTS", rnd.choice(keys), rnd.choice(keys)),
        lambda: ("RENAME", rnd.choice(keys), rnd.choice(keys)),
        lambda: ("RENAMENX", rnd.choice(keys), rnd.choice(keys)),
        lambda: ("COPY", rnd.choice(keys), rnd.choice(keys), *rnd.choice([[], ["REPLACE"]])),
        lambda: ("INCRBY", rnd.choice(keys), rnd.randint(-10, 10)),
        lambda: ("APPEND", rnd.choice(keys), "z"),
        # Every TTL is distinct and seconds apart, so GT/LT never compare deadlines set within the
        # same millisecond on one server and different ones on the other.
        lambda: ("EXPIRE", rnd.choice(keys), rnd.choice([100, 1001]) + 2 * next(ttl_step),
                 *rnd.choice([[], ["NX"], ["XX"], ["GT"], ["LT"]])),
        lambda: ("PERSIST", rnd.choice(keys)),
        lambda: ("TTL", rnd.choice(keys)),
        lambda: ("TYPE", rnd.choice(keys)),
        lambda: ("MSETNX", rnd.choice(keys), "m", rnd.choice(keys), "n"),
        lambda: ("GETDEL", rnd.choice(keys)),
        lambda: ("OBJECT", "ENCODING", rnd.choice(keys)),
        lambda: ("DBSIZE",),
    ]
    for _ in range(1500):
        op = rnd.choice(ops)()
        if op[0] == "TTL":
            d2.approx(*op)
        else:
            d2.cmd(*op)
    d2.cmd_unordered("KEYS", "*")


def _fill(d, kind, key, n):
    """A collection of n elements at key: n=3 stays compact, n=200 is past every listpack limit."""
    if kind == "list":
        d.cmd("RPUSH", key, *[f"e{i}" for i in range(n)])
    elif kind == "hash":
        d.cmd("HSET", key, *[x for i in range(n) for x in (f"f{i}", f"v{i}")])
    elif kind == "set":
        d.cmd("SADD", key, *[f"m{i}" for i in range(n)])
    elif kind == "intset":
        d.cmd("SADD", key, *[str(i) for i in range(n)])
    else:
        d.cmd("ZADD", key, *[x for i in range(n) for x in (str(i), f"m{i}")])


def _read(d, kind, key):
    if kind == "list":
        d.cmd("LRANGE", key, "0", "-1")
    elif kind == "hash":
        d.cmd("HGETALL", key)
        d.cmd("HGET", key, "f1")
    elif kind in ("set", "intset"):
        d.cmd_unordered("SMEMBERS", key)
        d.cmd("SCARD", key)
    else:
        d.cmd("ZRANGE", key, "0", "-1", "WITHSCORES")
        d.cmd("ZSCORE", key, "m2")
    if kind != "set":  # small non-integer sets are listpacks in Shoal (as in Redis 7.2), not in 7.0
        d.cmd("OBJECT", "ENCODING", key)


@pytest.mark.parametrize("kind", ["list", "hash", "set", "intset", "zset"])
@pytest.mark.parametrize("n", [3, 200])
def test_collections_survive_every_entry_relocation(d, kind, n):
    """A collection lives inside its keyspace entry, which is reallocated when the key gains or
    loses a TTL, is renamed (a key of another length shifts the object's alignment pad) or moves
    to another db; COPY clones it. Key lengths 1..17 put the object at each offset mod 8, with
    and without the TTL slot, and 127/128/200 cross the key length's one-byte varint; the
    contents must survive every move, then be written again."""
    for length in list(range(1, 18)) + [127, 128, 200]:
        key = "k" * length
        other = "o" * (length % 7 + 1)
        _fill(d, kind, key, n)
        d.cmd("EXPIRE", key, "1000")            # the TTL slot appears: reallocated
        _read(d, kind, key)
        d.cmd("RENAME", key, other)             # another key length, TTL kept
        _read(d, kind, other)
        d.cmd("PERSIST", other)                 # the TTL slot goes
        d.cmd("MOVE", other, "1")
        d.cmd("SELECT", "1")
        d.cmd("COPY", other, key)
        d.cmd("RENAME", other, key + "x")
        d.cmd("MOVE", key + "x", "0")
        _read(d, kind, key)
        d.cmd("SELECT", "0")
        _read(d, kind, key + "x")
        _fill(d, kind, key + "x", 5)            # still writable after all the moves
        _read(d, kind, key + "x")
        d.cmd("DEL", key + "x")
        d.cmd("SELECT", "1")
        d.cmd("DEL", key)
        d.cmd("SELECT", "0")
