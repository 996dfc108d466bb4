"""CLIENT REPLY, CLIENT NO-EVICT, CLIENT UNBLOCK and WAIT, differential against redis-server: what each
connection receives is compared byte for byte (a dropped reply must be absent on both sides, so the
next reply read is the same), including replies of blocked commands and Pub/Sub pushes (which
REPLY OFF keeps), and a blocked client unblocked from another connection with a timeout or an
error."""
import time

import pytest

from diffutil import Conn, d, pair  # noqa: F401  (fixtures)
from test_blocking import parked


def test_client_reply_skip_and_off(d):
    d.cmd("CLIENT", "REPLY", "ON")
    # SKIP: no reply to itself nor to the next command; the one after answers.
    for c in d.sides:
        c.send("CLIENT", "REPLY", "SKIP")
        c.send("SET", "a", "1")
    d.cmd("GET", "a")
    # OFF: nothing, errors included, until ON (whose +OK is sent).
    for c in d.sides:
        c.send("CLIENT", "REPLY", "OFF")
        c.send("INCR", "a")
        c.send("GET", "a")
        c.send("NOSUCHCOMMAND")
        c.send("CLIENT", "REPLY", "SKIP")  # no effect while OFF
        c.send("INCR", "a")
    d.cmd("CLIENT", "REPLY", "ON")
    d.cmd("GET", "a")
    # SKIP then a command that fails: its error is skipped too.
    for c in d.sides:
        c.send("CLIENT", "REPLY", "SKIP")
        c.send("INCR", "nonnumeric", "extra")
    d.cmd("PING")
    # SKIP twice in a row: the second SKIP is the skipped command and re-arms it.
    for c in d.sides:
        c.send("CLIENT", "REPLY", "SKIP")
        c.send("CLIENT", "REPLY", "SKIP")
        c.send("ECHO", "skipped")
    d.cmd("ECHO", "seen")
    # A pipeline mixing everything.
    for c in d.sides:
        c.send_raw(b"*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\n"
                   b"*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n")
    assert d.a.read_many(2) == d.b.read_many(2)


@pytest.mark.parametrize("args", [("CLIENT", "REPLY"), ("CLIENT", "REPLY", "MAYBE"), ("CLIENT", "REPLY", "ON", "x"),
                                  ("CLIENT", "NO-EVICT"), ("CLIENT", "NO-EVICT", "maybe"), ("CLIENT", "NO-EVICT", "on", "x"),
                                  ("CLIENT", "UNBLOCK"), ("CLIENT", "UNBLOCK", "x"), ("CLIENT", "UNBLOCK", 1, "later"),
                                  ("CLIENT", "UNBLOCK", "x", "later"), ("CLIENT", "UNBLOCK", 1, "timeout", "x"),
                                  ("CLIENT", "UNBLOCK", 999999), ("CLIENT", "UNBLOCK", 999999, "ERROR")])
def test_client_control_errors(d, args):
    d.cmd(*args)


def test_client_no_evict_flag(pair):
    for label, srv in pair.servers:
        c = Conn(srv.host, srv.port, label=label)
        try:
            assert c.callv("CLIENT", "NO-EVICT", "on") == "OK"
            assert b" flags=e " in c.callv("CLIENT", "INFO"), label
            assert c.callv("CLIENT", "NO-EVICT", "OFF") == "OK"
            assert b" flags=N " in c.callv("CLIENT", "INFO"), label
        finally:
            c.close()
    d = pair.session()
    try:
        d.cmd("COMMAND", "INFO", "client|no-evict", "client|reply", "client|unblock")
    finally:
        d.close()


def test_reply_off_keeps_pushes(pair):
    """Redis 7 exempts Pub/Sub pushes from CLIENT REPLY OFF: only replies are dropped."""
    s2 = pair.session(2)
    try:  # in RESP2 a subscribed client may not run CLIENT at all
        s2.cmd("SUBSCRIBE", "x")
        s2.cmd("CLIENT", "REPLY", "OFF")
    finally:
        s2.close()
    pair.flushall()
    sub, pub = pair.session(3), pair.session()  # RESP3: commands are allowed while subscribed
    try:
        sub.cmd("SUBSCRIBE", "ch")
        for c in sub.sides:
            c.send("CLIENT", "REPLY", "OFF")
            c.send("PING")
        time.sleep(0.1)
        pub.cmd("PUBLISH", "ch", "pushed")
        ra, rb = sub.a.read(timeout=5), sub.b.read(timeout=5)
        assert ra == rb, (ra, rb)
        assert b"pushed" in ra
        sub.cmd("CLIENT", "REPLY", "ON")
        sub.cmd("PING")
    finally:
        sub.close()
        pub.close()


