"""String commands, differential against redis-server: every reply byte-identical, in RESP2 and RESP3."""
import time

import pytest

from diffutil import Err, d, d2, pair  # noqa: F401  (fixtures)

WRONG_ARGS = "ERR wrong number of arguments for '{}' command"
NOT_INT = Err("ERR value is not an integer or out of range")
SYNTAX = Err("ERR syntax error")
WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")


def in_range(lo, hi):
    def prop(v):
        return type(v) is int and lo <= v <= hi
    prop.__name__ = f"in [{lo}, {hi}]"
    return prop


# ---------------------------------------------------------------- GET / SET

def test_get_set_basic(d):
    assert d.cmd("GET", "missing") is None
    assert d.cmd("SET", "k", "v") == "OK"
    assert d.cmd("GET", "k") == b"v"
    d.cmd("SET", "k", "other")
    assert d.cmd("GET", "k") == b"other"
    d.cmd("SET", "empty", "")
    assert d.cmd("GET", "empty") == b""
    d.cmd("EXISTS", "empty")


def test_binary_safe_keys_and_values(d):
    weird = b"a\r\nb\x00c\xff \"'$*-+:"
    d.cmd("SET", weird, weird + weird)
    assert d.cmd("GET", weird) == weird + weird
    d.cmd("SET", b"", b"empty key")
    assert d.cmd("GET", b"") == b"empty key"
    d.cmd("STRLEN", weird)


@pytest.mark.parametrize("size", [43, 44, 45, 1000, 70000, 1 << 20])
def test_value_sizes(d, size):
    v = bytes((i * 7 + 3) % 256 for i in range(size))
    d.cmd("SET", "big", v)
    assert d.cmd("GET", "big") == v
    d.cmd("STRLEN", "big")
    d.cmd("APPEND", "big", "xyz")
    d.cmd("GETRANGE", "big", "-5", "-1")


def test_set_case_insensitive_command_and_options(d):
    d.cmd("set", "k", "v", "ex", "100")
    d.approx("ttl", "k")
    d.cmd("SeT", "k", "v2", "Px", "100000", "gEt")
    d.cmd("GeT", "k")


def test_set_expire_options(d):
    d.cmd("SET", "ex", "v", "EX", "100")
    d.approx("TTL", "ex")
    d.check("PTTL", "ex", in_range(98_000, 100_000))
    d.cmd("SET", "px", "v", "PX", "100000")
    d.check("PTTL", "px", in_range(98_000, 100_000))
    at = int(time.time()) + 1000
    d.cmd("SET", "exat", "v", "EXAT", at)
    assert d.cmd("EXPIRETIME", "exat") == at
    pat = int(time.time() * 1000) + 1_000_000
    d.cmd("SET", "pxat", "v", "PXAT", pat)
    assert d.cmd("PEXPIRETIME", "pxat") == pat
    # a deadline in the past: OK, but the key is gone at once
    d.cmd("SET", "past", "v", "EXAT", "1")
    assert d.cmd("GET", "past") is None
    d.cmd("SET", "past2", "v", "PXAT", "1")
    assert d.cmd("EXISTS", "past2") == 0
    # a plain SET drops the TTL
    d.cmd("SET", "ex", "v2")
    assert d.cmd("TTL", "ex") == -1


def test_set_nx_xx(d):
    assert d.cmd("SET", "k", "1", "XX") is None
    assert d.cmd("EXISTS", "k") == 0
    assert d.cmd("SET", "k", "1", "NX") == "OK"
    assert d.cmd("SET", "k", "2", "NX") is None
    assert d.cmd("GET", "k") == b"1"
    assert d.cmd("SET", "k", "3", "XX") == "OK"
    assert d.cmd("GET", "k") == b"3"
    d.cmd("SET", "k", "4", "XX", "EX", "50")
    d.approx("TTL", "k")
    d.cmd("SET", "k2", "4", "NX", "PX", "50000")
    d.check("PTTL", "k2", in_range(48_000, 50_000))


