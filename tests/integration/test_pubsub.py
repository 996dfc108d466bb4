"""Pub/Sub: differential against redis-server (every reply and every pushed message byte-identical, RESP2 and
RESP3), then shoal alone: subscribers on every worker get every message in order, and a subscriber that does
not read is cut off at the pubsub output-buffer limit while the server stays healthy."""
import socket
import time

import pytest

from diffutil import Conn, d, decode_one, pair, start_target  # noqa: F401  (fixtures)
from test_concurrency import run_threads


def read_pushes(session, n):
    """Reads n pushed messages on each side of a session; the same bytes must arrive, in any order (when a
    message matches several patterns, their order follows each server's hash table)."""
    ra = sorted(session.a.read_many(n))
    rb = sorted(session.b.read_many(n))
    assert ra == rb, (ra, rb)
    return ra


def test_subscribe_replies(d):
    d.cmd_n(3, "SUBSCRIBE", "a", "b", "a")
    d.cmd_n(2, "PSUBSCRIBE", "n*", "x?y")
    d.cmd("PING")
    d.cmd("PING", "hello")
    d.cmd_n(2, "UNSUBSCRIBE", "b", "never")
    d.cmd("PUNSUBSCRIBE", "x?y")
    d.cmd("UNSUBSCRIBE")
    d.cmd("PUNSUBSCRIBE")
    d.cmd("UNSUBSCRIBE")  # nothing left: one reply with a null channel
    d.cmd("PUNSUBSCRIBE")
    d.cmd("SET", "k", "v")  # allowed again


def test_commands_refused_while_subscribed_in_resp2(pair):
    s = pair.session(2)
    try:
        s.cmd("SUBSCRIBE", "c")
        s.cmd("GET", "k")
        s.cmd("SET", "k", "v")
        s.cmd("PUBLISH", "c", "x")
        s.cmd("PING")
        s.cmd("RESET")      # leaves subscribed mode
        s.cmd("GET", "k")
    finally:
        s.close()


def test_resp3_client_may_run_commands_while_subscribed(pair):
    s = pair.session(3)
    try:
        s.cmd("SUBSCRIBE", "c")
        s.cmd("SET", "k", "v")
        s.cmd("GET", "k")
        s.cmd("PING")
    finally:
        s.close()


@pytest.mark.parametrize("proto", [2, 3])
def test_publish_delivers_messages_and_pmessages(pair, proto):
    sub, pub = pair.session(proto), pair.session(2)
    try:
        sub.cmd_n(2, "SUBSCRIBE", "news", "bin\x00ary")
        sub.cmd_n(2, "PSUBSCRIBE", "new*", "*")
        assert pub.cmd("PUBLISH", "news", "hello") == 3  # channel + two patterns
        read_pushes(sub, 3)
        pub.cmd("PUBLISH", "bin\x00ary", "\r\n\x00")
        read_pushes(sub, 2)
        pub.cmd("PUBLISH", "nobody-here", "x")  # only the "*" pattern
        read_pushes(sub, 1)
        pub.cmd("PUBSUB", "NUMSUB", "news", "none", "bin\x00ary")
        pub.cmd("PUBSUB", "NUMPAT")
        pub.cmd_unordered("PUBSUB", "CHANNELS")
        pub.cmd_unordered("PUBSUB", "CHANNELS", "n*")
        pub.cmd("PUBSUB", "CHANNELS", "zzz*")
    finally:
        sub.close()
        pub.close()


def test_pubsub_introspection_resp3_and_errors(d):
    d.cmd("PUBSUB", "NUMSUB", "a", "b")
    d.cmd("PUBSUB", "NUMSUB")
    d.cmd("PUBSUB", "NUMPAT")
    d.cmd("PUBSUB", "CHANNELS")
    d.cmd("PUBSUB", "SHARDCHANNELS")
    d.cmd("PUBSUB", "SHARDNUMSUB", "a")
    d.cmd("PUBSUB", "NUMPAT", "extra")
    d.cmd("PUBSUB", "CHANNELS", "a", "b")
    d.cmd("PUBSUB", "NOSUCH")
    d.cmd("PUBSUB", "HELP")
    d.cmd("PUBLISH", "c")
    d.cmd("SUBSCRIBE")
    d.cmd("PUBLISH", "nobody", "msg")


def test_subscription_dropped_on_disconnect(pair):
    pair.flushall()
    sub, pub = pair.session(), pair.session()
    sub.cmd("SUBSCRIBE", "gone")
    sub.cmd("PSUBSCRIBE", "go*")
    sub.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        a, b = pub.both("PUBSUB", "NUMSUB", "gone")
        if a == b == [b"gone", 0]:
            break
        time.sleep(0.05)
    pub.cmd("PUBSUB", "NUMSUB", "gone")
    pub.cmd("PUBSUB", "NUMPAT")
    pub.cmd("PUBLISH", "gone", "x")
    pub.close()


