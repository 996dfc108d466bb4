"""Keyspace notifications of the list, hash, set and sorted-set commands, differential against
redis-server: a subscriber on each server PSUBSCRIBEs every keyspace/keyevent channel while another
session runs a sequence of commands (changes, no-ops, keys emptied and deleted, *STORE with empty
results, blocking pops served at once or woken up), and the two subscribers must receive the same
messages, byte for byte and in the same order. Replies are compared on the way."""
import time

import pytest

from diffutil import Conn, decode_one, pair  # noqa: F401  (fixtures)

MARKER = "__keyend__:marker"  # matches the subscription's pattern; ends each run's stream
RANDOM = "random-reply"  # a step starting with this runs on both servers, replies not compared


def received(conn):
    """Raw pmessage frames that reached conn's subscriber up to the end marker."""
    frames = []
    while True:
        raw = conn.read(timeout=5)
        if MARKER.encode() in raw:
            return frames
        frames.append(raw)


def readable(frames):
    out = []
    for raw in frames:
        v = decode_one(raw)
        out.append(" ".join(x.decode() if isinstance(x, bytes) else str(x) for x in v[2:]))
    return out


def run_sequence(pair, flags, steps, during=None):
    """Runs steps (argument tuples) with notify-keyspace-events set to flags and compares what each
    server's subscriber got. during(cli) may run extra work (e.g. wake-ups) before the end marker."""
    pair.flushall()
    sub, cli = pair.session(), pair.session()
    try:
        cli.cmd("CONFIG", "SET", "notify-keyspace-events", flags)
        sub.cmd("PSUBSCRIBE", "__key*__:*")
        for step in steps:
            if step[0] == RANDOM:
                cli.both(*step[1:])
            else:
                cli.cmd(*step)
        if during:
            during(cli)
        cli.cmd("PUBLISH", MARKER, "end")
        got_a, got_b = received(sub.a), received(sub.b)
        assert readable(got_a) == readable(got_b)
        assert got_a == got_b
        return readable(got_b)
    finally:
        cli.cmd("CONFIG", "SET", "notify-keyspace-events", "")
        sub.close()
        cli.close()


LIST_STEPS = [
    ("LPUSH", "l", "a", "b", "c"),            # new, then one lpush for the whole command
    ("RPUSH", "l", "d", "e"),
    ("LPUSHX", "l", "x", "y"),
    ("RPUSHX", "l", "z"),
    ("LPUSHX", "nolist", "x"),                # no such key: nothing
    ("RPUSHX", "nolist", "x"),
    ("LPOP", "l"),
    ("RPOP", "l"),
    ("LPOP", "l", "2"),                       # one event for a counted pop
    ("RPOP", "l", "0"),                       # count 0: nothing
    ("LPOP", "nolist"),
    ("LINSERT", "l", "BEFORE", "d", "ins"),
    ("LINSERT", "l", "AFTER", "nosuch", "ins"),   # pivot not found: nothing
    ("LINSERT", "nolist", "AFTER", "a", "ins"),
    ("LSET", "l", "0", "set"),
    ("LSET", "l", "100", "set"),              # error: nothing
    ("RPUSH", "l", "r", "r", "r"),
    ("LREM", "l", "2", "r"),
    ("LREM", "l", "0", "absent"),             # nothing removed: nothing
    ("LTRIM", "l", "0", "100"),               # trims nothing, still ltrim
    ("LTRIM", "l", "1", "-1"),
    ("LTRIM", "nolist", "0", "1"),
    ("LRANGE", "l", "0", "-1"),
    ("LMOVE", "l", "l2", "RIGHT", "LEFT"),    # new + lpush on l2, rpop on l
    ("LMOVE", "l2", "l2", "LEFT", "RIGHT"),   # rotation of a one-element list
    ("RPOPLPUSH", "l", "l2"),
    ("LMOVE", "nolist", "l2", "LEFT", "LEFT"),
    ("RPUSH", "one", "x"),
    ("LMOVE", "one", "dst", "LEFT", "RIGHT"),  # source emptied: del after the pop
    ("LMPOP", "2", "nolist", "l", "LEFT", "COUNT", "2"),
    ("LMPOP", "1", "l2", "RIGHT", "COUNT", "10"),  # empties l2
    ("RPUSH", "l", "b1", "b2", "b3", "b4", "b5"),
    ("BLPOP", "nolist", "l", "1"),
    ("BRPOP", "l", "1"),
    ("BLMOVE", "l", "dst", "LEFT", "LEFT", "1"),
    ("BRPOPLPUSH", "dst", "l", "1"),
    ("BLMPOP", "1", "2", "nolist", "dst", "RIGHT", "COUNT", "5"),
    ("LTRIM", "l", "5", "1"),                 # empty range: ltrim then del
    ("RPUSH", "e", "only"),
    ("LREM", "e", "0", "only"),
    ("RPUSH", "p", "1", "2"),
    ("RPOP", "p", "5"),
    ("RPUSH", "p", "1"),
    ("LPOP", "p"),
    ("SET", "str", "v"),
    ("LPUSH", "str", "x"),                    # wrong type: nothing
    ("LMOVE", "p2", "str", "LEFT", "LEFT"),
    ("RPUSH", "p2", "x"),
    ("LMOVE", "p2", "str", "LEFT", "LEFT"),   # wrong destination type: nothing
]