def test_set_keepttl(d):
    d.cmd("SET", "k", "v", "EX", "100")
    d.cmd("SET", "k", "v2", "KEEPTTL")
    d.approx("TTL", "k")
    assert d.cmd("GET", "k") == b"v2"
    d.cmd("SET", "nottl", "v")
    d.cmd("SET", "nottl", "v2", "KEEPTTL")
    assert d.cmd("TTL", "nottl") == -1
    d.cmd("SET", "k", "v3", "KEEPTTL", "XX")
    d.approx("TTL", "k")


def test_set_get_option(d):
    assert d.cmd("SET", "k", "v1", "GET") is None
    assert d.cmd("SET", "k", "v2", "GET") == b"v1"
    assert d.cmd("GET", "k") == b"v2"
    # GET with NX (allowed since 7.0) and XX
    assert d.cmd("SET", "k", "v3", "NX", "GET") == b"v2"
    assert d.cmd("GET", "k") == b"v2"
    assert d.cmd("SET", "k", "v4", "XX", "GET") == b"v2"
    assert d.cmd("SET", "nokey", "v", "XX", "GET") is None
    assert d.cmd("EXISTS", "nokey") == 0
    d.cmd("SET", "k", "v5", "GET", "EX", "100")
    d.approx("TTL", "k")
    d.cmd("SET", "n", "12345")
    assert d.cmd("SET", "n", "x", "GET") == b"12345"


SET_ERRORS = [
    ("SET", "k", "v", "EX"),
    ("SET", "k", "v", "PX"),
    ("SET", "k", "v", "EXAT"),
    ("SET", "k", "v", "PXAT"),
    ("SET", "k", "v", "EX", "0"),
    ("SET", "k", "v", "EX", "-1"),
    ("SET", "k", "v", "PX", "0"),
    ("SET", "k", "v", "PX", "-100"),
    ("SET", "k", "v", "EXAT", "0"),
    ("SET", "k", "v", "PXAT", "-1"),
    ("SET", "k", "v", "EX", "abc"),
    ("SET", "k", "v", "EX", "1.5"),
    ("SET", "k", "v", "EX", " 10"),
    ("SET", "k", "v", "EX", "99999999999999999999"),
    ("SET", "k", "v", "EX", "9223372036854775807"),
    ("SET", "k", "v", "EX", "9223372036854775"),
    ("SET", "k", "v", "PX", "9223372036854775807"),
    ("SET", "k", "v", "EX", "10", "PX", "100"),
    ("SET", "k", "v", "EX", "10", "KEEPTTL"),
    ("SET", "k", "v", "KEEPTTL", "PXAT", "100"),
    ("SET", "k", "v", "EXAT", "10", "PXAT", "100"),
    ("SET", "k", "v", "NX", "XX"),
    ("SET", "k", "v", "XX", "NX"),
    ("SET", "k", "v", "FOO"),
    ("SET", "k", "v", "10"),
    ("SET", "k", "v", ""),
]


# Repeating an option is accepted by Redis (the last value wins); Shoal must agree.
SET_REPEATS = [
    ("SET", "q", "v", "EX", "10", "EX", "20"),
    ("SET", "q", "v", "PX", "10000", "PX", "20000"),
    ("SET", "q", "v", "NX", "NX"),
    ("SET", "q", "v", "XX", "XX"),
    ("SET", "q", "v", "GET", "GET"),
    ("SET", "q", "v", "KEEPTTL", "KEEPTTL"),
]


def test_set_repeated_options(d):
    for c in SET_REPEATS:
        d.cmd(*c)
        d.approx("TTL", "q")
        d.cmd("GET", "q")


def test_set_syntax_errors(d):
    d.cmd("SET", "k", "orig")
    for c in SET_ERRORS:
        r = d.cmd(*c)
        assert isinstance(r, Err), (c, r)
    # nothing above may have touched the key
    assert d.cmd("GET", "k") == b"orig"
    assert d.cmd("TTL", "k") == -1


def test_set_error_wording(d2):
    assert d2.cmd("SET", "k", "v", "EX", "0") == Err("ERR invalid expire time in 'set' command")
    assert d2.cmd("SET", "k", "v", "NX", "XX") == SYNTAX
    assert d2.cmd("SET", "k", "v", "EX", "x") == NOT_INT


# ---------------------------------------------------------------- SETNX SETEX PSETEX

