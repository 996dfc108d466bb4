"""CLIENT TRACKING (client-side caching), against redis-server: the invalidation pushes a tracking
client receives (default mode, OPTIN/OPTOUT with CLIENT CACHING, NOLOOP, BCAST with prefixes,
REDIRECT to a RESP2 subscriber or a RESP3 connection, a redirect target that goes away, FLUSHALL,
expiry), CLIENT TRACKINGINFO / GETREDIR, the CLIENT LIST flags and INFO fields, and the errors.
Each scenario runs on both servers and what every connection received is compared byte for byte.

Shoal sends an invalidation for every key a write command names, also when the command left it
unchanged (DEL of a missing key, SET NX that did not set); Redis only for keys that changed. Such
an extra invalidation only drops a cache entry that was still good; the scenarios here write keys
that change."""
import time

import pytest

from diffutil import Conn, d, pair, target  # noqa: F401  (fixtures)


def connect(srv, label, proto=2):
    c = Conn(srv.host, srv.port, label=label)
    if proto == 3:
        c.call("HELLO", "3")
    return c


def quiet(conn, wait=0.2):
    try:
        raw = conn.read(timeout=wait)
    except TimeoutError:
        return True
    raise AssertionError(f"{conn.label}: unexpected {raw!r}")


def gone_within(conn, client_id, timeout=5):
    """Waits until the server has seen client_id disconnect."""
    deadline = time.monotonic() + timeout
    while conn.callv("CLIENT", "LIST", "ID", str(client_id)):
        assert time.monotonic() < deadline, f"client {client_id} still listed"
        time.sleep(0.02)


def tracker_and_writer(srv, label):
    """A RESP3 connection that will track keys, and a RESP2 one that writes, on an empty server."""
    a = connect(srv, label + ":a", 3)
    b = connect(srv, label + ":b")
    assert b.call("FLUSHALL") == b"+OK\r\n"
    quiet(a)
    return a, b


def both(pair, scenario):
    got = [scenario(srv, label) for label, srv in pair.servers]
    assert got[0] == got[1], f"\n{pair.servers[0][0]}: {got[0]}\n{pair.servers[1][0]}: {got[1]}"
    return got[0]


@pytest.mark.parametrize("args", [
    ("CLIENT", "TRACKING"), ("CLIENT", "TRACKING", "MAYBE"), ("CLIENT", "TRACKING", "ON", "FOO"),
    ("CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"), ("CLIENT", "TRACKING", "ON", "PREFIX", "a"),
    ("CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"), ("CLIENT", "TRACKING", "ON", "REDIRECT", "999999"),
    ("CLIENT", "TRACKING", "ON", "REDIRECT", "x"), ("CLIENT", "TRACKING", "ON", "REDIRECT"),
    ("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab", "PREFIX", "abc"),
    ("CLIENT", "TRACKING", "OFF", "REDIRECT", "999999"),
    ("CLIENT", "CACHING", "YES"), ("CLIENT", "CACHING"), ("CLIENT", "CACHING", "YES", "NO"),
    ("CLIENT", "TRACKINGINFO", "x"), ("CLIENT", "GETREDIR", "x"),
    ("CLIENT", "TRACKINGINFO"), ("CLIENT", "GETREDIR"), ("CLIENT", "TRACKING", "OFF"),
])
def test_tracking_errors_and_idle_state(d, args):
    d.cmd(*args)


def test_mode_switch_errors(d):
    d.cmd("CLIENT", "TRACKING", "ON", "OPTIN")
    d.cmd("CLIENT", "CACHING", "NO")
    d.cmd("CLIENT", "CACHING", "maybe")
    d.cmd("CLIENT", "TRACKING", "ON", "OPTOUT")
    d.cmd("CLIENT", "TRACKING", "ON", "BCAST")
    d.cmd("CLIENT", "TRACKING", "ON", "NOLOOP")  # allowed: adds NOLOOP, keeps nothing else
    d.cmd("CLIENT", "TRACKINGINFO")
    d.cmd("CLIENT", "GETREDIR")
    d.cmd("CLIENT", "TRACKING", "OFF")
    d.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "sess")
    d.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "us")     # overlaps an existing one
    d.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "users:x")
    d.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x1", "PREFIX", "x2")
    d.cmd("CLIENT", "TRACKINGINFO")
    d.cmd("CLIENT", "TRACKING", "ON")                                 # BCAST cannot be switched off
    d.cmd("CLIENT", "TRACKING", "OFF")
    d.cmd("CLIENT", "TRACKINGINFO")