@pytest.mark.parametrize("flags", ["KEA", "Kl", "El", "Eg", "KEln"])
def test_list_events(pair, flags):
    got = run_sequence(pair, flags, LIST_STEPS)
    if flags == "KEA":
        assert "__keyevent@0__:lpush l" in got


HASH_STEPS = [
    ("HSET", "h", "f1", "v1", "f2", "v2"),
    ("HSET", "h", "f1", "v1"),                # same value: still hset
    ("HMSET", "h", "f3", "v3"),
    ("HSETNX", "h", "f1", "x"),               # exists: nothing
    ("HSETNX", "h", "f4", "v4"),
    ("HSETNX", "h2", "f", "v"),               # new key
    ("HINCRBY", "h", "n", "5"),
    ("HINCRBY", "h", "f1", "1"),              # not an integer: nothing
    ("HINCRBYFLOAT", "h", "fl", "1.5"),
    ("HINCRBYFLOAT", "h", "f1", "1"),
    ("HINCRBY", "h3", "n", "1"),              # new key
    ("HINCRBYFLOAT", "h4", "n", "1"),
    ("HDEL", "h", "nosuch"),                  # nothing deleted: nothing
    ("HDEL", "nohash", "f"),
    ("HDEL", "h", "f1", "f2", "nosuch"),
    ("HDEL", "h2", "f"),                      # emptied: hdel then del
    ("HGETALL", "h"),
    ("SET", "str", "v"),
    ("HSET", "str", "f", "v"),
    ("HDEL", "h", "f3", "f4", "n", "fl"),
]


@pytest.mark.parametrize("flags", ["KEA", "Eh", "Kh", "Eg", "KEhn"])
def test_hash_events(pair, flags):
    got = run_sequence(pair, flags, HASH_STEPS)
    if flags == "KEA":
        assert "__keyevent@0__:hset h" in got


SET_STEPS = [
    ("SADD", "s", "a", "b", "c", "1", "2"),
    ("SADD", "s", "a"),                       # nothing added: nothing
    ("SREM", "s", "nosuch"),
    ("SREM", "nosuch", "a"),
    ("SREM", "s", "c", "nosuch"),
    ("SPOP", "nosuch"),
    ("SPOP", "s", "0"),
    ("SADD", "s2", "x", "y", "z"),
    ("SMOVE", "s", "s2", "a"),
    ("SMOVE", "s", "s2", "nosuch"),           # not a member: nothing
    ("SMOVE", "s2", "s2", "a"),               # same set: nothing
    ("SMOVE", "s", "s3", "b"),                # destination created
    ("SADD", "s2", "b"),
    ("SMOVE", "s3", "s2", "b"),               # source emptied, member already there
    ("SADD", "one", "m"),
    ("SPOP", "one"),                          # spop then del
    ("SADD", "few", "1", "2", "3"),
    (RANDOM, "SPOP", "few", "2"),
    (RANDOM, "SPOP", "few", "5"),                     # takes all: spop then del
    ("SADD", "t1", "1", "2", "3", "x"),
    ("SADD", "t2", "2", "3", "4"),
    ("SINTERSTORE", "d1", "t1", "t2"),
    ("SINTERSTORE", "d1", "t1", "t2"),        # overwrites: no new
    ("SUNIONSTORE", "d2", "t1", "t2"),
    ("SDIFFSTORE", "d3", "t1", "t2"),
    ("SINTERSTORE", "d1", "t1", "nosuch"),    # missing input, existing destination: del
    ("SINTERSTORE", "d1", "t1", "nosuch"),    # nothing to delete: nothing
    ("SDIFFSTORE", "d2", "t1", "t1"),         # empty result over a key: del
    ("SUNIONSTORE", "d9", "nosuch"),          # empty, no destination: nothing
    ("SET", "str", "v"),
    ("SUNIONSTORE", "str", "t1"),             # overwrites another type
    ("SADD", "str", "x"),
    ("SMOVE", "t1", "nokey", "x"),
    ("SREM", "t1", "1", "2", "3"),            # emptied: srem then del
    ("SINTER", "t2", "t2"),
]