def test_setnx(d):
    assert d.cmd("SETNX", "k", "a") == 1
    assert d.cmd("SETNX", "k", "b") == 0
    assert d.cmd("GET", "k") == b"a"
    d.cmd("SETNX", "k")
    d.cmd("SETNX", "k", "a", "b")


def test_setex_psetex(d):
    assert d.cmd("SETEX", "k", "100", "v") == "OK"
    d.approx("TTL", "k")
    assert d.cmd("GET", "k") == b"v"
    d.cmd("PSETEX", "p", "100000", "v")
    d.check("PTTL", "p", in_range(98_000, 100_000))
    d.cmd("SETEX", "k", "100", "v2")  # overwrites value and ttl
    assert d.cmd("GET", "k") == b"v2"
    for c in [("SETEX", "k", "0", "v"), ("SETEX", "k", "-5", "v"), ("SETEX", "k", "x", "v"),
              ("SETEX", "k", "1.0", "v"), ("SETEX", "k", "9223372036854775807", "v"),
              ("PSETEX", "k", "0", "v"), ("PSETEX", "k", "-1", "v"), ("PSETEX", "k", "x", "v"),
              ("PSETEX", "k", "9223372036854775807", "v"),
              ("SETEX", "k", "10"), ("PSETEX", "k", "10"), ("SETEX", "k", "10", "v", "x")]:
        assert isinstance(d.cmd(*c), Err)
    assert d.cmd("GET", "k") == b"v2"


def test_setex_error_wording(d2):
    assert d2.cmd("SETEX", "k", "0", "v") == Err("ERR invalid expire time in 'setex' command")
    assert d2.cmd("PSETEX", "k", "-1", "v") == Err("ERR invalid expire time in 'psetex' command")
    assert d2.cmd("SETEX", "k", "x", "v") == NOT_INT


# ---------------------------------------------------------------- MGET MSET MSETNX

def test_mget_mset(d):
    assert d.cmd("MSET", "a", "1", "b", "2", "c", "3") == "OK"
    assert d.cmd("MGET", "a", "b", "missing", "c", "a") == [b"1", b"2", None, b"3", b"1"]
    d.cmd("MSET", "a", "x", "a", "y")  # last one wins
    assert d.cmd("GET", "a") == b"y"
    d.cmd("MSET", "{t}1", "p", "{t}2", "q", "other", "r")
    d.cmd("MGET", "{t}1", "{t}2", "other")
    d.cmd("SET", "e", "v", "EX", "100")
    d.cmd("MSET", "e", "w")
    assert d.cmd("TTL", "e") == -1
    d.cmd("MSET", "a")
    d.cmd("MSET", "a", "1", "b")
    d.cmd("MSET")
    d.cmd("MGET")


def test_msetnx(d):
    assert d.cmd("MSETNX", "a", "1", "b", "2") == 1
    assert d.cmd("MSETNX", "b", "x", "c", "3") == 0
    assert d.cmd("MGET", "a", "b", "c") == [b"1", b"2", None]
    assert d.cmd("MSETNX", "c", "1", "c", "2") == 1
    d.cmd("GET", "c")
    d.cmd("MSETNX", "a", "1", "b")
    d.cmd("MSETNX", "a")


def test_mset_odd_args_wording(d2):
    assert d2.cmd("MSET", "a", "1", "b") == Err(WRONG_ARGS.format("mset"))
    assert d2.cmd("MSETNX", "a", "1", "b") == Err(WRONG_ARGS.format("msetnx"))


# ---------------------------------------------------------------- GETSET GETDEL GETEX

def test_getset(d):
    assert d.cmd("GETSET", "k", "a") is None
    assert d.cmd("GETSET", "k", "b") == b"a"
    d.cmd("SET", "t", "v", "EX", "100")
    d.cmd("GETSET", "t", "w")
    assert d.cmd("TTL", "t") == -1


def test_getdel(d):
    d.cmd("SET", "k", "v")
    assert d.cmd("GETDEL", "k") == b"v"
    assert d.cmd("EXISTS", "k") == 0
    assert d.cmd("GETDEL", "k") is None
    d.cmd("SET", "n", "42")
    d.cmd("GETDEL", "n")