def test_shard_channel_subscribe_replies(d):
    # SSUBSCRIBE counts the client's shard channels, (P)SUBSCRIBE its channels and patterns; any
    # of them keeps a RESP2 client in the subscribed context.
    d.cmd("SUNSUBSCRIBE")  # nothing yet: a null name
    d.cmd_n(3, "SSUBSCRIBE", "c1", "c2", "c1")
    d.cmd("SUBSCRIBE", "c1")
    d.cmd("UNSUBSCRIBE")
    d.cmd("PING")
    d.cmd_n(2, "SUNSUBSCRIBE", "c2", "never")
    d.cmd("SUNSUBSCRIBE")
    d.cmd("PING")
    d.cmd("SSUBSCRIBE")
    d.cmd("SPUBLISH", "x")
    d.cmd("COMMAND", "GETKEYS", "SPUBLISH", "ch", "m")
    d.cmd("COMMAND", "GETKEYS", "SSUBSCRIBE", "a", "b")
    d.cmd("COMMAND", "INFO", "SPUBLISH", "SSUBSCRIBE", "SUNSUBSCRIBE")


@pytest.mark.parametrize("proto", [2, 3])
def test_spublish_reaches_shard_subscribers_only(pair, proto):
    sub, pub = pair.session(proto), pair.session(2)
    try:
        sub.cmd_n(2, "SSUBSCRIBE", "orders", "bin\x00ary")
        sub.cmd("SUBSCRIBE", "orders")
        sub.cmd("PSUBSCRIBE", "*")
        assert pub.cmd("SPUBLISH", "orders", "o1") == 1     # not the channel nor the pattern
        read_pushes(sub, 1)
        assert pub.cmd("PUBLISH", "orders", "o2") == 2      # the channel and the pattern, not the shard channel
        read_pushes(sub, 2)
        pub.cmd("SPUBLISH", "bin\x00ary", "\r\n\x00")
        read_pushes(sub, 1)
        pub.cmd("SPUBLISH", "nobody", "x")
        pub.cmd_unordered("PUBSUB", "SHARDCHANNELS")
        pub.cmd("PUBSUB", "SHARDCHANNELS", "ord*")
        pub.cmd("PUBSUB", "SHARDNUMSUB", "orders", "none")
        pub.cmd("PUBSUB", "NUMSUB", "orders")
        a, b = pub.both("INFO", "stats")
        for info in (a, b):
            assert b"pubsubshard_channels:2\r\n" in info
        a, b = pub.both("CLIENT", "LIST")
        for listing in (a, b):
            assert b"flags=P db=0 sub=1 psub=1 ssub=2 " in listing
        sub.cmd("RESET")                                   # drops shard channels too
        pub.cmd("PUBSUB", "SHARDCHANNELS")
    finally:
        sub.close()
        pub.close()


# ---------------------------------------------------------------- shoal alone

@pytest.fixture(scope="module")
def server():
    with start_target(["--client-output-buffer-limit", "pubsub 256kb 128kb 1"]) as s:
        yield s


def test_every_worker_gets_every_message_in_order(server):
    subs = [Conn(server.host, server.port) for _ in range(6)]  # round-robin: both workers
    try:
        for c in subs:
            c.callv("SUBSCRIBE", "seq")
            c.callv("PSUBSCRIBE", "se?")
        n = 2000
        pubs = []

        def publisher(tag):
            def run():
                p = Conn(server.host, server.port)
                for i in range(n):
                    assert p.callv("PUBLISH", "seq", f"{tag}:{i}") == 12
                p.close()
            return run

        run_threads([publisher("A"), publisher("B")], timeout=120)
        for c in subs:
            last = {"A": -1, "B": -1}
            plast = {"A": -1, "B": -1}
            for _ in range(4 * n):
                v = decode_one(c.read(timeout=20))
                kind = v[0]
                tag, i = v[-1].decode().split(":")
                book = last if kind == b"message" else plast
                assert int(i) == book[tag] + 1, (kind, tag, i, book)
                book[tag] = int(i)
            assert last == {"A": n - 1, "B": n - 1} and plast == last
    finally:
        for c in subs:
            c.close()


def test_slow_subscriber_is_cut_off(server):
    slow = Conn(server.host, server.port)
    slow.callv("SUBSCRIBE", "flood")
    slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    pub = Conn(server.host, server.port)
    payload = "x" * 1000
    receivers = 1
    for _ in range(30000):
        receivers = pub.callv("PUBLISH", "flood", payload)
        if receivers == 0:
            break
    assert receivers == 0, "the subscriber that never reads was not disconnected"
    assert pub.callv("PING") == "PONG"
    info = pub.callv("CLIENT", "LIST")
    assert b"flood" not in info
    slow.close()
    pub.close()


# ---------------------------------------------------------------- keyspace notifications

def test_notify_keyspace_events_config(d):
    for v in ("KEA", "Kx", "Elg", "", "xK", "A$", "Ex", "KEg$lshzxetdmn", "KEn", "KA", "Q", "KEz?"):
        d.cmd("CONFIG", "SET", "notify-keyspace-events", v)
        d.cmd("CONFIG", "GET", "notify-keyspace-events")
    d.cmd("CONFIG", "SET", "notify-keyspace-events", "")


