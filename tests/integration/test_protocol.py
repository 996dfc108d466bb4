"""Bad and hostile input: malformed RESP compared byte for byte with Redis (reply and disconnect), random and
truncated frames, huge length headers, clients that never read, 10,000-command pipelines, 10,000 idle
connections, clients that vanish mid-command. The server must answer or drop the offender, keep serving
everyone else, and keep its memory bounded."""
import random
import resource
import socket
import struct
import threading
import time

import pytest

from diffutil import (Conn, encode, pair, rss_kb, send_in_background,  # noqa: F401
                      start_target, wait_until)

RSS_GROWTH_LIMIT_KB = 200 * 1024


@pytest.fixture
def healthy(pair):
    """Runs the test, then proves both servers are alive and serve a fresh client."""
    pair.flushall()
    yield pair
    for label, srv in pair.servers:
        assert srv.alive(), f"{label} died: {srv.log()}"
        c = Conn(srv.host, srv.port, label=label, timeout=5)
        try:
            assert c.callv("PING") == "PONG", label
        finally:
            c.close()


def vm_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


# ---------------------------------------------------------------- malformed input: same bytes as Redis

MALFORMED = {
    "multibulk-len-not-a-number": b"*abc\r\n",
    "multibulk-len-plus-sign": b"*+1\r\n",
    "multibulk-len-over-int-max": b"*2147483648\r\n",
    "multibulk-len-too-long-a-line": b"*" + b"1" * 70000,
    "bulk-len-not-a-number": b"*1\r\n$abc\r\n",
    "bulk-len-space": b"*1\r\n$ 3\r\n",
    "bulk-len-negative": b"*1\r\n$-1\r\n",
    "bulk-len-2GB": b"*1\r\n$2147483648\r\n",
    "bulk-len-2GB-second-arg": b"*2\r\n$3\r\nGET\r\n$2147483648\r\n",
    "bulk-len-just-under-2GB": b"*1\r\n$2147483647\r\n",
    "bulk-len-over-512MB": b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870913\r\n",
    "bulk-len-too-long-a-line": b"*1\r\n$" + b"1" * 70000,
    "expected-dollar-got-letter": b"*1\r\nfoo\r\n",
    "expected-dollar-got-colon": b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n:5\r\n",
    "expected-dollar-got-star": b"*1\r\n*1\r\n",
    "unbalanced-double-quote": b'SET "abc\r\n',
    "unbalanced-single-quote": b"SET a 'b\r\n",
    "quote-not-followed-by-space": b'SET a "b"c\r\n',
    "too-big-inline": b"a" * 70000,
    "error-after-good-commands": b"PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\nPING\r\n",
    "empty-and-negative-multibulk": b"*0\r\n*-1\r\n*-5\r\nPING\r\n",
    "empty-command-name": b"*1\r\n$0\r\n\r\n",
    "inline-unknown-command": b"FOO bar baz\r\n",
    "inline-blank-lines-and-lf-only": b"\r\n\n PING\n\r\n",
    "inline-quoting-and-escapes": b'SET \'a b\' "c\\x41\\n\\"d"\r\nGET "a b"\r\nECHO \'it\\\'s\'\r\n',
    "inline-and-multibulk-mixed": b"PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nECHO there\r\n",
    "pipeline-with-arity-error": b"*1\r\n$4\r\nPING\r\n*1\r\n$3\r\nGET\r\n*1\r\n$4\r\nPING\r\n",
    "truncated-bulk": b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhel",
    "truncated-header": b"*3\r\n$3\r\nSE",
    "huge-multibulk-header-alone": b"*10000000\r\n",
    "nul-bytes-in-bulk": b"*2\r\n$4\r\nECHO\r\n$3\r\n\x00\x00\x00\r\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_like_redis(healthy, name):
    d = healthy.session()
    try:
        d.raw(MALFORMED[name], timeout=0.6, idle=0.3)
    finally:
        d.close()


def test_protocol_error_wording(healthy):
    d = healthy.session()
    try:
        assert d.raw(b"*abc\r\n") == (b"-ERR Protocol error: invalid multibulk length\r\n", True)
    finally:
        d.close()
    d = healthy.session()
    try:
        assert d.raw(b"*1\r\n$2147483648\r\n") == (b"-ERR Protocol error: invalid bulk length\r\n", True)
    finally:
        d.close()


def test_partial_command_never_executes(healthy):
    """A client that vanishes mid-command (FIN or RST) leaves no trace of that command."""
    frames = [
        encode("SET", "vanish1", "v")[:-1],
        encode("SET", "vanish2", "x" * 100000)[:50000],
        encode("MSET", "vanish3", "a", "vanish4", "b")[:-3],
        encode("INCR", "vanish5")[:8],
    ]
    for label, srv in healthy.servers:
        for i, f in enumerate(frames):
            for rst in (False, True):
                s = socket.create_connection((srv.host, srv.port), timeout=5)
                s.sendall(encode("SET", "before", "ok") + f)
                if rst:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
        c = Conn(srv.host, srv.port, label=label)
        wait_until(lambda: c.callv("GET", "before") == b"ok", 5, what=f"{label}: the complete SET before")
        assert c.callv("EXISTS", "vanish1", "vanish2", "vanish3", "vanish4", "vanish5") == 0, label
        c.close()


# ---------------------------------------------------------------- random bytes and mutated frames

def _fire(host, port, payload, timeout=3.0):
    """Sends payload, half-closes, waits for the server to close; returns what came back."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        try:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            return b""
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
        return data
    finally:
        s.close()


def test_random_bytes(healthy):
    rnd = random.Random(20240601)
    srv = healthy.target
    control = Conn(srv.host, srv.port, label="control")
    try:
        for i in range(150):
            n = rnd.choice([1, 2, 5, 16, 100, 1000, 5000])
            payload = bytes(rnd.getrandbits(8) for _ in range(n))
            if i % 3 == 1:
                payload = b"*" + payload
            elif i % 3 == 2:
                payload = b"*2\r\n$" + payload
            _fire(srv.host, srv.port, payload)
            if i % 25 == 0:
                assert control.callv("PING") == "PONG", f"after random payload {i}"
        assert srv.alive()
    finally:
        control.close()


def test_mutated_frames_like_redis(healthy):
    """Valid frames with one byte changed, deleted or duplicated: same reply and disconnect as Redis."""
    rnd = random.Random(7)
    # (no argument may spell a command whose reply differs between servers, e.g. HELLO, when parsed inline)
    base = (encode("SET", "m", "w0rld") + encode("GET", "m") + encode("MGET", "m", "n") + b"PING\r\n"
            + encode("INCRBY", "ctr", "12"))
    payloads = []
    for _ in range(120):
        b = bytearray(base)
        i = rnd.randrange(len(b))
        op = rnd.choice(["flip", "del", "dup", "crlf"])
        if op == "flip":
            b[i] = rnd.choice(b"*$:+-\r\n0123456789ax ")
        elif op == "del":
            del b[i]
        elif op == "dup":
            b.insert(i, b[i])
        else:
            b[i:i] = b"\r\n"
        payloads.append(bytes(b))
    results = {}
    for label, srv in healthy.servers:
        c = Conn(srv.host, srv.port, label=label)
        c.callv("FLUSHALL")
        c.close()
        results[label] = [_fire(srv.host, srv.port, p) for p in payloads]
    (la, ra), (lb, rb) = results.items()
    for p, x, y in zip(payloads, ra, rb):
        assert x == y, f"mutated frame {p!r}\n  {la}: {x!r}\n  {lb}: {y!r}"


# ---------------------------------------------------------------- truncated frames / every split point

FRAME = encode("SET", "split", "hello world") + encode("GET", "split") + b"ECHO inline\r\n" + encode("DEL", "split")
FRAME_REPLY = b"+OK\r\n$11\r\nhello world\r\n$6\r\ninline\r\n:1\r\n"


def test_frame_split_at_every_byte(healthy):
    for label, srv in healthy.servers:
        for cut in range(1, len(FRAME)):
            c = Conn(srv.host, srv.port, label=f"{label} cut@{cut}")
            try:
                c.send_raw(FRAME[:cut])
                time.sleep(0.002)
                c.send_raw(FRAME[cut:])
                got = b"".join(c.read_many(4, timeout=5))
                assert got == FRAME_REPLY, f"{label}: split at byte {cut} ({FRAME[:cut][-10:]!r}|...): {got!r}"
            finally:
                c.close()


def test_frame_dribbled_one_byte_at_a_time(healthy):
    for label, srv in healthy.servers:
        c = Conn(srv.host, srv.port, label=label)
        try:
            for i in range(len(FRAME)):
                c.send_raw(FRAME[i:i + 1])
            assert b"".join(c.read_many(4)) == FRAME_REPLY, label
        finally:
            c.close()


def test_interleaved_partial_frames_on_many_connections(healthy):
    """50 connections each dribble their own command a few bytes at a time, round robin."""
    for label, srv in healthy.servers:
        conns = [Conn(srv.host, srv.port, label=label) for _ in range(50)]
        try:
            frames = [encode("SET", f"il{i}", "v" * i) + encode("STRLEN", f"il{i}") for i in range(50)]
            pos = [0] * 50
            while any(p < len(f) for p, f in zip(pos, frames)):
                for i, c in enumerate(conns):
                    if pos[i] < len(frames[i]):
                        c.send_raw(frames[i][pos[i]:pos[i] + 3])
                        pos[i] += 3
            for i, c in enumerate(conns):
                assert c.read_many(2) == [b"+OK\r\n", b":%d\r\n" % i], f"{label}: connection {i}"
        finally:
            for c in conns:
                c.close()


def test_every_truncation_then_vanish(healthy):
    for label, srv in healthy.servers:
        frame = encode("SET", "trunc", "value")
        for cut in range(1, len(frame)):
            s = socket.create_connection((srv.host, srv.port), timeout=5)
            s.sendall(frame[:cut])
            s.close()
        c = Conn(srv.host, srv.port, label=label)
        assert c.callv("EXISTS", "trunc") == 0, label
        c.close()


# ---------------------------------------------------------------- huge headers: memory stays bounded

def _serving(srv, label, max_latency=2.0):
    c = Conn(srv.host, srv.port, label=label, timeout=max_latency + 3)
    try:
        t0 = time.monotonic()
        assert c.callv("PING") == "PONG"
        lat = time.monotonic() - t0
        assert lat < max_latency, f"{label}: PING took {lat:.2f}s"
    finally:
        c.close()


@pytest.mark.parametrize("header,count", [
    (b"*10000000\r\n", 20),
    (b"*1048576\r\n$1\r\na\r\n", 20),
    (b"*2\r\n$3\r\nGET\r\n$536870912\r\n", 10),   # a 512 MB bulk announced, never sent
    (b"*1\r\n$536870000\r\nabc", 10),
])
def test_huge_length_headers_keep_memory_bounded(healthy, header, count):
    for label, srv in healthy.servers:
        pid = srv.proc.pid
        rss0 = vm_kb(pid)
        socks = []
        try:
            for _ in range(count):
                s = socket.create_connection((srv.host, srv.port), timeout=5)
                s.sendall(header)
                socks.append(s)
            time.sleep(0.3)
            _serving(srv, label)
            # Only resident memory counts: Redis itself reserves (untouched) address space for an announced bulk.
            rss = vm_kb(pid)
            assert rss - rss0 < RSS_GROWTH_LIMIT_KB, \
                f"{label}: RSS grew {(rss - rss0) // 1024} MB with {count} clients sending {header[:30]!r}"
        finally:
            for s in socks:
                s.close()
        _serving(srv, label)


# ---------------------------------------------------------------- a client that never reads

def test_client_that_never_reads_is_dropped(healthy):
    """100,000 pipelined GETs of a 1 MB value, replies never read: with client-output-buffer-limit
    'normal 64mb 32mb 10' the server drops that client, stays responsive, and its RSS stays bounded."""
    value = b"v" * (1 << 20)
    for label, srv in healthy.servers:
        admin = Conn(srv.host, srv.port, label=label)
        try:
            assert admin.callv("CONFIG", "SET", "client-output-buffer-limit", "normal 64mb 32mb 10") == "OK"
            admin.callv("SET", "big", value)
            rss0 = rss_kb(srv.proc.pid)
            hog = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            hog.settimeout(30)
            hog.connect((srv.host, srv.port))
            hog.sendall(encode("CLIENT", "ID"))
            buf = b""
            while not buf.endswith(b"\r\n"):
                buf += hog.recv(100)
            hog_id = int(buf[1:-2])
            flood = encode("GET", "big") * 100_000
            sent = [0]

            def writer():
                try:
                    for off in range(0, len(flood), 65536):
                        hog.sendall(flood[off:off + 65536])
                        sent[0] = off + 65536
                except OSError:
                    pass  # the server dropped us: expected

            t = threading.Thread(target=writer, daemon=True)
            t.start()
            peak = rss0
            deadline = time.monotonic() + 20
            gone = False
            while time.monotonic() < deadline:
                peak = max(peak, rss_kb(srv.proc.pid))
                _serving(srv, label)
                if admin.callv("CLIENT", "LIST", "ID", hog_id) == b"":
                    gone = True
                    break
                time.sleep(0.05)
            assert gone, f"{label}: the non-reading client is still connected after 20 s ({sent[0]} bytes sent)"
            assert peak - rss0 < RSS_GROWTH_LIMIT_KB, f"{label}: RSS grew {(peak - rss0) // 1024} MB"
            hog.close()
            t.join(10)
            _serving(srv, label)
        finally:
            admin.callv("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0")
            admin.callv("DEL", "big")
            admin.close()


# ---------------------------------------------------------------- long pipelines

def test_pipeline_of_10000_commands_in_order(healthy):
    d = healthy.session()
    try:
        cmds = []
        for i in range(2500):
            cmds += [("SET", f"p{i}", i), ("INCR", "counter"), ("GET", f"p{i - 1}"), ("ECHO", f"seq-{i}")]
        replies = d.pipeline(cmds)
        echoes = [r for c, r in zip(cmds, replies) if c[0] == "ECHO"]
        assert echoes == [f"seq-{i}".encode() for i in range(2500)]
        assert replies[-3] == 10000 // 4
        assert d.cmd("GET", "counter") == b"2500"
    finally:
        d.close()


def test_pipeline_of_10000_inline_commands(healthy):
    for label, srv in healthy.servers:
        c = Conn(srv.host, srv.port, label=label)
        try:
            w = send_in_background(c, b"".join(b"INCR inl\r\n" for _ in range(10000)))
            replies = c.read_many(10000, timeout=30)
            w.join(10)
            assert replies == [b":%d\r\n" % (i + 1) for i in range(10000)], label
        finally:
            c.close()


def test_pipelined_big_values(healthy):
    d = healthy.session()
    try:
        v = bytes(range(256)) * 400  # 100 KB
        cmds = [("SET", f"bv{i}", v) for i in range(40)] + [("GET", f"bv{i}") for i in range(40)]
        d.pipeline(cmds)
    finally:
        d.close()


def test_pipeline_then_vanish_without_reading(healthy):
    """The client sends a long pipeline of big replies and closes at once: the server writes into a dead
    socket (EPIPE / ECONNRESET) and must carry on."""
    for label, srv in healthy.servers:
        c = Conn(srv.host, srv.port, label=label)
        c.callv("SET", "bigv", "z" * 200_000)
        c.close()
        for rst in (False, True):
            s = socket.create_connection((srv.host, srv.port), timeout=5)
            s.sendall(encode("GET", "bigv") * 200)
            if rst:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        time.sleep(0.2)
        assert srv.alive(), f"{label} died writing to a vanished client: {srv.log()}"
        _serving(srv, label)


# ---------------------------------------------------------------- 10,000 idle connections

N_IDLE = 10_000


@pytest.fixture(scope="module")
def many_conn_server():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = N_IDLE + 500
    if hard != resource.RLIM_INFINITY and hard < need:
        pytest.skip(f"RLIMIT_NOFILE hard limit is {hard}; {need} descriptors are needed for {N_IDLE} "
                    "connections (raise it with ulimit -Hn or limits.conf)")
    if soft != resource.RLIM_INFINITY and soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(need, 20000)) if hard != resource.RLIM_INFINITY
                                                    else max(need, 20000), hard))
    try:
        with start_target(["--maxclients", N_IDLE + 100]) as s:
            yield s
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_10000_idle_connections(many_conn_server):
    srv = many_conn_server
    socks = []
    try:
        for i in range(N_IDLE):
            s = socket.create_connection((srv.host, srv.port), timeout=10)
            socks.append(s)
            if i % 1000 == 999:
                _serving(srv, "target")
        ping = encode("PING")
        for s in socks:
            s.sendall(ping)
        for i, s in enumerate(socks):
            got = b""
            while len(got) < 7:
                chunk = s.recv(7 - len(got))
                assert chunk, f"connection {i} of {N_IDLE} was closed by the server"
                got += chunk
            assert got == b"+PONG\r\n", f"connection {i}: {got!r}"
        c = Conn(srv.host, srv.port)
        try:
            t0 = time.monotonic()
            c.callv("SET", "k", "v")
            assert c.callv("GET", "k") == b"v"
            assert time.monotonic() - t0 < 1.0
            text = c.callv("INFO", "clients").decode()
            n = int(text.split("connected_clients:")[1].split("\r\n")[0])
            assert n >= N_IDLE + 1, f"connected_clients={n}"
        finally:
            c.close()
        for s in socks[::97]:  # a sample still works after all that
            s.sendall(encode("ECHO", "still-here"))
            assert s.recv(100) == b"$10\r\nstill-here\r\n"
    finally:
        for s in socks:
            s.close()
    c = Conn(srv.host, srv.port)
    try:
        wait_until(lambda: int(c.callv("INFO", "clients").decode().split("connected_clients:")[1]
                               .split("\r\n")[0]) <= 2, 15, interval=0.1, what="connections to be released")
    finally:
        c.close()


def _cut_stream(srv, streams, rng_seed):
    """Sends each connection's byte stream in random pieces (interleaved between connections,
    some with a short pause) and returns what each connection got back once the server has
    answered everything and a quiet moment has passed."""
    rng = random.Random(rng_seed)
    socks = [socket.create_connection((srv.host, srv.port), timeout=10) for _ in streams]
    got = [bytearray() for _ in streams]
    pos = [0] * len(streams)
    try:
        for s in socks:
            s.setblocking(False)

        def drain(deadline_s):
            end = time.monotonic() + deadline_s
            while time.monotonic() < end:
                progressed = False
                for i, s in enumerate(socks):
                    try:
                        chunk = s.recv(1 << 20)
                    except BlockingIOError:
                        continue
                    assert chunk, f"connection {i} closed by the server"
                    got[i] += chunk
                    progressed = True
                if not progressed:
                    return

        while any(p < len(st) for p, st in zip(pos, streams)):
            i = rng.randrange(len(streams))
            if pos[i] >= len(streams[i]):
                continue
            n = rng.choice((1, 7, 100, 1000, 4096, 5000, 16000, 40000, 70000))
            piece = streams[i][pos[i]:pos[i] + n]
            sent = 0
            while sent < len(piece):
                try:
                    sent += socks[i].send(piece[sent:])
                except BlockingIOError:
                    drain(0.01)
            pos[i] += len(piece)
            if rng.random() < 0.2:
                time.sleep(0.002)  # let the server read what is there: the next piece lands apart
            drain(0)
        deadline = time.monotonic() + 20
        quiet = 0
        while quiet < 3 and time.monotonic() < deadline:
            before = sum(len(g) for g in got)
            drain(0.05)
            time.sleep(0.05)
            quiet = quiet + 1 if sum(len(g) for g in got) == before else 0
        return [bytes(g) for g in got]
    finally:
        for s in socks:
            s.close()


def test_random_pipelines_cut_at_random_points_like_redis(healthy):
    """Pipelines of commands with values from a few bytes to 100 KB, cut into random pieces on
    several connections at once: every reply byte is what Redis sends. This crosses each way a
    partial command is carried between reads (small remainders, big values still arriving,
    commands cut inside the length line or the payload)."""
    for seed in range(3):
        rng = random.Random(seed)
        streams = []
        for conn in range(4):
            out = bytearray()
            for n in range(150):
                key = f"cut:{conn}:{rng.randrange(8)}"
                size = rng.choice((0, 3, 50, 500, 3000, 9000, 30000, 100000))
                value = bytes(rng.randrange(256) for _ in range(min(size, 64))) * (size // 64 + 1)
                value = value[:size]
                op = rng.random()
                if op < 0.35:
                    out += encode("SET", key, value)
                elif op < 0.55:
                    out += encode("GET", key)
                elif op < 0.7:
                    out += encode("APPEND", key, value[:rng.randrange(1, 200)] or b"x")
                elif op < 0.8:
                    out += encode("STRLEN", key)
                elif op < 0.9:
                    out += encode("ECHO", value)
                else:
                    out += f"ECHO inline-{n}\r\n".encode()
            out += encode("DEL", *[f"cut:{conn}:{k}" for k in range(8)])
            streams.append(bytes(out))
        replies = {label: _cut_stream(srv, streams, seed) for label, srv in healthy.servers}
        labels = [label for label, _ in healthy.servers]
        for conn in range(len(streams)):
            a, b = replies[labels[0]][conn], replies[labels[1]][conn]
            assert a == b, (f"seed {seed} connection {conn}: {labels[0]} sent {len(a)} bytes, "
                            f"{labels[1]} {len(b)}; first difference at byte "
                            f"{next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))}")


def test_read_that_ends_a_receive_buffer_mid_command_then_nothing(healthy):
    """Exactly 4096 bytes ending inside a command (one full receive buffer under io_uring, after
    which the server reads on and finds nothing yet), then other clients' commands (some on the
    same worker), then the rest: the held half command stays with its own client."""
    for label, srv in healthy.servers:
        head = encode("SET", "held", "h" * 5000)
        first = encode("SET", "pad", "p" * (4096 - 300 - 31)) + head
        first, rest = first[:4096], first[4096:]
        a = socket.create_connection((srv.host, srv.port), timeout=5)
        others = [Conn(srv.host, srv.port, label=label) for _ in range(3)]  # one shares a's worker
        try:
            a.sendall(first)
            time.sleep(0.05)
            for i, b in enumerate(others):
                # More than a receive buffer too: under io_uring this one is read on past its
                # first 4096 bytes through the worker's shared buffer.
                assert b.callv("SET", f"other{i}", "o" * 6000) == "OK", label
                assert b.callv("GET", f"other{i}") == b"o" * 6000, label
            a.sendall(rest + encode("STRLEN", "held"))
            want = b"+OK\r\n+OK\r\n:5000\r\n"
            got = b""
            while len(got) < len(want):
                chunk = a.recv(4096)
                assert chunk, label
                got += chunk
            assert got == want, label
            for i, b in enumerate(others):
                assert b.callv("STRLEN", f"other{i}") == 6000, label
        finally:
            a.close()
            for b in others:
                b.close()