def test_getex(d):
    assert d.cmd("GETEX", "missing", "EX", "10") is None
    assert d.cmd("EXISTS", "missing") == 0
    d.cmd("SET", "k", "v")
    assert d.cmd("GETEX", "k") == b"v"
    assert d.cmd("TTL", "k") == -1
    d.cmd("GETEX", "k", "EX", "100")
    d.approx("TTL", "k")
    d.cmd("GETEX", "k", "PX", "200000")
    d.check("PTTL", "k", in_range(198_000, 200_000))
    at = int(time.time()) + 500
    d.cmd("GETEX", "k", "EXAT", at)
    assert d.cmd("EXPIRETIME", "k") == at
    pat = int(time.time() * 1000) + 600_000
    d.cmd("GETEX", "k", "PXAT", pat)
    assert d.cmd("PEXPIRETIME", "k") == pat
    d.cmd("GETEX", "k", "PERSIST")
    assert d.cmd("TTL", "k") == -1
    d.cmd("GETEX", "k", "persist")
    # a deadline in the past deletes the key after returning its value
    assert d.cmd("GETEX", "k", "EXAT", "1") == b"v"
    assert d.cmd("EXISTS", "k") == 0


def test_getex_errors(d):
    d.cmd("SET", "k", "v")
    for c in [("GETEX", "k", "EX"), ("GETEX", "k", "EX", "0"), ("GETEX", "k", "EX", "-1"),
              ("GETEX", "k", "PX", "0"), ("GETEX", "k", "EXAT", "0"), ("GETEX", "k", "PXAT", "-5"),
              ("GETEX", "k", "EX", "x"), ("GETEX", "k", "EX", "10", "PX", "10"),
              ("GETEX", "k", "PERSIST", "EX", "10"), ("GETEX", "k", "EX", "10", "PERSIST"),
              ("GETEX", "k", "FOO"), ("GETEX", "k", "KEEPTTL"),
              ("GETEX", "k", "NX"), ("GETEX", "k", "EX", "9223372036854775807"), ("GETEX",)]:
        assert isinstance(d.cmd(*c), Err), c
    assert d.cmd("TTL", "k") == -1
    d.cmd("GETEX", "k", "PERSIST", "PERSIST")  # accepted by Redis
    assert d.cmd("GETEX", "k", "EX", "0") == Err("ERR invalid expire time in 'getex' command")


def test_getex_time_read_only_for_an_existing_string(d):
    # Redis looks the key up (null, WRONGTYPE) before it reads the time.
    d.cmd("SADD", "s", "a")
    for opts in (("EX", "x"), ("PX", "-1"), ("EXAT", "0"), ("PXAT", "9223372036854775807"),
                 ("EX", "-9223372036854775808"), ("PXAT", "PXAT", "PXAT", "1 ")):
        d.cmd("GETEX", "missing", *opts)
        d.cmd("GETEX", "s", *opts)
    d.cmd("GETEX", "missing", "EX", "1", "PX", "1")  # the syntax still comes first


# ---------------------------------------------------------------- APPEND STRLEN

def test_append_strlen(d):
    assert d.cmd("APPEND", "k", "hello") == 5
    assert d.cmd("APPEND", "k", " world") == 11
    assert d.cmd("GET", "k") == b"hello world"
    assert d.cmd("STRLEN", "k") == 11
    assert d.cmd("STRLEN", "missing") == 0
    d.cmd("APPEND", "k", "")
    d.cmd("APPEND", "new", "")
    d.cmd("EXISTS", "new")
    d.cmd("SET", "n", "12345")
    assert d.cmd("STRLEN", "n") == 5
    d.cmd("APPEND", "n", "6")
    d.cmd("INCR", "n")
    d.cmd("SET", "neg", "-100")
    d.cmd("STRLEN", "neg")
    d.cmd("SET", "t", "v", "EX", "100")
    d.cmd("APPEND", "t", "w")
    d.approx("TTL", "t")


# ---------------------------------------------------------------- INCR family

def test_incr_decr(d):
    assert d.cmd("INCR", "n") == 1
    assert d.cmd("INCR", "n") == 2
    assert d.cmd("DECR", "n") == 1
    assert d.cmd("INCRBY", "n", "100") == 101
    assert d.cmd("DECRBY", "n", "1000") == -899
    assert d.cmd("INCRBY", "n", "-1") == -900
    assert d.cmd("DECRBY", "n", "-900") == 0
    assert d.cmd("GET", "n") == b"0"
    d.cmd("DECR", "fresh")
    d.cmd("INCRBY", "fresh2", "0")
    d.cmd("SET", "s", "  5")
    d.cmd("SET", "t", "v", "EX", "100")
    d.cmd("SET", "t", "10", "KEEPTTL")
    d.cmd("INCR", "t")
    d.approx("TTL", "t")


