"""CLIENT PAUSE / CLIENT UNPAUSE, against redis-server: which commands wait under WRITE and under ALL,
that waiting clients show as blocked, that their replies come in order once the pause ends (by its
timeout or by UNPAUSE), that a new pause keeps the stricter mode and the later end, and that the
dataset holds still (no active expiry) while paused. Scenarios run on both servers and what each
connection received is compared byte for byte; timings are checked with generous bounds.

ALL pauses stay short here: under ALL even CLIENT UNPAUSE waits for the timeout."""
import time

import pytest

from diffutil import Conn, d, pair, target  # noqa: F401  (fixtures)

QUIET = 0.25  # how long a held command must stay unanswered


def no_reply(conn, wait=QUIET):
    """True when nothing arrives on conn within `wait` seconds."""
    try:
        conn.read(timeout=wait)
    except TimeoutError:
        return True
    return False


def connect(srv, label):
    return Conn(srv.host, srv.port, label=label)


def client_field(line, name):
    for part in line.split():
        if part.startswith(name + "="):
            return part[len(name) + 1:]
    return None


@pytest.mark.parametrize("args", [("CLIENT", "PAUSE"), ("CLIENT", "PAUSE", "-1"), ("CLIENT", "PAUSE", "abc"),
                                  ("CLIENT", "PAUSE", "1.5"), ("CLIENT", "PAUSE", "05"), ("CLIENT", "PAUSE", "+5"),
                                  ("CLIENT", "PAUSE", "10", "FOO"), ("CLIENT", "PAUSE", "10", "WRITE", "ALL"),
                                  ("CLIENT", "PAUSE", "", "WRITE"), ("CLIENT", "UNPAUSE", "x")])
def test_pause_errors(d, args):
    d.cmd(*args)


def test_pause_zero_and_modes_any_case(d):
    d.cmd("CLIENT", "PAUSE", "0")
    d.cmd("CLIENT", "PAUSE", "0", "write")
    d.cmd("CLIENT", "PAUSE", "0", "All")
    d.cmd("CLIENT", "UNPAUSE")
    d.cmd("SET", "k", "v")  # nothing is left paused


def write_pause_transcript(srv, label):
    """Under a WRITE pause: reads answer, writes (and PUBLISH, PFCOUNT, an EXEC that writes, a write
    queued in MULTI) wait, and what they and their pipelines answer after UNPAUSE."""
    ctl = connect(srv, label + ":ctl")
    conns = {n: connect(srv, f"{label}:{n}") for n in ("set", "pub", "pfc", "multi_ro", "multi_w", "pipe")}
    out = []
    ctl.call("DEL", "x", "h")
    ctl.call("PFADD", "h", "a")
    out.append(ctl.call("CLIENT", "PAUSE", "20000", "WRITE"))
    t0 = time.monotonic()
    c = conns["set"]
    out.append(c.call("GET", "x"))          # reads go on
    out.append(c.call("PING"))
    c.send("SET", "x", "1")                 # waits
    conns["pub"].send("PUBLISH", "ch", "m")
    conns["pfc"].send("PFCOUNT", "h")
    m = conns["multi_ro"]
    out += [m.call("MULTI"), m.call("GET", "x"), m.call("EXEC")]  # a read-only transaction runs
    w = conns["multi_w"]
    out.append(w.call("MULTI"))
    w.send("INCR", "x")                     # a write waits before it is even queued
    p = conns["pipe"]
    p.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\ny\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$1\r\ny\r\n")  # GET waits behind SET
    for n in ("set", "pub", "pfc", "multi_w", "pipe"):
        assert no_reply(conns[n]), f"{label}: {n} answered during the pause"
    # Errors that come before the pause check are answered at once.
    e = connect(srv, label + ":err")
    out.append(e.call("NOSUCHCMD"))
    out.append(e.call("SET", "onlykey"))
    # The held clients show as blocked, each with the command it waits with.
    info = ctl.callv("INFO", "clients").decode()
    blocked = [l for l in info.split("\r\n") if l.startswith("blocked_clients:")]
    out.append(blocked[0].encode())
    listing = ctl.callv("CLIENT", "LIST").decode().splitlines()
    flags_cmds = sorted((client_field(l, "flags"), client_field(l, "cmd")) for l in listing
                        if client_field(l, "flags") and "b" in client_field(l, "flags"))
    out.append(repr(flags_cmds).encode())
    out.append(ctl.call("CLIENT", "UNPAUSE"))
    out.append(c.read())
    out.append(conns["pub"].read())
    out.append(conns["pfc"].read())
    out.append(w.read())
    out.append(w.call("EXEC"))
    out += p.read_many(2)
    out.append(ctl.call("GET", "x"))
    assert time.monotonic() - t0 < 15, f"{label}: UNPAUSE did not release the clients"
    for conn in list(conns.values()) + [ctl, e]:
        conn.close()
    return out


