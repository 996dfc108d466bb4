"""List commands, differential against redis-server: every reply byte-identical, in RESP2 and RESP3."""
import random
import time

import pytest

from diffutil import Err, d, d2, pair  # noqa: F401  (fixtures)

LIST_CMDS = ["LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LLEN", "LRANGE", "LINDEX", "LSET",
             "LREM", "LTRIM", "LINSERT", "LPOS", "LMOVE", "RPOPLPUSH", "LMPOP"]


def fill(d, key, items):
    for i in range(0, len(items), 500):
        d.cmd("RPUSH", key, *items[i:i + 500])


class SmallNodes:
    """list-max-listpack-size (and, when given, list-compress-depth) set on both servers for the
    test, restored afterwards. Shoal's default depth is 1, Redis' 0: each side gets its own back."""
    def __init__(self, d, size, depth=None):
        self.d, self.size, self.depth = d, size, depth

    def __enter__(self):
        self.d.cmd("CONFIG", "SET", "list-max-listpack-size", str(self.size))
        if self.depth is not None:
            self.saved = self.d.both("CONFIG", "GET", "list-compress-depth")
            self.d.cmd("CONFIG", "SET", "list-compress-depth", str(self.depth))

    def __exit__(self, *exc):
        self.d.cmd("CONFIG", "SET", "list-max-listpack-size", "-2")
        if self.depth is not None:
            for conn, reply in zip(self.d.sides, self.saved):
                depth = reply[1] if isinstance(reply, list) else list(reply.values())[0]
                conn.callv("CONFIG", "SET", "list-compress-depth", depth)


def test_push_pop_basic(d):
    assert d.cmd("LPUSH", "l", "a", "b", "c") == 3
    assert d.cmd("RPUSH", "l", "x", "y") == 5
    d.cmd("LRANGE", "l", "0", "-1")
    d.cmd("LPUSHX", "l", "p")
    d.cmd("RPUSHX", "l", "q", "r")
    d.cmd("LPUSHX", "missing", "p")
    d.cmd("RPUSHX", "missing", "p")
    d.cmd("EXISTS", "missing")
    d.cmd("LLEN", "l")
    d.cmd("LLEN", "missing")
    d.cmd("LPOP", "l")
    d.cmd("RPOP", "l")
    d.cmd("LPOP", "l", "2")
    d.cmd("RPOP", "l", "2")
    d.cmd("LPOP", "l", "0")
    d.cmd("RPOP", "l", "0")
    d.cmd("LPOP", "l", "100")
    d.cmd("EXISTS", "l")
    d.cmd("LPOP", "l")
    d.cmd("RPOP", "l")
    d.cmd("LPOP", "l", "0")
    d.cmd("RPOP", "l", "3")
    d.cmd("LRANGE", "l", "0", "-1")


def test_pop_count_errors(d):
    d.cmd("RPUSH", "l", "a", "b")
    for c in ["abc", "-1", "1.5", "", "9223372036854775808", "-9223372036854775808"]:
        d.cmd("LPOP", "l", c)
        d.cmd("RPOP", "l", c)
        d.cmd("LPOP", "missing", c)
    d.cmd("LPOP", "l", "1", "2")
    d.cmd("RPOP", "l", "1", "2")
    d.cmd("LPOP", "l", "9223372036854775807")
    d.cmd("LPOP", "missing", "9223372036854775807")


def test_wrong_arity(d):
    cases = {"LPUSH": 2, "RPUSH": 2, "LPUSHX": 2, "RPUSHX": 2, "LPOP": 1, "RPOP": 1, "LLEN": 1,
             "LRANGE": 3, "LINDEX": 2, "LSET": 3, "LREM": 3, "LTRIM": 3, "LINSERT": 4, "LPOS": 2,
             "LMOVE": 4, "RPOPLPUSH": 2, "LMPOP": 3}
    for name, n in cases.items():
        d.cmd(name, *["k"] * (n - 1))
        d.cmd(name.lower())
    for name in ["LLEN", "LRANGE", "LINDEX", "LSET", "LREM", "LTRIM", "LINSERT", "LMOVE", "RPOPLPUSH"]:
        d.cmd(name, *["k"] * (cases[name] + 1))