def default_mode(srv, label):
    a, b = tracker_and_writer(srv, label)
    out = []
    b.call("MSET", "k", "1", "k2", "1", "k3", "1")
    out.append(a.call("CLIENT", "TRACKING", "ON"))
    out.append(a.call("CLIENT", "TRACKINGINFO"))
    out += [a.call("GET", "k"), a.call("MGET", "k2", "k3"), a.call("STRLEN", "k4")]
    out.append(b.call("SET", "k", "2"))
    out.append(a.read())                          # invalidate [k]
    out.append(b.call("SET", "k", "3"))           # k is no longer tracked: nothing
    quiet(a)
    out.append(b.call("DEL", "k2", "k3"))         # one push per key
    out += a.read_many(2)
    out.append(b.call("SET", "k4", "x"))          # a missing key read is tracked too
    out.append(a.read())
    # Its own write: the reply, then the invalidation.
    out.append(a.call("GET", "k"))
    a.send("INCR", "k")
    out += a.read_many(2)
    # In a transaction: after EXEC's reply.
    out += [a.call("GET", "k"), a.call("MULTI"), a.call("GET", "k"), a.call("SET", "k", "5")]
    a.send("EXEC")
    out += a.read_many(2)
    # Another db: keys are names, whatever the db.
    out.append(a.call("GET", "k"))
    out += [b.call("SELECT", "1"), b.call("SET", "k", "x"), b.call("SELECT", "0")]
    out.append(a.read())
    # FLUSHALL (and FLUSHDB): "everything" (null), and nothing is tracked afterwards.
    out.append(a.call("GET", "k"))
    out.append(b.call("FLUSHDB"))
    out.append(a.read())
    out.append(b.call("SET", "k", "y"))
    quiet(a)
    out.append(a.call("CLIENT", "TRACKING", "OFF"))
    out.append(a.call("CLIENT", "TRACKINGINFO"))
    for c in (a, b):
        c.close()
    return out


def test_default_mode_resp3(pair):
    both(pair, default_mode)


def noloop_and_optin_optout(srv, label):
    a, b = tracker_and_writer(srv, label)
    out = [a.call("CLIENT", "TRACKING", "ON", "NOLOOP")]
    out += [a.call("GET", "n"), a.call("SET", "n", "1")]   # its own write: not told
    quiet(a)
    out += [a.call("GET", "n"), b.call("SET", "n", "2"), a.read()]
    out.append(a.call("CLIENT", "TRACKING", "OFF"))
    # OPTIN: only the command after CLIENT CACHING YES is tracked.
    out += [a.call("CLIENT", "TRACKING", "ON", "OPTIN"), a.call("CLIENT", "CACHING", "YES"),
            a.call("CLIENT", "TRACKINGINFO"), a.call("GET", "o1"), a.call("GET", "o2")]
    out += [b.call("SET", "o2", "1"), b.call("SET", "o1", "1"), a.read()]
    quiet(a)
    # CACHING YES then a transaction: every read in it is tracked.
    out += [a.call("CLIENT", "CACHING", "YES"), a.call("MULTI"), a.call("GET", "t1"),
            a.call("GET", "t2"), a.call("EXEC")]
    out += [b.call("MSET", "t1", "1", "t2", "1")]
    out += a.read_many(2)
    out.append(a.call("CLIENT", "TRACKING", "OFF"))
    # OPTOUT: everything but the command after CLIENT CACHING NO.
    out += [a.call("CLIENT", "TRACKING", "ON", "OPTOUT"), a.call("CLIENT", "CACHING", "NO"),
            a.call("CLIENT", "TRACKINGINFO"), a.call("GET", "p1"), a.call("GET", "p2")]
    out += [b.call("SET", "p1", "1"), b.call("SET", "p2", "1"), a.read()]
    quiet(a)
    for c in (a, b):
        c.close()
    return out