@pytest.mark.parametrize("how", [(), ("TIMEOUT",), ("ERROR",), ("error",)])
def test_client_unblock(pair, how):
    pair.flushall()
    waiter, ctl = pair.session(), pair.session()
    try:
        ids = [c.callv("CLIENT", "ID") for c in waiter.sides]
        for c in waiter.sides:
            c.send("BLPOP", "nothing", "0")
        parked(pair, 1)
        # Each side unblocks its own server's waiter: the ids differ, the replies must not.
        got = [c.callv("CLIENT", "UNBLOCK", i, *how) for c, i in zip(ctl.sides, ids)]
        assert got[0] == got[1] == 1, got
        ra, rb = waiter.a.read(timeout=5), waiter.b.read(timeout=5)
        assert ra == rb, (ra, rb)
        parked(pair, 0)
        # No longer blocked: 0, and the connection works.
        assert [c.callv("CLIENT", "UNBLOCK", i) for c, i in zip(ctl.sides, ids)] == [0, 0]
        waiter.cmd("PING")
        # A client blocked in BZPOPMIN gets its own timeout reply shape.
        for c in waiter.sides:
            c.send("BZPOPMIN", "zz", "0")
        parked(pair, 1)
        assert [c.callv("CLIENT", "UNBLOCK", i, *how) for c, i in zip(ctl.sides, ids)] == [1, 1]
        ra, rb = waiter.a.read(timeout=5), waiter.b.read(timeout=5)
        assert ra == rb, (ra, rb)
        # A client that is not blocked at all.
        ctl.cmd("CLIENT", "UNBLOCK", 0)
    finally:
        waiter.close()
        ctl.close()


def test_blocked_reply_dropped_under_reply_off(pair):
    """A command that blocks under CLIENT REPLY OFF and is then served answers nothing."""
    pair.flushall()
    waiter, pusher = pair.session(), pair.session()
    try:
        for c in waiter.sides:
            c.send("CLIENT", "REPLY", "OFF")
            c.send("BLPOP", "q", "0")
        parked(pair, 1)
        pusher.cmd("RPUSH", "q", "x")
        parked(pair, 0)
        waiter.cmd("CLIENT", "REPLY", "ON")
        pusher.cmd("LLEN", "q")
    finally:
        waiter.close()
        pusher.close()


@pytest.mark.parametrize("args", [("WAIT", "0", "0"), ("WAIT", "-1", "0"), ("WAIT", "x", "0"), ("WAIT", "x", "-1"),
                                  ("WAIT", "1", "-1"), ("WAIT", "1", "x"), ("WAIT", "1", "1.5"), ("WAIT", "1"),
                                  ("WAIT", "99999999999999999999", "0"), ("WAIT", "0", "10", "x")])
def test_wait_replies_at_once(d, args):
    d.cmd(*args)


def test_wait_without_replicas_waits_for_its_timeout(d):
    # No replica acknowledges (there are none): WAIT n>0 answers 0 after its timeout.
    for c in d.sides:
        c.send("WAIT", "1", "300")
    t0 = time.monotonic()
    ra, rb = d.a.read(timeout=5), d.b.read(timeout=5)
    assert ra == rb == b":0\r\n"
    assert 0.25 <= time.monotonic() - t0 < 4
    # Inside MULTI it answers at once.
    d.cmd("MULTI")
    d.cmd("WAIT", "5", "0")
    d.cmd("EXEC")


@pytest.mark.parametrize("how", [(), ("TIMEOUT",), ("ERROR",)])
def test_wait_forever_ends_with_client_unblock(pair, how):
    waiter, ctl = pair.session(), pair.session()
    try:
        ids = [c.callv("CLIENT", "ID") for c in waiter.sides]
        for c in waiter.sides:
            c.send("WAIT", "1", "0")
        parked(pair, 1)
        got = [c.callv("CLIENT", "UNBLOCK", i, *how) for c, i in zip(ctl.sides, ids)]
        assert got == [1, 1]
        ra, rb = waiter.a.read(timeout=5), waiter.b.read(timeout=5)
        assert ra == rb, (ra, rb)
        parked(pair, 0)
        waiter.cmd("PING")
    finally:
        waiter.close()
        ctl.close()


def test_client_help_matches_redis(d):
    # Every CLIENT subcommand of Redis 7.0 is there, so the help is Redis' own text.
    d.cmd("CLIENT", "HELP")