@pytest.mark.parametrize("value", ["abc", "", " 1", "1 ", "+1", "1.0", "0x10", "01", "-0", "1e3",
                                   "9223372036854775808", "-9223372036854775809", "١"])
def test_incr_non_integer_values(d, value):
    d.cmd("SET", "k", value)
    d.cmd("INCR", "k")
    d.cmd("DECR", "k")
    d.cmd("INCRBY", "k", "1")
    d.cmd("DECRBY", "k", "1")
    d.cmd("GET", "k")


def test_incr_overflow(d):
    d.cmd("SET", "max", "9223372036854775807")
    assert d.cmd("INCR", "max") == Err("ERR increment or decrement would overflow")
    d.cmd("INCRBY", "max", "0")
    d.cmd("DECRBY", "max", "-1")
    d.cmd("SET", "min", "-9223372036854775808")
    d.cmd("DECR", "min")
    d.cmd("INCRBY", "min", "-1")
    d.cmd("INCRBY", "min", "9223372036854775807")
    d.cmd("SET", "z", "0")
    d.cmd("DECRBY", "z", "-9223372036854775808")
    d.cmd("INCRBY", "z", "-9223372036854775808")
    d.cmd("GET", "max")
    d.cmd("GET", "min")


@pytest.mark.parametrize("incr", ["abc", "", "1.5", "9223372036854775808", " 1", "1e2"])
def test_incrby_bad_increment(d, incr):
    d.cmd("SET", "k", "10")
    d.cmd("INCRBY", "k", incr)
    d.cmd("DECRBY", "k", incr)
    assert d.cmd("GET", "k") == b"10"


def test_incrbyfloat(d):
    assert d.cmd("INCRBYFLOAT", "f", "10.5") == b"10.5"
    assert d.cmd("INCRBYFLOAT", "f", "0.1") == b"10.6"
    d.cmd("INCRBYFLOAT", "f", "-5")
    d.cmd("INCRBYFLOAT", "f", "5.0e3")
    d.cmd("INCRBYFLOAT", "f", "-5.0E3")
    d.cmd("INCRBYFLOAT", "f", "0")
    d.cmd("GET", "f")
    d.cmd("SET", "i", "3")
    d.cmd("INCRBYFLOAT", "i", "1.5")
    d.cmd("SET", "i", "3")
    d.cmd("INCRBYFLOAT", "i", "2")  # integral results have no decimal point
    d.cmd("INCRBYFLOAT", "small", "1e-10")
    d.cmd("INCRBYFLOAT", "big", "1e20")
    d.cmd("INCRBYFLOAT", "neg", "-0.000001")
    d.cmd("INCRBYFLOAT", "third", "0.3333333333333333")
    d.cmd("INCRBYFLOAT", "third", "0.3333333333333333")
    d.cmd("SET", "t", "1.5", "EX", "100")
    d.cmd("INCRBYFLOAT", "t", "1")
    d.approx("TTL", "t")


def test_incrbyfloat_result_is_a_string_even_when_integral(d):
    # Redis stores INCRBYFLOAT's text as is (embstr), never as an int; INCR then makes it an int.
    # Found by test_fuzz_diff.
    d.cmd("SET", "f", "1.5")
    d.cmd("INCRBYFLOAT", "f", "-2.5")
    d.cmd("OBJECT", "ENCODING", "f")
    d.cmd("INCRBYFLOAT", "new", "3")
    d.cmd("OBJECT", "ENCODING", "new")
    d.cmd("SET", "i", "10")
    d.cmd("INCRBYFLOAT", "i", "0")
    d.cmd("OBJECT", "ENCODING", "i")
    d.cmd("INCR", "i")
    d.cmd("OBJECT", "ENCODING", "i")
    d.cmd("INCRBYFLOAT", "i", "1.5")
    d.cmd("OBJECT", "ENCODING", "i")
    d.cmd("GET", "i")