def test_noloop_optin_optout(pair):
    both(pair, noloop_and_optin_optout)


def bcast(srv, label):
    a, b = tracker_and_writer(srv, label)
    out = [a.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "sess")]
    out.append(a.call("CLIENT", "TRACKINGINFO"))
    out.append(b.call("SET", "user:1", "x"))
    out.append(a.read())
    out.append(b.call("SET", "other", "x"))
    quiet(a)
    out.append(b.call("MSET", "sess1", "a", "user:2", "c", "sess2", "b"))   # one push per prefix
    out += a.read_many(2)
    out.append(a.call("SET", "user:9", "1"))      # its own writes too (no NOLOOP)
    out.append(a.read())
    out.append(a.call("CLIENT", "TRACKING", "OFF"))
    # No prefix: every key.
    out.append(a.call("CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP"))
    out += [b.call("SET", "anything", "1"), a.read()]
    out += [a.call("SET", "mine", "1")]
    quiet(a)
    out.append(b.call("FLUSHALL"))
    out.append(a.read())
    for c in (a, b):
        c.close()
    return out


def test_bcast_prefixes(pair):
    both(pair, bcast)


def redirects(srv, label):
    r = connect(srv, label + ":r")
    rid = r.callv("CLIENT", "ID")
    a = connect(srv, label + ":a")
    b = connect(srv, label + ":b")
    b.call("FLUSHALL")
    out = [r.call("SUBSCRIBE", "__redis__:invalidate")]
    out.append(a.call("CLIENT", "TRACKING", "ON", "REDIRECT", str(rid)))
    out.append(a.callv("CLIENT", "GETREDIR") == rid)
    out.append(a.call("GET", "q"))
    out.append(b.call("SET", "q", "1"))
    out.append(r.read())                          # a RESP2 message on __redis__:invalidate
    out.append(b.call("FLUSHALL"))
    out.append(r.read())                          # with a null for "everything"
    info = a.callv("CLIENT", "INFO").decode()
    out.append([p for p in info.split() if p.startswith(("flags=", "redir="))] == ["flags=t", f"redir={rid}"])
    # A RESP3 target gets pushes.
    r3 = connect(srv, label + ":r3", 3)
    r3id = r3.callv("CLIENT", "ID")
    a3 = connect(srv, label + ":a3", 3)
    out.append(a3.call("CLIENT", "TRACKING", "ON", "REDIRECT", str(r3id)))
    out += [a3.call("GET", "z"), b.call("SET", "z", "1"), r3.read()]
    quiet(a3)
    # The target goes away: the flag, and a RESP3 client is told once.
    r3.close()
    gone_within(a3, r3id)
    out += [a3.call("GET", "z"), b.call("SET", "z", "2")]
    rid3 = b":%d\r\n" % r3id
    out.append(a3.read().replace(rid3, b":ID\r\n"))    # tracking-redir-broken
    out.append(a3.call("CLIENT", "TRACKINGINFO").replace(rid3, b":ID\r\n"))
    info = a3.callv("CLIENT", "INFO").decode()
    out.append([p for p in info.split() if p.startswith("flags=")])
    for c in (r, a, b, a3):
        c.close()
    return out


def test_redirect_resp2_resp3_and_broken(pair):
    both(pair, redirects)


def expiry(srv, label):
    a, b = tracker_and_writer(srv, label)
    out = [a.call("CLIENT", "TRACKING", "ON"), b.call("SET", "e", "1", "PX", "300")]
    out.append(a.call("GET", "e"))
    out.append(a.read(timeout=5))   # the active expiry cycle removes it: invalidate [e]
    for c in (a, b):
        c.close()
    return out


def test_expired_key_is_invalidated(pair):
    both(pair, expiry)


