"""MONITOR, differential against redis-server: a monitor on each server receives the same lines for
the same commands (timestamps and client addresses aside, which are checked for their form), with
Redis' quoting, redaction of credentials, hidden admin commands, commands run by EXEC and blocked
commands shown once; RESET ends monitoring, and a vanished monitor does not disturb the server."""
import re
import time

from diffutil import Conn, Err, pair  # noqa: F401  (fixtures)

LINE = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)$")


def read_lines(conn, n, timeout=5):
    """n monitor lines (without CRLF)."""
    buf = b""
    deadline = time.monotonic() + timeout
    while buf.count(b"\r\n") < n:
        assert time.monotonic() < deadline, f"{conn.label}: got {buf!r}, wanted {n} lines"
        buf += conn.read(timeout=max(0.1, deadline - time.monotonic()))
    lines = buf.split(b"\r\n")
    assert lines[n] == b"", f"{conn.label}: more than {n} lines: {lines[n:]!r}"
    return lines[:n]


def normalized(label, lines, addr):
    out = []
    for ln in lines:
        m = LINE.match(ln)
        assert m, f"{label}: not a monitor line: {ln!r}"
        assert abs(int(m.group(1)) - time.time()) < 60, ln
        assert m.group(4).decode() == addr, f"{label}: {ln!r} not from {addr}"
        out.append(b"[" + m.group(3) + b"] " + m.group(5))
    return out


def client_addr(conn):
    info = conn.callv("CLIENT", "INFO").decode()
    return re.search(r"addr=(\S+)", info).group(1)


STEPS = [
    ("SET", "k", "v"),
    ("GET", "k"),
    ("SET", b'q"uo\\te', b"line\nbreak\r\t\x00\xff\x07\x08 end"),
    ("SELECT", "3"),
    ("SET", "in3", "x"),
    ("SELECT", "0"),
    ("AUTH", "nopass-set"),              # shown, credentials redacted
    ("AUTH", "default", "secret"),
    ("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "me"),
    ("CONFIG", "GET", "maxmemory"),     # admin: hidden
    ("CLIENT", "SETNAME", "cli"),
    ("CLIENT", "LIST"),                  # admin: hidden
    ("NOSUCHCOMMAND", "x"),              # rejected before running: not shown
    ("GET",),                            # wrong arity: not shown
    ("MULTI",),
    ("INCR", "n"),
    ("LPUSH", "l", "a"),
    ("EXEC",),
    ("BLPOP", "l", "1"),                 # served at once
    ("PING",),
    ("ECHO", "12345"),
]


def test_monitor_lines_match_redis(pair):
    pair.flushall()
    mons = [Conn(s.host, s.port, label=label) for label, s in pair.servers]
    clis = [Conn(s.host, s.port, label=label) for label, s in pair.servers]
    try:
        for m in mons:
            assert m.callv("MONITOR") == "OK"
        # Its own CLIENT LIST shows the monitor flag on the monitoring connection.
        for c in clis:
            assert b"flags=O" in c.callv("CLIENT", "LIST"), c.label
        per_server = []
        for m, c in zip(mons, clis):
            addr = client_addr(c)
            for step in STEPS:
                c.call(*step)
            # CLIENT INFO (admin? no: shown) was run first, then the steps.
            per_server.append((m.label, addr))
        got = []
        for (label, addr), m in zip(per_server, mons):
            lines = read_lines(m, 18)
            got.append(normalized(label, lines, addr))
        assert got[0] == got[1], "\n".join(f"{a!r}  |  {b!r}" for a, b in zip(got[0], got[1]))
        assert any(b'"(redacted)"' in ln for ln in got[0])
        assert not any(b"maxmemory" in ln for ln in got[0])
    finally:
        for c in mons + clis:
            c.close()


def test_monitor_errors_and_reset(pair):
    pair.flushall()
    for label, s in pair.servers:
        m, c = Conn(s.host, s.port, label=label), Conn(s.host, s.port, label=label)
        try:
            # MONITOR inside a transaction is refused when EXEC runs it.
            c.call("MULTI")
            c.call("MONITOR")
            reply = c.callv("EXEC")
            assert reply == [Err("ERR MONITOR isn't allowed for DENY BLOCKING client")], (label, reply)
            assert m.callv("MONITOR") == "OK"
            c.call("SET", "a", "1")
            assert len(read_lines(m, 1)) == 1
            assert m.callv("RESET") == "RESET"
            c.call("SET", "a", "2")
            assert m.callv("PING") == "PONG"  # no monitor line arrived before this reply
            # A monitor that goes away: the server goes on.
            m2 = Conn(s.host, s.port, label=label)
            m2.callv("MONITOR")
            m2.close()
            for i in range(50):
                c.call("SET", "b", i)
            assert c.callv("GET", "b") == b"49"
        finally:
            m.close()
            c.close()