def drain_compare(sub, idle=0.3):
    """Everything each side's subscriber received until it went quiet: the same messages in the same order."""
    ra = sub.a.read_until_close(timeout=3, idle=idle)
    rb = sub.b.read_until_close(timeout=3, idle=idle)
    assert ra == rb, (ra, rb)
    return ra


@pytest.mark.parametrize("flags", ["KEA", "KEAn", "Eg", "K$", "Kx"])
def test_keyspace_events_match_redis(pair, flags):
    pair.flushall()
    sub, cli = pair.session(), pair.session()
    try:
        cli.cmd("CONFIG", "SET", "notify-keyspace-events", flags)
        sub.cmd("PSUBSCRIBE", "__key*__:*")
        cli.cmd("SET", "k", "v")
        cli.cmd("SET", "k", "w", "EX", "100")
        cli.cmd("SET", "nx", "1", "NX")
        cli.cmd("SET", "nx", "2", "NX")      # not set: no event
        cli.cmd("SETEX", "se", "100", "x")
        cli.cmd("MSET", "m1", "1", "m2", "2")
        cli.cmd("INCR", "m1")
        cli.cmd("INCRBYFLOAT", "m1", "1.5")
        cli.cmd("APPEND", "m2", "tail")
        cli.cmd("SETRANGE", "m2", "1", "xy")
        cli.cmd("GETSET", "m2", "new")
        cli.cmd("GETEX", "m2", "PX", "50000")
        cli.cmd("GETEX", "m2", "PERSIST")
        cli.cmd("EXPIRE", "m2", "100")
        cli.cmd("PERSIST", "m2")
        cli.cmd("RENAME", "m2", "m3")
        cli.cmd("COPY", "m3", "m4")
        cli.cmd("MOVE", "m4", "2")
        cli.cmd("DEL", "m3", "nothing", "k")
        cli.cmd("GETDEL", "m1")
        cli.cmd("SET", "short", "1", "PX", "30")
        time.sleep(0.15)
        cli.cmd("GET", "short")              # lazy expiry: "expired"
        cli.cmd("EXPIRE", "se", "-1")        # deadline in the past: "del"
        cli.cmd("INCR", "wrongtype-free")
        got = drain_compare(sub)
        if "A" in flags or "g" in flags or "$" in flags or "x" in flags:
            assert got, "no notification at all"
    finally:
        cli.cmd("CONFIG", "SET", "notify-keyspace-events", "")
        sub.close()
        cli.close()


def test_active_expiry_sends_expired_event(pair):
    pair.flushall()
    sub, cli = pair.session(), pair.session()
    try:
        cli.cmd("CONFIG", "SET", "notify-keyspace-events", "Ex")
        sub.cmd("SUBSCRIBE", "__keyevent@0__:expired")
        cli.cmd("SET", "gone-by-itself", "1", "PX", "50")
        # Nobody touches the key: the active cycle must find it (Redis within ~100 ms at hz 10).
        for s in (sub.a, sub.b):
            assert s.read(timeout=5) == b"*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$14\r\ngone-by-itself\r\n"
    finally:
        cli.cmd("CONFIG", "SET", "notify-keyspace-events", "")
        sub.close()
        cli.close()


def _client_fields(conn, name):
    """The CLIENT LIST fields of the connection called name, as a dict."""
    for line in conn.callv("CLIENT", "LIST").decode().splitlines():
        f = dict(kv.split("=", 1) for kv in line.split(" ") if "=" in kv)
        if f.get("name") == name:
            return f
    raise AssertionError(f"{name} not in CLIENT LIST")


def test_introspection_of_subscribers_and_transactions(pair):
    """CLIENT LIST flags/sub/psub/multi and INFO's pubsub counts agree with Redis."""
    pair.flushall()
    seen = []
    for label, srv in pair.servers:
        sub, tx, admin = (Conn(srv.host, srv.port, label=label) for _ in range(3))
        try:
            sub.callv("CLIENT", "SETNAME", "sub")
            tx.callv("CLIENT", "SETNAME", "tx")
            sub.send("SUBSCRIBE", "c1", "c2")
            sub.read_many(2)
            sub.send("PSUBSCRIBE", "p*")
            sub.read()
            tx.callv("MULTI")
            tx.callv("SET", "a", "1")
            tx.callv("GET", "a")
            fs, ft = _client_fields(admin, "sub"), _client_fields(admin, "tx")
            info = admin.callv("INFO", "stats").decode()
            stats = dict(l.split(":", 1) for l in info.splitlines() if ":" in l)
            seen.append(((fs["flags"], fs["sub"], fs["psub"], fs["multi"]),
                         (ft["flags"], ft["sub"], ft["psub"], ft["multi"]),
                         stats["pubsub_channels"], stats["pubsub_patterns"]))
            tx.callv("EXEC")
            assert _client_fields(admin, "tx")["multi"] == "-1"
        finally:
            for c in (sub, tx, admin):
                c.close()
    assert seen[0] == seen[1], seen
    assert seen[0] == (("P", "2", "1", "-1"), ("x", "0", "0", "2"), "2", "1"), seen