def test_info_and_client_list(pair):
    for label, srv in pair.servers:
        a = connect(srv, label + ":a", 3)
        b = connect(srv, label + ":b")
        b.call("FLUSHALL")
        a.call("CLIENT", "TRACKING", "ON")
        a.call("MGET", "i1", "i2", "i3")
        c = connect(srv, label + ":c", 3)
        c.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p1", "PREFIX", "p2")
        info = b.callv("INFO").decode()
        fields = dict(l.split(":", 1) for l in info.split("\r\n") if l.startswith("tracking_"))
        assert fields == {"tracking_clients": "2", "tracking_total_keys": "3",
                          "tracking_total_items": "3", "tracking_total_prefixes": "2"}, (label, fields)
        listing = b.callv("CLIENT", "LIST").decode().splitlines()
        tracked = sorted(p for l in listing for p in l.split() if p.startswith("flags=t"))
        assert tracked == ["flags=t", "flags=tB"], (label, listing)
        for x in (a, c):
            x.close()
        deadline = time.monotonic() + 5
        while True:
            info = b.callv("INFO").decode()
            if "tracking_clients:0\r\n" in info and "tracking_total_prefixes:0\r\n" in info:
                break
            assert time.monotonic() < deadline, (label, info)
            time.sleep(0.02)
        b.close()


def test_reset_turns_tracking_off(d):
    d.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "r")
    d.cmd("RESET")
    d.cmd("CLIENT", "TRACKINGINFO")


def test_table_limit_forgets_and_invalidates(target):
    # Shoal bounds the tracked keys (tracking-table-max-keys, within one key per shard); a key it
    # forgets is invalidated, so the client never keeps a value it would not hear about.
    ctl = connect(target, "ctl")
    a = connect(target, "a", 3)
    try:
        ctl.call("CONFIG", "SET", "tracking-table-max-keys", "10")
        a.call("CLIENT", "TRACKING", "ON")
        for i in range(200):
            a.send("GET", f"lim{i}")
        replies = pushed = 0
        while True:
            try:
                raw = a.read(timeout=5 if replies < 200 else 0.3)
            except TimeoutError:
                break
            if raw.startswith(b">2\r\n$10\r\ninvalidate\r\n"):
                pushed += 1
            else:
                assert raw == b"_\r\n"
                replies += 1
        assert replies == 200
        info = ctl.callv("INFO", "stats").decode()
        keys = int(info.split("tracking_total_keys:")[1].split("\r\n")[0])
        assert 1 <= keys <= 10 + 32, keys
        assert pushed + keys == 200  # every key read is tracked or was invalidated
    finally:
        ctl.call("CONFIG", "SET", "tracking-table-max-keys", "1000000")
        a.close()
        ctl.close()


def test_invalidations_cross_workers_under_load(target):
    # Readers and writers on both workers: every tracked key a writer changes reaches its reader.
    ctl = connect(target, "ctl")
    ctl.call("FLUSHALL")
    readers = [connect(target, f"r{i}", 3) for i in range(4)]
    writer = connect(target, "w")
    for i, r in enumerate(readers):
        r.call("CLIENT", "TRACKING", "ON")
        r.call("MGET", *[f"x{i}:{j}" for j in range(50)])
    for i in range(4):
        writer.send_raw(b"".join(
            b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n" % (len(k), k)
            for k in (f"x{i}:{j}".encode() for j in range(50))))
    assert writer.read_many(200) == [b"+OK\r\n"] * 200
    for i, r in enumerate(readers):
        got = [r.read() for _ in range(50)]
        keys = sorted(g.split(b"\r\n")[-2].decode() for g in got)
        assert keys == sorted(f"x{i}:{j}" for j in range(50))
        r.close()
    writer.close()
    ctl.close()


def eviction(srv, label):
    a, b = tracker_and_writer(srv, label)
    b.call("SET", "ev", "1")
    out = [a.call("CLIENT", "TRACKING", "ON"), a.call("GET", "ev")]
    try:
        b.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        b.call("CONFIG", "SET", "maxmemory", "1")   # nothing fits: every key is evicted
        b.send("SET", "trigger", "x")
        out.append(a.read(timeout=5))               # invalidate [ev]
        b.read()
    finally:
        b.call("CONFIG", "SET", "maxmemory", "0")
        b.call("CONFIG", "SET", "maxmemory-policy", "noeviction")
    out.append(b.call("EXISTS", "ev"))
    for c in (a, b):
        c.close()
    return out


def test_evicted_key_is_invalidated(pair):
    both(pair, eviction)