def test_write_pause_holds_writes_only(pair):
    got = {label: write_pause_transcript(srv, label) for label, srv in pair.servers}
    (la, a), (lb, b) = got.items()
    assert a == b, f"\n{la}: {a}\n{lb}: {b}"
    assert b"blocked_clients:5" in a


def all_pause_timings(srv, label):
    ctl = connect(srv, label + ":ctl")
    other = connect(srv, label + ":other")
    out = [ctl.call("SET", "k", "v")]
    # The pausing client's own next command waits too; so does a read from anyone else.
    ctl.send("CLIENT", "PAUSE", "1000")
    ctl.send("PING")
    t0 = time.monotonic()
    out.append(ctl.read())
    other.send("GET", "k")
    assert no_reply(other), f"{label}: GET answered under PAUSE ALL"
    out.append(other.read(timeout=5))
    t_get = time.monotonic() - t0
    out.append(ctl.read(timeout=5))
    assert t_get >= 0.9, f"{label}: held for {t_get:.3f}s of a 1000 ms pause"
    assert t_get < 3, f"{label}: the pause did not end by its timeout ({t_get:.3f}s)"
    ctl.close()
    other.close()
    return out


def test_all_pause_holds_everything_until_timeout(pair):
    got = [all_pause_timings(srv, label) for label, srv in pair.servers]
    assert got[0] == got[1]


def stricter_mode_later_end(srv, label):
    a = connect(srv, label + ":a")
    b = connect(srv, label + ":b")
    c = connect(srv, label + ":c")
    # WRITE for 1000 ms, then ALL for 50 ms from another (not held: CLIENT PAUSE does not write):
    # the pause is ALL until 1000 ms.
    out = [a.call("CLIENT", "PAUSE", "1000", "WRITE")]
    t0 = time.monotonic()
    out.append(b.call("CLIENT", "PAUSE", "50", "ALL"))
    time.sleep(0.15)
    c.send("GET", "k")
    out.append(c.read(timeout=5))
    held = time.monotonic() - t0
    assert held >= 0.9, f"{label}: GET answered after {held:.3f}s, the ALL pause should last until 1000 ms"
    assert held < 4
    for x in (a, b, c):
        x.close()
    return out


def test_new_pause_keeps_stricter_mode_and_later_end(pair):
    got = [stricter_mode_later_end(srv, label) for label, srv in pair.servers]
    assert got[0] == got[1]