@pytest.mark.parametrize("stored,incr", [
    ("abc", "1"), ("1", "abc"), ("1", ""), ("", "1"), ("1", "inf"), ("1", "-inf"), ("1", "+inf"),
    ("inf", "1"), ("1", "nan"), ("nan", "1"), ("1.7e308", "1.7e308"), ("-1.7e308", "-1.7e308"),
    ("1", "1e400"), ("1", " 1"), ("1", "1 "), ("1 ", "1"), ("1", "0x10"), ("1", "1,5"), ("1", "Infinity"),
])
def test_incrbyfloat_errors_and_edges(d, stored, incr):
    d.cmd("SET", "f", stored)
    d.cmd("INCRBYFLOAT", "f", incr)
    d.cmd("GET", "f")


def test_incrbyfloat_wording(d2):
    d2.cmd("SET", "f", "1")
    assert d2.cmd("INCRBYFLOAT", "f", "inf") == Err("ERR increment would produce NaN or Infinity")
    assert d2.cmd("INCRBYFLOAT", "f", "x") == Err("ERR value is not a valid float")
    d2.cmd("SET", "s", "x")
    assert d2.cmd("INCRBYFLOAT", "s", "1") == Err("ERR value is not a valid float")


# ---------------------------------------------------------------- GETRANGE SETRANGE SUBSTR

@pytest.mark.parametrize("start,end", [(0, 3), (0, -1), (-3, -1), (5, 2), (-100, 3), (0, 100), (20, 30),
                                       (-1, -5), (3, 3), (-100, -50), (0, 0), (-1, 100)])
def test_getrange(d, start, end):
    d.cmd("SET", "s", "This is a string")
    d.cmd("GETRANGE", "s", start, end)
    d.cmd("SUBSTR", "s", start, end)
    d.cmd("SET", "n", "1234567")
    d.cmd("GETRANGE", "n", start, end)
    d.cmd("GETRANGE", "missing", start, end)
    d.cmd("SET", "e", "")
    d.cmd("GETRANGE", "e", start, end)


def test_getrange_errors(d):
    d.cmd("SET", "s", "abc")
    d.cmd("GETRANGE", "s", "a", "1")
    d.cmd("GETRANGE", "s", "0", "1.5")
    d.cmd("GETRANGE", "s", "0", "99999999999999999999")
    d.cmd("GETRANGE", "s", "0")
    d.cmd("SUBSTR", "s", "0")
    d.cmd("GETRANGE", "s", "0", "1", "2")


def test_setrange(d):
    d.cmd("SET", "s", "Hello World")
    assert d.cmd("SETRANGE", "s", "6", "Redis") == 11
    assert d.cmd("GET", "s") == b"Hello Redis"
    assert d.cmd("SETRANGE", "s", "20", "!") == 21
    assert d.cmd("GET", "s") == b"Hello Redis" + b"\x00" * 9 + b"!"
    assert d.cmd("SETRANGE", "new", "5", "x") == 6
    assert d.cmd("GET", "new") == b"\x00" * 5 + b"x"
    # empty value: length of the existing string, no key created when missing
    assert d.cmd("SETRANGE", "s", "100", "") == 21
    assert d.cmd("SETRANGE", "absent", "0", "") == 0
    assert d.cmd("EXISTS", "absent") == 0
    assert d.cmd("SETRANGE", "absent", "10", "") == 0
    assert d.cmd("EXISTS", "absent") == 0
    d.cmd("SET", "n", "12345")
    d.cmd("SETRANGE", "n", "1", "xx")
    d.cmd("GET", "n")
    d.cmd("SET", "t", "abc", "EX", "100")
    d.cmd("SETRANGE", "t", "0", "z")
    d.approx("TTL", "t")