def test_wrongtype_everywhere(d):
    d.cmd("SET", "s", "v")
    d.cmd("RPUSH", "l", "a", "b")
    cmds = [("LPUSH", "s", "x"), ("RPUSH", "s", "x"), ("LPUSHX", "s", "x"), ("RPUSHX", "s", "x"),
            ("LPOP", "s"), ("RPOP", "s"), ("LPOP", "s", "2"), ("RPOP", "s", "0"), ("LLEN", "s"),
            ("LRANGE", "s", "0", "-1"), ("LINDEX", "s", "0"), ("LINDEX", "s", "x"), ("LSET", "s", "0", "x"),
            ("LSET", "s", "x", "x"), ("LREM", "s", "0", "x"), ("LTRIM", "s", "0", "1"),
            ("LINSERT", "s", "BEFORE", "a", "b"), ("LPOS", "s", "a"), ("LPOS", "s", "a", "COUNT", "0"),
            ("LMOVE", "s", "l", "LEFT", "RIGHT"), ("LMOVE", "l", "s", "LEFT", "RIGHT"),
            ("LMOVE", "missing", "s", "LEFT", "RIGHT"), ("RPOPLPUSH", "s", "l"), ("RPOPLPUSH", "l", "s"),
            ("LMPOP", "1", "s", "LEFT"), ("LMPOP", "2", "missing", "s", "LEFT"),
            ("LMPOP", "2", "l", "s", "RIGHT", "COUNT", "1")]
    for c in cmds:
        d.cmd(*c)
    d.cmd("GET", "s")
    d.cmd("LRANGE", "l", "0", "-1")


@pytest.mark.parametrize("rng", [(0, -1), (0, 0), (-1, -1), (-100, 100), (2, 1), (5, 10), (10, 5), (-3, -2),
                                 (1, -2), (-9223372036854775808, 9223372036854775807), (3, 3), (100, 200)])
def test_lrange_ltrim_ranges(d, rng):
    fill(d, "l", [f"e{i}" for i in range(8)])
    d.cmd("LRANGE", "l", *map(str, rng))
    d.cmd("LRANGE", "missing", *map(str, rng))
    d.cmd("LTRIM", "l", *map(str, rng))
    d.cmd("LRANGE", "l", "0", "-1")
    d.cmd("EXISTS", "l")
    d.cmd("LTRIM", "missing", *map(str, rng))


def test_range_arg_errors(d):
    d.cmd("RPUSH", "l", "a")
    for args in [("x", "1"), ("1", "x"), ("1.0", "2"), ("", "1"), ("9223372036854775808", "1")]:
        d.cmd("LRANGE", "l", *args)
        d.cmd("LTRIM", "l", *args)
        d.cmd("LRANGE", "missing", *args)
    d.cmd("LINDEX", "l", "x")
    d.cmd("LINDEX", "missing", "x")
    d.cmd("LREM", "l", "x", "a")
    d.cmd("LREM", "missing", "x", "a")


def test_lindex_lset(d):
    fill(d, "l", ["a", "b", "c", "1", "-5"])
    for i in ["0", "1", "4", "5", "-1", "-5", "-6", "100", "-9223372036854775808", "9223372036854775807"]:
        d.cmd("LINDEX", "l", i)
        d.cmd("LSET", "l", i, "new" + i)
    d.cmd("LINDEX", "missing", "0")
    d.cmd("LSET", "missing", "0", "x")
    d.cmd("LSET", "missing", "x", "x")
    d.cmd("LSET", "l", "x", "x")
    d.cmd("LSET", "l", "0", "x" * 10000)
    d.cmd("LSET", "l", "1", "12345")
    d.cmd("LRANGE", "l", "0", "-1")