@pytest.mark.parametrize("flags", ["KEA", "Es", "Ks", "Eg", "KEsn"])
def test_set_events(pair, flags):
    got = run_sequence(pair, flags, SET_STEPS)
    if flags == "KEA":
        assert "__keyevent@0__:sadd s" in got


ZSET_STEPS = [
    ("ZADD", "z", "1", "a", "2", "b", "3", "c"),
    ("ZADD", "z", "1", "a"),                  # same score: nothing
    ("ZADD", "z", "XX", "5", "nosuch"),       # nothing: nothing
    ("ZADD", "z", "NX", "9", "a"),
    ("ZADD", "z", "XX", "10", "a"),
    ("ZADD", "z", "GT", "1", "a"),            # not greater: nothing
    ("ZADD", "z", "CH", "11", "a", "4", "d"),
    ("ZADD", "nokey", "XX", "1", "a"),
    ("ZADD", "z", "INCR", "1", "a"),          # zincr
    ("ZADD", "z", "INCR", "0", "a"),          # score unchanged
    ("ZADD", "z", "NX", "INCR", "1", "a"),    # existing: nothing
    ("ZINCRBY", "z", "2", "b"),
    ("ZINCRBY", "z", "0", "b"),
    ("ZINCRBY", "z2", "1", "new"),            # new key
    ("ZADD", "z", "INCR", "+inf", "a"),
    ("ZADD", "z", "INCR", "-inf", "a"),       # NaN error: nothing
    ("ZREM", "z", "nosuch"),
    ("ZREM", "z", "d", "nosuch"),
    ("ZREM", "nokey", "a"),
    ("ZADD", "r", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"),
    ("ZREMRANGEBYSCORE", "r", "100", "200"),   # nothing: nothing
    ("ZREMRANGEBYSCORE", "r", "1", "1"),
    ("ZREMRANGEBYRANK", "r", "0", "0"),
    ("ZREMRANGEBYRANK", "r", "50", "60"),
    ("ZREMRANGEBYLEX", "r", "[c", "[c"),
    ("ZREMRANGEBYLEX", "r", "[zz", "[zzz"),
    ("ZPOPMIN", "r"),
    ("ZPOPMAX", "r", "0"),
    ("ZPOPMAX", "nokey"),
    ("ZADD", "r", "7", "g", "8", "h"),
    ("ZPOPMAX", "r", "2"),                     # one event for a counted pop
    ("ZPOPMIN", "z2", "5"),                    # emptied: zpopmin then del
    ("ZMPOP", "2", "nokey", "r", "MIN", "COUNT", "1"),
    ("BZPOPMIN", "nokey", "r", "1"),
    ("ZADD", "r", "1", "x", "2", "y"),
    ("BZPOPMAX", "r", "1"),
    ("BZMPOP", "1", "1", "r", "MAX", "COUNT", "9"),
    ("ZADD", "u1", "1", "a", "2", "b"),
    ("ZADD", "u2", "3", "b", "4", "c"),
    ("SADD", "st", "a", "z"),
    ("ZUNIONSTORE", "o1", "3", "u1", "u2", "st"),
    ("ZUNIONSTORE", "o1", "1", "u1"),          # overwrite: no new
    ("ZINTERSTORE", "o2", "2", "u1", "u2"),
    ("ZDIFFSTORE", "o3", "2", "u1", "u2"),
    ("ZINTERSTORE", "o2", "2", "u1", "nokey"),  # empty result over a key: del
    ("ZINTERSTORE", "o2", "2", "u1", "nokey"),  # nothing to delete: nothing
    ("ZDIFFSTORE", "o1", "2", "u1", "u1"),
    ("ZRANGESTORE", "o4", "u1", "0", "-1"),
    ("ZRANGESTORE", "o4", "u2", "0", "0"),
    ("ZRANGESTORE", "o4", "u1", "10", "20"),    # empty range: del
    ("ZRANGESTORE", "o5", "nokey", "0", "-1"),  # missing source: nothing to delete
    ("ZRANGESTORE", "o4", "nokey", "0", "-1"),
    ("ZADD", "o6", "1", "x"),
    ("ZRANGESTORE", "o6", "nokey", "0", "-1"),  # missing source over a key: del
    ("SET", "str", "v"),
    ("ZUNIONSTORE", "str", "1", "u1"),          # overwrites another type
    ("ZADD", "str", "1", "a"),
    ("ZREMRANGEBYRANK", "u1", "0", "-1"),       # emptied: zremrangebyrank then del
    ("ZREM", "u2", "b", "c"),                   # emptied: zrem then del
    ("ZRANGE", "z", "0", "-1", "WITHSCORES"),
]


@pytest.mark.parametrize("flags", ["KEA", "Ez", "Kz", "Eg", "KEzn"])
def test_zset_events(pair, flags):
    got = run_sequence(pair, flags, ZSET_STEPS)
    if flags == "KEA":
        assert "__keyevent@0__:zadd z" in got


MIXED_STEPS = [
    ("SELECT", "5"),                          # events name the session's db
    ("MULTI",),
    ("RPUSH", "l", "a", "b"),
    ("HSET", "h", "f", "v"),
    ("SADD", "s", "m"),
    ("ZADD", "z", "1", "m"),
    ("LMOVE", "l", "l", "LEFT", "RIGHT"),
    ("HDEL", "h", "f"),
    ("SMOVE", "s", "s2", "m"),
    ("ZPOPMIN", "z"),
    ("SUNIONSTORE", "l", "s2"),               # overwrites the list with a set
    ("ZUNIONSTORE", "h", "1", "l"),           # sets feed sorted-set algebra
    ("EXEC",),
    ("DEL", "l", "h", "s2"),
]


@pytest.mark.parametrize("flags", ["KEA", "KEAn", "Elshz"])
def test_mixed_families_in_transaction_and_another_db(pair, flags):
    got = run_sequence(pair, flags, MIXED_STEPS)
    assert got


def _wake(pair, block_args, push_args):
    """A client blocked with block_args on each server is woken by cli running push_args; its reply
    is read before the stream is closed."""
    def during(cli):
        blockers = [Conn(s.host, s.port, label=label) for label, s in pair.servers]
        try:
            for b in blockers:
                b.send(*block_args)
            # Both must be parked before the push; a round trip on cli does not prove it, so ask.
            for label, s in pair.servers:
                c = Conn(s.host, s.port, label=label)
                for _ in range(200):
                    if b"blocked_clients:1" in c.callv("INFO", "clients"):
                        break
                    time.sleep(0.01)
                c.close()
            cli.cmd(*push_args)
            replies = [b.read(timeout=5) for b in blockers]
            assert replies[0] == replies[1]
        finally:
            for b in blockers:
                b.close()
    return during


@pytest.mark.parametrize("block_args,push_args", [
    (("BLPOP", "wl", "0"), ("RPUSH", "wl", "a", "b")),
    (("BRPOP", "wl", "0"), ("LPUSH", "wl", "a")),
    (("BLMOVE", "wl", "wdst", "RIGHT", "LEFT", "0"), ("RPUSH", "wl", "a")),
    (("BLMPOP", "0", "1", "wl", "LEFT", "COUNT", "3"), ("RPUSH", "wl", "a", "b")),
    (("BZPOPMIN", "wz", "0"), ("ZADD", "wz", "1", "a")),
    (("BZMPOP", "0", "1", "wz", "MAX", "COUNT", "2"), ("ZADD", "wz", "1", "a", "2", "b", "3", "c")),
])
def test_woken_blocking_pops(pair, block_args, push_args):
    run_sequence(pair, "KEA", [], during=_wake(pair, block_args, push_args))


READ_MISS_STEPS = [
    ("GET", "nosuch"), ("MGET", "nosuch", "nosuch2"), ("STRLEN", "nosuch"),
    ("GETRANGE", "nosuch", "0", "1"), ("GETDEL", "nosuch"), ("GETEX", "nosuch"),
    ("LRANGE", "nolist", "0", "-1"), ("LINDEX", "nolist", "0"), ("LLEN", "nolist"),
    ("LPOS", "nolist", "a"),
    ("HGET", "nohash", "f"), ("HMGET", "nohash", "f", "g"), ("HGETALL", "nohash"),
    ("HLEN", "nohash"), ("HEXISTS", "nohash", "f"), ("HSTRLEN", "nohash", "f"),
    ("HRANDFIELD", "nohash"), ("HSCAN", "nohash", "0"),
    ("SMEMBERS", "noset"), ("SISMEMBER", "noset", "m"), ("SCARD", "noset"),
    ("SINTER", "noset", "noset2"), ("SUNION", "noset"), ("SDIFF", "noset", "noset2"),
    ("SINTERCARD", "2", "noset", "noset2"),
    ("ZSCORE", "nozset", "m"), ("ZRANGE", "nozset", "0", "-1"), ("ZCARD", "nozset"),
    ("ZRANK", "nozset", "m"), ("ZCOUNT", "nozset", "-inf", "+inf"),
    ("ZUNION", "2", "nozset", "noset"), ("ZINTER", "1", "nozset"), ("ZDIFF", "1", "nozset"),
]

KEY_STEPS = [
    ("SET", "k", "v"), ("EXISTS", "k", "nosuch"), ("TYPE", "k"), ("TYPE", "nosuch"), ("TTL", "k"),
    ("PTTL", "nosuch"), ("EXPIRETIME", "k"), ("OBJECT", "ENCODING", "k"),
    ("OBJECT", "ENCODING", "nosuch"), ("OBJECT", "FREQ", "nosuch"), ("TOUCH", "k", "nosuch"),
    ("EXPIRE", "k", "100"), ("PERSIST", "k"), ("COPY", "k", "k2"), ("COPY", "nosuch", "k3"),
    ("RENAME", "k2", "k4"), ("RENAMENX", "k4", "k"), ("MOVE", "k4", "3"), ("DEL", "k", "nosuch"),
    ("INCR", "n"), ("APPEND", "n", "1"), ("SETRANGE", "n", "0", "5"), ("SET", "n", "1", "GET"),
    ("GETSET", "n", "2"), ("MSETNX", "n", "1", "m", "1"), ("SETNX", "n", "1"),
]

ALL_STEPS = READ_MISS_STEPS + KEY_STEPS + LIST_STEPS + HASH_STEPS + SET_STEPS + ZSET_STEPS


@pytest.mark.parametrize("flags", ["Em", "Km", "KEA"])
def test_keymiss_events(pair, flags):
    """Read commands on missing keys raise `keymiss` (class m, which A does not include); the
    families' write commands on missing keys and the *STORE forms are checked by the sequences
    above with the same flags."""
    got = run_sequence(pair, flags, ALL_STEPS)
    if flags == "Em":
        assert "__keyevent@0__:keymiss nosuch" in got
        assert "__keyevent@0__:keymiss nozset" in got
    if flags == "KEA":
        assert not any("keymiss" in g for g in got)


def _hits_misses(conn):
    info = conn.callv("INFO", "stats").decode()
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return int(fields["keyspace_hits"]), int(fields["keyspace_misses"])


def test_keyspace_hits_and_misses_counted_as_redis(pair):
    """INFO's keyspace_hits/keyspace_misses move as Redis' do over every family's commands: reads
    count, writes do not, the *STORE forms' sources count as reads."""
    pair.flushall()
    cli = pair.session()
    try:
        before = [_hits_misses(c) for c in (cli.a, cli.b)]
        for step in ALL_STEPS:
            if step[0] == RANDOM:
                cli.both(*step[1:])
            else:
                cli.cmd(*step)
        after = [_hits_misses(c) for c in (cli.a, cli.b)]
        delta = [(h1 - h0, m1 - m0) for (h0, m0), (h1, m1) in zip(before, after)]
        assert delta[0] == delta[1]
        assert delta[0][0] > 0 and delta[0][1] > 0
    finally:
        cli.close()


def test_set_with_a_deadline_already_past(pair):
    """SET ... EXAT/PXAT with a time already past stores the key as Redis 7.0 does (it counts in
    DBSIZE until expiry removes it, invisible meanwhile) and it leaves with an `expired` event
    (found by test_fuzz_diff, seed 9012)."""
    got = run_sequence(pair, "KEA", [
        ("SET", "k", "v", "EXAT", "3"), ("GET", "k"),
        ("SET", "k2", "v", "PXAT", "1", "GET"), ("EXISTS", "k2"),
        ("SET", "k3", "v", "EX", "100"), ("SET", "k3", "w", "XX", "PXAT", "2"), ("TTL", "k3"),
        ("MULTI",), ("SET", "k4", "v", "EXAT", "5"), ("DBSIZE",), ("EXISTS", "k4"), ("EXEC",),
        ("DBSIZE",),
    ])
    assert "__keyevent@0__:expired k" in got
    assert "__keyevent@0__:expired k2" in got
    assert "__keyevent@0__:expired k3" in got