def test_setrange_limits(d):
    d.cmd("SET", "s", "abc")
    assert d.cmd("SETRANGE", "s", "-1", "x") == Err("ERR offset is out of range")
    d.cmd("SETRANGE", "s", "x", "y")
    d.cmd("SETRANGE", "s", "1.5", "y")
    too_big = Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    assert d.cmd("SETRANGE", "s", str(512 * 1024 * 1024), "x") == too_big
    assert d.cmd("SETRANGE", "s", str(512 * 1024 * 1024 - 1), "xy") == too_big
    assert d.cmd("SETRANGE", "missing", "536870912", "x") == too_big
    d.cmd("SETRANGE", "s", "9223372036854775807", "x")
    d.cmd("SETRANGE", "s", "99999999999999999999", "x")
    # an empty value never errors, even at an offset past the limit
    d.cmd("SETRANGE", "s", "536870912", "")
    d.cmd("EXISTS", "missing")
    assert d.cmd("GET", "s") == b"abc"


# ---------------------------------------------------------------- arity of every command

ARITY = {
    "get": [["GET"], ["GET", "a", "b"]],
    "set": [["SET"], ["SET", "k"]],
    "setnx": [["SETNX", "k"], ["SETNX", "k", "v", "x"]],
    "setex": [["SETEX", "k", "10"], ["SETEX", "k", "10", "v", "x"]],
    "psetex": [["PSETEX", "k"], ["PSETEX", "k", "10", "v", "x"]],
    "mget": [["MGET"]],
    "mset": [["MSET"], ["MSET", "k"], ["MSET", "k", "v", "k2"]],
    "msetnx": [["MSETNX"], ["MSETNX", "k"]],
    "getset": [["GETSET", "k"], ["GETSET", "k", "v", "x"]],
    "getdel": [["GETDEL"], ["GETDEL", "k", "x"]],
    "getex": [["GETEX"]],
    "append": [["APPEND", "k"], ["APPEND", "k", "v", "x"]],
    "strlen": [["STRLEN"], ["STRLEN", "k", "x"]],
    "incr": [["INCR"], ["INCR", "k", "x"]],
    "decr": [["DECR"], ["DECR", "k", "x"]],
    "incrby": [["INCRBY", "k"], ["INCRBY", "k", "1", "2"]],
    "decrby": [["DECRBY", "k"], ["DECRBY", "k", "1", "2"]],
    "incrbyfloat": [["INCRBYFLOAT", "k"], ["INCRBYFLOAT", "k", "1", "2"]],
    "getrange": [["GETRANGE", "k", "0"], ["GETRANGE", "k", "0", "1", "2"]],
    "setrange": [["SETRANGE", "k", "0"], ["SETRANGE", "k", "0", "v", "x"]],
    "substr": [["SUBSTR", "k", "0"], ["SUBSTR", "k"]],
}


@pytest.mark.parametrize("name", sorted(ARITY))
def test_wrong_arity(d, name):
    d.cmd("SET", "k", "5")
    for c in ARITY[name]:
        assert d.cmd(*c) == Err(WRONG_ARGS.format(name)), c
    d.cmd(name.upper() if name != "get" else "gEt")  # name in the error is lower case whatever was sent
    assert d.cmd("GET", "k") == b"5"


# ---------------------------------------------------------------- WRONGTYPE (LATER: needs lists)

STRING_CMDS_ON_KEY = [
    ("GET", "l"), ("SET", "l", "v", "GET"), ("GETSET", "l", "v"), ("GETDEL", "l"), ("GETEX", "l"),
    ("GETEX", "l", "EX", "10"), ("APPEND", "l", "x"), ("STRLEN", "l"), ("INCR", "l"), ("DECR", "l"),
    ("INCRBY", "l", "2"), ("DECRBY", "l", "2"), ("INCRBYFLOAT", "l", "1.5"), ("GETRANGE", "l", "0", "1"),
    ("SUBSTR", "l", "0", "1"), ("SETRANGE", "l", "0", "x"), ("SETRANGE", "l", "0", ""),
]


def test_wrongtype_against_list_LATER(d):
    """LATER (lists): every string command on a list key answers WRONGTYPE and leaves the key alone;
    SET / MSET / SETEX overwrite it; MGET reports nil for it."""
    d.needs_type("list")
    d.cmd("RPUSH", "l", "a", "b")
    for c in STRING_CMDS_ON_KEY:
        assert d.cmd(*c) == WRONGTYPE, c
    assert d.cmd("TYPE", "l") == "list"
    d.cmd("MGET", "l", "nokey")
    d.cmd("SETNX", "l", "v")
    d.cmd("MSETNX", "l", "v", "other", "w")
    d.cmd("SET", "l", "v", "NX")
    d.cmd("SET", "l", "v", "XX")
    d.cmd("TYPE", "l")
    d.cmd("RPUSH", "l2", "a")
    d.cmd("MSET", "l2", "s")
    d.cmd("TYPE", "l2")
    d.cmd("RPUSH", "l3", "a")
    d.cmd("SETEX", "l3", "100", "s")
    d.cmd("TYPE", "l3")