def test_lrem(d):
    items = ["a", "b", "a", "c", "a", "1", "01", "1", "a"]
    for count in ["0", "1", "2", "-1", "-2", "100", "-100", "-9223372036854775808", "9223372036854775807"]:
        d.cmd("DEL", "l")
        fill(d, "l", items)
        for elem in ["a", "1", "01", "zz"]:
            d.cmd("LREM", "l", count, elem)
            d.cmd("LRANGE", "l", "0", "-1")
    d.cmd("DEL", "l")
    d.cmd("RPUSH", "l", "x", "x")
    d.cmd("LREM", "l", "0", "x")
    d.cmd("EXISTS", "l")
    d.cmd("LREM", "missing", "0", "x")


def test_linsert(d):
    fill(d, "l", ["a", "b", "c", "5"])
    d.cmd("LINSERT", "l", "BEFORE", "a", "x")
    d.cmd("LINSERT", "l", "after", "c", "y")
    d.cmd("LINSERT", "l", "After", "5", "z")
    d.cmd("LINSERT", "l", "before", "5", "6")
    d.cmd("LINSERT", "l", "BEFORE", "missingpivot", "x")
    d.cmd("LINSERT", "l", "MIDDLE", "a", "x")
    d.cmd("LINSERT", "missing", "BEFORE", "a", "x")
    d.cmd("LINSERT", "missing", "MIDDLE", "a", "x")
    d.cmd("EXISTS", "missing")
    d.cmd("LRANGE", "l", "0", "-1")


def test_lpos_options(d):
    fill(d, "l", ["a", "b", "c", "a", "b", "a", "1", "a", "01", "1"])
    opts = [[], ["RANK", "1"], ["RANK", "2"], ["RANK", "-1"], ["RANK", "-3"], ["RANK", "10"],
            ["RANK", "-10"], ["RANK", "-9223372036854775807"], ["RANK", "9223372036854775807"],
            ["RANK", "-9223372036854775808"]]
    counts = [[], ["COUNT", "0"], ["COUNT", "1"], ["COUNT", "2"], ["COUNT", "100"]]
    maxlens = [[], ["MAXLEN", "0"], ["MAXLEN", "1"], ["MAXLEN", "4"], ["MAXLEN", "100"]]
    for elem in ["a", "b", "1", "01", "zz"]:
        for r in opts:
            for c in counts:
                for m in maxlens:
                    d.cmd("LPOS", "l", elem, *r, *c, *m)
    d.cmd("LPOS", "l", "a", "MAXLEN", "3", "RANK", "-1", "COUNT", "2")
    d.cmd("LPOS", "l", "a", "RANK", "1", "RANK", "2")
    d.cmd("LPOS", "missing", "a")
    d.cmd("LPOS", "missing", "a", "COUNT", "0")
    d.cmd("LPOS", "missing", "a", "RANK", "-1", "COUNT", "3")


def test_lpos_errors(d):
    d.cmd("RPUSH", "l", "a")
    for k in ["l", "missing"]:
        for args in [["RANK", "0"], ["RANK", "x"], ["COUNT", "-1"], ["COUNT", "x"], ["MAXLEN", "-1"],
                     ["MAXLEN", "x"], ["RANK"], ["COUNT"], ["MAXLEN"], ["FOO", "1"], ["rank", "1", "extra"],
                     ["COUNT", "1", "RANK", "0"], ["RANK", "0", "COUNT", "-1"], ["COUNT", "-1", "RANK", "0"],
                     ["RANK", "9223372036854775808"], ["COUNT", "9223372036854775808"]]:
            d.cmd("LPOS", k, "a", *args)