def expiry_holds_still(srv, label):
    ctl = connect(srv, label + ":ctl")
    ctl.call("FLUSHALL")
    # One pipeline, so the pause is on well before the keys expire, even on a slow (sanitizer) build.
    for i in range(50):
        ctl.send("SET", f"e{i}", "v", "PX", "200")
    ctl.send("CLIENT", "PAUSE", "20000", "WRITE")
    out = ctl.read_many(51)[50:]
    time.sleep(0.8)  # past the deadlines, several active expiry cycles (hz 10)
    out.append(ctl.call("DBSIZE"))  # DBSIZE does not expire keys lazily: still 50 on both
    out.append(ctl.call("CLIENT", "UNPAUSE"))
    deadline = time.monotonic() + 5
    while ctl.callv("DBSIZE") != 0:
        assert time.monotonic() < deadline, f"{label}: keys not expired after the pause"
        time.sleep(0.05)
    ctl.close()
    return out


def test_no_active_expiry_while_paused(pair):
    got = [expiry_holds_still(srv, label) for label, srv in pair.servers]
    assert got[0] == got[1]
    assert got[0][1] == b":50\r\n"


def test_unblock_of_a_paused_client_is_refused(target):
    # Redis 7.0 crashes here (a client held by a pause is "blocked" but not in a blocking
    # command); Shoal answers 0 and the client keeps waiting for the pause to end.
    ctl = connect(target, "ctl")
    w = connect(target, "w")
    wid = w.callv("CLIENT", "ID")
    ctl.call("CLIENT", "PAUSE", "20000", "WRITE")
    w.send("SET", "u", "1")
    assert no_reply(w)
    assert ctl.call("CLIENT", "UNBLOCK", str(wid)) == b":0\r\n"
    assert ctl.call("CLIENT", "UNBLOCK", str(wid), "ERROR") == b":0\r\n"
    assert no_reply(w, 0.1)
    ctl.call("CLIENT", "UNPAUSE")
    assert w.read() == b"+OK\r\n"


def test_many_paused_clients_resume_in_order_across_workers(target):
    # 20 connections (spread over both workers) each send a write and a read under the pause;
    # after UNPAUSE every one is answered, every held write ran once, and a disconnect while held
    # is harmless (its write never runs, the blocked count drops).
    ctl = connect(target, "ctl")
    ctl.call("DEL", "seq")
    ctl.call("CLIENT", "PAUSE", "20000", "WRITE")
    conns = [connect(target, f"c{i}") for i in range(20)]
    for i, c in enumerate(conns):
        c.send("RPUSH", "seq", str(i))
        c.send("GET", "nokey")
    gone = conns.pop(7)
    gone.close()  # leaves while held: its RPUSH never runs
    time.sleep(0.1)
    blocked = [l for l in ctl.callv("INFO", "clients").decode().split("\r\n") if l.startswith("blocked_clients:")]
    assert blocked == ["blocked_clients:19"]
    ctl.call("CLIENT", "UNPAUSE")
    for c in conns:
        assert c.read_many(2)[1] == b"$-1\r\n"
    seq = [int(x) for x in ctl.callv("LRANGE", "seq", "0", "-1")]
    assert sorted(seq) == [i for i in range(20) if i != 7]
    assert ctl.callv("INFO", "clients").decode().count("blocked_clients:0") == 1
    for c in conns:
        c.close()


def reply_skip_survives_pause(srv, label):
    # CLIENT REPLY SKIP applies to the next command even when that command waits for a pause.
    ctl = connect(srv, label + ":ctl")
    c = connect(srv, label + ":c")
    out = [ctl.call("CLIENT", "PAUSE", "20000", "WRITE")]
    c.send("CLIENT", "REPLY", "SKIP")
    c.send("SET", "skipped", "1")   # held, and its +OK is to be dropped
    c.send("GET", "skipped")
    assert no_reply(c)
    out.append(ctl.call("CLIENT", "UNPAUSE"))
    out.append(c.read())            # only GET's reply
    assert no_reply(c, 0.1)
    for x in (ctl, c):
        x.close()
    return out


def test_reply_skip_applies_to_the_held_command(pair):
    got = [reply_skip_survives_pause(srv, label) for label, srv in pair.servers]
    assert got[0] == got[1]
    assert got[0][-1] == b"$1\r\n1\r\n"