# ---------------------------------------------------------------- pipelined mixes

def test_pipelined_string_mix(d):
    cmds = []
    for i in range(300):
        k = f"key:{i % 17}"
        cmds += [("SET", k, i), ("APPEND", k, "x"), ("GET", k), ("INCR", f"ctr:{i % 5}"),
                 ("GETRANGE", k, 0, 1), ("MGET", k, f"key:{(i + 1) % 17}"), ("SETRANGE", k, 1, "yy"),
                 ("STRLEN", k), ("INCRBYFLOAT", f"f:{i % 3}", "0.25"), ("GETDEL", f"key:{(i * 7) % 17}")]
    d.pipeline(cmds)


# ---------------------------------------------------------------- LCS

def test_lcs(d):
    d.cmd("MSET", "key1", "ohmytext", "key2", "mynewtext")
    d.cmd("LCS", "key1", "key2")
    d.cmd("LCS", "key1", "key2", "LEN")
    d.cmd("LCS", "key1", "key2", "IDX")
    d.cmd("LCS", "key1", "key2", "IDX", "MINMATCHLEN", 4)
    d.cmd("LCS", "key1", "key2", "IDX", "MINMATCHLEN", 4, "WITHMATCHLEN")
    d.cmd("LCS", "key1", "key2", "idx", "withmatchlen", "minmatchlen", -5)
    d.cmd("LCS", "key1", "missing")
    d.cmd("LCS", "missing", "missing2", "IDX")
    d.cmd("SET", "n1", 12345)
    d.cmd("SET", "n2", 2345)
    d.cmd("LCS", "n1", "n2", "IDX", "WITHMATCHLEN")
    d.cmd("SET", "b1", b"a\x00b\xffc")
    d.cmd("SET", "b2", b"\x00\xffc")
    d.cmd("LCS", "b1", "b2")
    d.cmd("LCS", "key1", "key1", "IDX")
    for bad in (("LCS", "key1", "key2", "LEN", "IDX"), ("LCS", "key1", "key2", "MINMATCHLEN"),
                ("LCS", "key1", "key2", "MINMATCHLEN", "x"), ("LCS", "key1", "key2", "FOO"),
                ("LCS", "key1"), ("LCS", "key1", "key2", "LEN", "LEN")):
        d.cmd(*bad)
    d.cmd("RPUSH", "list", "a")
    d.cmd("LCS", "key1", "list")
    d.cmd("LCS", "list", "missing")
    d.cmd("COMMAND", "INFO", "lcs")
    d.cmd("SET", "{a}x", "abcdefgh")
    d.cmd("SET", "{b}y", "xbcdyfgz")
    d.cmd("LCS", "{a}x", "{b}y", "IDX", "WITHMATCHLEN")


def test_lcs_random(d):
    import random
    rng = random.Random(3)
    for _ in range(80):
        x = "".join(rng.choice("abc") for _ in range(rng.randint(0, 40)))
        y = "".join(rng.choice("abc") for _ in range(rng.randint(0, 40)))
        d.cmd("MSET", "x", x, "y", y)
        d.cmd("LCS", "x", "y")
        d.cmd("LCS", "x", "y", "IDX", "MINMATCHLEN", rng.randint(0, 3), "WITHMATCHLEN")


def test_lcs_table_limit(d):
    d.cmd("CONFIG", "SET", "proto-max-bulk-len", "1mb")
    try:
        d.cmd("SET", "big1", "a" * 1000)
        d.cmd("SET", "big2", "b" * 1000)
        d.cmd("LCS", "big1", "big2")  # 4 MB of table: refused
        d.cmd("SET", "big2", "b" * 100)
        d.cmd("LCS", "big1", "big2", "LEN")
    finally:
        d.cmd("CONFIG", "SET", "proto-max-bulk-len", "512mb")