def test_lmove_and_rpoplpush(d):
    fill(d, "src", ["a", "b", "c"])
    for wf in ["LEFT", "RIGHT", "left", "Right"]:
        for wt in ["LEFT", "RIGHT"]:
            d.cmd("LMOVE", "src", "dst", wf, wt)
            d.cmd("LRANGE", "dst", "0", "-1")
    d.cmd("EXISTS", "src")
    d.cmd("LMOVE", "src", "dst", "LEFT", "LEFT")
    d.cmd("LMOVE", "missing", "dst", "LEFT", "LEFT")
    d.cmd("LMOVE", "dst", "dst", "UP", "LEFT")
    d.cmd("LMOVE", "dst", "dst", "LEFT", "DOWN")
    d.cmd("LMOVE", "missing", "dst", "UP", "LEFT")
    # rotation on the same key
    d.cmd("LRANGE", "dst", "0", "-1")
    for wf, wt in [("LEFT", "RIGHT"), ("RIGHT", "LEFT"), ("LEFT", "LEFT"), ("RIGHT", "RIGHT")]:
        d.cmd("LMOVE", "dst", "dst", wf, wt)
        d.cmd("LRANGE", "dst", "0", "-1")
    d.cmd("RPUSH", "one", "x")
    d.cmd("LMOVE", "one", "one", "LEFT", "RIGHT")
    d.cmd("RPOPLPUSH", "one", "one")
    d.cmd("LRANGE", "one", "0", "-1")
    d.cmd("RPOPLPUSH", "dst", "other")
    d.cmd("RPOPLPUSH", "dst", "dst")
    d.cmd("RPOPLPUSH", "missing", "other")
    d.cmd("EXISTS", "missing", "other")
    d.cmd("LRANGE", "other", "0", "-1")
    # across shards: many key names
    for i in range(20):
        d.cmd("RPUSH", f"k{i}", f"v{i}")
        d.cmd("LMOVE", f"k{i}", f"k{(i * 7) % 20}", "LEFT", "RIGHT")
    for i in range(20):
        d.cmd("LRANGE", f"k{i}", "0", "-1")


def test_lmpop(d):
    fill(d, "a", ["1", "2", "3"])
    fill(d, "b", ["x", "y"])
    d.cmd("LMPOP", "1", "a", "LEFT")
    d.cmd("LMPOP", "2", "missing", "a", "RIGHT")
    d.cmd("LMPOP", "2", "missing", "b", "left", "count", "10")
    d.cmd("EXISTS", "b")
    d.cmd("LMPOP", "3", "a", "b", "c", "RIGHT", "COUNT", "1")
    d.cmd("LMPOP", "2", "missing", "b", "LEFT")
    d.cmd("LMPOP", "1", "a", "LEFT", "COUNT", "5")
    for args in [["0", "a", "LEFT"], ["-1", "a", "LEFT"], ["x", "a", "LEFT"], ["2", "a", "LEFT"],
                 ["1", "a", "UP"], ["1", "a", "LEFT", "COUNT"], ["1", "a", "LEFT", "COUNT", "0"],
                 ["1", "a", "LEFT", "COUNT", "-1"], ["1", "a", "LEFT", "COUNT", "x"],
                 ["1", "a", "LEFT", "COUNT", "1", "COUNT", "1"], ["1", "a", "LEFT", "FOO"],
                 ["9223372036854775807", "a", "LEFT"], ["9223372036854775808", "a", "LEFT"],
                 ["3", "a", "b", "LEFT"], ["1", "a", "b", "LEFT"]]:
        d.cmd("LMPOP", *args)
    d.cmd("RPUSH", "a", "q")
    d.cmd("LMPOP", "1", "a", "LEFT", "COUNT", "9223372036854775807")


def test_binary_and_integer_elements(d):
    weird = [b"", b"\x00", b"a\r\nb", b"\xff\xfe", b"0", b"-0", b"007", b"+1", b"-9223372036854775808",
             b"9223372036854775807", b"9223372036854775808", b"1e5", b" 1", b"x" * 100, b"y" * 70000]
    d.cmd("RPUSH", "l", *weird)
    d.cmd("LRANGE", "l", "0", "-1")
    for w in weird:
        d.cmd("LPOS", "l", w)
        d.cmd("LPOS", "l", w, "COUNT", "0")
    d.cmd("LINSERT", "l", "AFTER", b"\x00", b"\x00\x00")
    d.cmd("LREM", "l", "0", b"-0")
    d.cmd("LSET", "l", "2", b"\r\n")
    d.cmd("LRANGE", "l", "0", "-1")
    d.cmd("LPOP", "l", "20")


@pytest.mark.parametrize("depth", [0, 1, 3])
@pytest.mark.parametrize("node", [1, 3, 128, -1, -5])
def test_large_list_small_nodes(d2, node, depth):
    d = d2
    with SmallNodes(d, node, depth):
        items = [f"item:{i}" if i % 3 else str(i) for i in range(10000)]
        fill(d, "big", items)
        d.cmd("LLEN", "big")
        for i in [0, 1, 2, 3, 4, 999, 5000, 9998, 9999, 10000, -1, -2, -5000, -10000, -10001]:
            d.cmd("LINDEX", "big", str(i))
        d.cmd("LRANGE", "big", "4990", "5020")
        d.cmd("LRANGE", "big", "-30", "-1")
        d.cmd("LSET", "big", "5000", "x" * 300)
        d.cmd("LINSERT", "big", "BEFORE", "item:7001", "ins")
        d.cmd("LINSERT", "big", "AFTER", "9999", "ins2")
        d.cmd("LPOS", "big", "ins", "RANK", "-1")
        d.cmd("LPOS", "big", "3", "COUNT", "0", "MAXLEN", "100")
        d.cmd("LREM", "big", "-2", "item:9998")
        d.cmd("LREM", "big", "0", "ins")
        d.cmd("LPOP", "big", "333")
        d.cmd("RPOP", "big", "77")
        d.cmd("LTRIM", "big", "100", "-100")
        d.cmd("LLEN", "big")
        d.cmd("LRANGE", "big", "0", "-1")
        for _ in range(50):
            d.cmd("LMOVE", "big", "big", "LEFT", "RIGHT")
        d.cmd("LRANGE", "big", "0", "20")
        d.cmd("LMPOP", "1", "big", "RIGHT", "COUNT", "5000")
        d.cmd("LRANGE", "big", "0", "-1")


def test_keyspace_integration(d):
    d.cmd("RPUSH", "l", "a", "b", "c")
    d.cmd("TYPE", "l")
    d.cmd("OBJECT", "ENCODING", "l")
    d.cmd("COPY", "l", "l2")
    d.cmd("LPUSH", "l2", "z")
    d.cmd("LRANGE", "l", "0", "-1")
    d.cmd("LRANGE", "l2", "0", "-1")
    d.cmd("RENAME", "l2", "l3")
    d.cmd("LRANGE", "l3", "0", "-1")
    d.cmd("EXPIRE", "l3", "100")
    d.approx("TTL", "l3")
    d.cmd("RPUSH", "l3", "more")
    d.approx("TTL", "l3")
    d.cmd("PERSIST", "l3")
    d.cmd("TTL", "l3")
    d.cmd("PEXPIRE", "l3", "30")
    time.sleep(0.1)
    d.cmd("LRANGE", "l3", "0", "-1")
    d.cmd("EXISTS", "l3")
    d.cmd("SET", "l", "now a string")
    d.cmd("TYPE", "l")
    d.cmd("DEL", "l")
    d.cmd("RPUSH", "l", "x")
    d.cmd("OBJECT", "ENCODING", "l")
    d.cmd("TYPE", "l")


def test_randomized(d2):
    d = d2
    rnd = random.Random(20240605)
    keys = ["r1", "r2", "{t}x", "{t}y"]
    vals = ["a", "b", "c", "1", "01", "-1", "", "long" * 20]
    ints = ["0", "1", "-1", "2", "-2", "3", "5", "-7", "100", "x"]
    deadline = time.monotonic() + 20
    with SmallNodes(d, 16, depth=1):
        for step in range(3000):
            if time.monotonic() > deadline:
                break
            k = rnd.choice(keys)
            k2 = rnd.choice(keys)
            v = rnd.choice(vals)
            i, j = rnd.choice(ints), rnd.choice(ints)
            side = rnd.choice(["LEFT", "RIGHT"])
            c = rnd.choice([
                ("RPUSH", k, v, rnd.choice(vals)), ("LPUSH", k, v), ("RPUSHX", k, v), ("LPUSHX", k, v),
                ("RPUSH", k, *rnd.sample(vals, 4)),
                ("LPOP", k), ("RPOP", k), ("LPOP", k, i), ("RPOP", k, i), ("LLEN", k),
                ("LRANGE", k, i, j), ("LINDEX", k, i), ("LSET", k, i, v), ("LREM", k, i, v),
                ("LTRIM", k, i, j), ("LINSERT", k, rnd.choice(["BEFORE", "AFTER"]), v, rnd.choice(vals)),
                ("LPOS", k, v), ("LPOS", k, v, "RANK", i), ("LPOS", k, v, "COUNT", i, "MAXLEN", j),
                ("LMOVE", k, k2, side, rnd.choice(["LEFT", "RIGHT"])), ("RPOPLPUSH", k, k2),
                ("LMPOP", "2", k, k2, side), ("LMPOP", "1", k, side, "COUNT", i),
                ("SET", k, v) if rnd.random() < 0.05 else ("LLEN", k2), ("DEL", k) if rnd.random() < 0.2 else ("LLEN", k),
            ])
            d.cmd(*c)
        for k in keys:
            d.cmd("TYPE", k)
            if d.cmd("TYPE", k) == "list":
                d.cmd("LRANGE", k, "0", "-1")


def test_compression_is_on_by_default_and_shrinks_lists(shoal):
    """Shoal compresses the inner nodes of a list (list-compress-depth 1 by default, unlike Redis'
    0): a long list takes well under half the memory, reads and writes in the middle see the same
    elements, and depth 0 turns it off."""
    c = shoal.client()
    try:
        c.flushall()
        assert c.config_get("list-compress-depth") == {"list-compress-depth": "1"}
        items = [f"elem:{i}" for i in range(100000)]
        usage = {}
        for depth in ("0", "1"):
            c.config_set("list-compress-depth", depth)
            key = "l" + depth
            for i in range(0, len(items), 1000):
                c.rpush(key, *items[i:i + 1000])
            usage[depth] = c.memory_usage(key, samples=0)
        assert usage["1"] < 0.5 * usage["0"], usage
        assert c.lrange("l1", 0, -1) == [x.encode() for x in items]
        assert c.lindex("l1", 54321) == b"elem:54321"
        assert c.lset("l1", 54321, "changed")
        assert c.linsert("l1", "AFTER", "elem:70000", "inserted") == 100001
        assert c.lpos("l1", "inserted") == 70001
        assert c.lrange("l1", 54320, 54322) == [b"elem:54320", b"changed", b"elem:54322"]
        assert c.lrem("l1", 0, "elem:80000") == 1
        assert c.ltrim("l1", 10000, -10000)
        want = items[10000:-9999]
        want[54321 - 10000] = "changed"
        want.insert(70001 - 10000, "inserted")
        want.remove("elem:80000")
        assert c.lrange("l1", 0, -1) == [x.encode() for x in want]
        assert c.memory_usage("l1", samples=0) < 0.5 * usage["0"]
        c.copy("l1", "l2")
        assert c.lrange("l2", 0, -1) == [x.encode() for x in want]
    finally:
        c.config_set("list-compress-depth", "1")
        c.close()


def test_command_info_and_docs(d2):
    d = d2
    for name in ["lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset",
                 "lrem", "ltrim", "linsert", "lpos", "lmove", "rpoplpush"]:
        a, b = d.both("COMMAND", "INFO", name)
        assert a[0][:6] == b[0][:6], name  # name, arity, flags, first/last/step key
        da, db = d.both("COMMAND", "DOCS", name)
        ma, mb = dict(zip(da[1][::2], da[1][1::2])), dict(zip(db[1][::2], db[1][1::2]))
        for f in [b"summary", b"since", b"group"]:
            assert ma[f] == mb[f], (name, f)
    a, b = d.both("COMMAND", "INFO", "lmpop")
    assert a[0][:2] == b[0][:2]
    assert a[0][3:6] == b[0][3:6]
