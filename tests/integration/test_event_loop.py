"""The two event loops (io-engine io_uring and epoll) under what is hard for an asynchronous one:
many connections sending at once (the receive-buffer pool runs dry and grows), connections that
vanish with requests in flight, half-closed clients, big replies, and the option itself."""
import os
import re
import socket
import struct
import subprocess
import threading
import time

import pytest
import redis

from serverproc import ServerProc, free_port, shoal_binary


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def read_until(sock, want, timeout=20.0):
    """Reads until `want` bytes arrived (or the peer closed); returns what came."""
    sock.settimeout(timeout)
    data = bytearray()
    deadline = time.monotonic() + timeout
    while len(data) < want and time.monotonic() < deadline:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    return bytes(data)


def start(engine, *args):
    srv = ServerProc("shoal", args=["--io-engine", engine, "--threads", "2", *args])
    return srv


# "io_uring-batch" is io_uring with io-batch-wait-us on: every test below also runs with the
# worker holding its wake-ups back for more requests.
@pytest.fixture(params=["io_uring", "io_uring-batch", "epoll"], scope="module")
def server(request):
    engine = request.param.split("-")[0]
    extra = ["--io-batch-wait-us", "200"] if request.param.endswith("-batch") else []
    try:
        srv = start(engine, *extra)
    except RuntimeError as e:
        if engine == "io_uring" and "not available here" in str(e):
            pytest.skip(f"this kernel has no usable io_uring: {e}")
        raise
    if extra and client(srv).info("server")["io_batch_wait_available"] != 1:
        srv.stop()
        pytest.skip("this kernel has no io_uring batch waits (Linux 6.12)")
    yield engine, srv
    srv.stop()


def client(srv):
    return redis.Redis(host=srv.host, port=srv.port, socket_timeout=20)


def test_multiplexing_api_reports_the_engine(server):
    engine, srv = server
    assert client(srv).info("server")["multiplexing_api"] == engine
    assert client(srv).config_get("io-engine") == {"io-engine": engine}


def test_many_connections_pipeline_at_once(server):
    """300 clients each send 2,000 commands before any reads: more data arrives in one round than
    the io_uring buffer pool starts with, and every reply must still come back, in order."""
    _, srv = server
    n_conns, per_conn = 300, 2000
    socks = [socket.create_connection((srv.host, srv.port), timeout=20) for _ in range(n_conns)]
    try:
        payloads = []
        for i in range(n_conns):
            cmds = [encode("SET", f"k{i}:{j}", f"v{j}") if j % 2 == 0 else encode("GET", f"k{i}:{j - 1}")
                    for j in range(per_conn)]
            payloads.append(b"".join(cmds))
        expected = b"".join(b"+OK\r\n" if j % 2 == 0 else b"$%d\r\nv%d\r\n" % (len(str(j - 1)) + 1, j - 1)
                            for j in range(per_conn))
        # Send everything first, from threads so no send blocks the others.
        threads = [threading.Thread(target=s.sendall, args=(p,)) for s, p in zip(socks, payloads)]
        for t in threads:
            t.start()
        results = [None] * n_conns

        def reader(i):
            results[i] = read_until(socks[i], len(expected))

        readers = [threading.Thread(target=reader, args=(i,)) for i in range(n_conns)]
        for t in readers:
            t.start()
        for t in threads + readers:
            t.join(60)
        for i, got in enumerate(results):
            assert got == expected, f"connection {i}: {len(got)} of {len(expected)} bytes"
    finally:
        for s in socks:
            s.close()
    assert client(srv).dbsize() == n_conns * per_conn // 2


def test_big_replies_to_many_clients(server):
    """A 4 MB value read by 20 clients at once: sends that the kernel takes in parts."""
    _, srv = server
    value = bytes(range(256)) * (4 * 1024 * 1024 // 256)
    client(srv).set("big", value)
    want = b"$%d\r\n" % len(value) + value + b"\r\n"
    socks = [socket.create_connection((srv.host, srv.port), timeout=20) for _ in range(20)]
    try:
        for s in socks:
            s.sendall(encode("GET", "big"))
        for s in socks:
            assert read_until(s, len(want)) == want
    finally:
        for s in socks:
            s.close()


def test_connections_vanish_with_requests_in_flight(server):
    """Clients reset their connection (RST) while a big reply is being sent to them, or mid
    command; the server keeps serving, and its client count returns to what it was."""
    _, srv = server
    r = client(srv)
    r.set("big", b"x" * (2 * 1024 * 1024))
    base = r.info("clients")["connected_clients"]
    for i in range(300):
        s = socket.create_connection((srv.host, srv.port), timeout=5)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = RST
        if i % 3 == 0:
            s.sendall(encode("GET", "big") * 4)  # replies far larger than the socket buffers
        elif i % 3 == 1:
            s.sendall(encode("SET", "half", "x" * 1000)[:-300])  # a command cut short
        else:
            s.sendall(encode("PING") * 100)
            s.recv(10)
        s.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and r.info("clients")["connected_clients"] != base:
        time.sleep(0.05)
    assert r.info("clients")["connected_clients"] == base, [c for c in r.client_list() if c["cmd"] != "client|list"]
    assert r.ping()
    assert srv.alive()


def test_half_closed_client_gets_every_reply(server):
    """A client that sends its commands and shuts its sending side down at once still gets all
    replies before the server closes the connection."""
    _, srv = server
    for n in (1, 10, 5000):
        s = socket.create_connection((srv.host, srv.port), timeout=10)
        try:
            s.sendall(encode("ECHO", "hello") * n)
            s.shutdown(socket.SHUT_WR)
            want = b"$5\r\nhello\r\n" * n
            assert read_until(s, len(want) + 1) == want  # + 1: the close must follow
        finally:
            s.close()


def test_paused_client_resumes(server):
    """A client that pipelines far more replies than it reads is held back, not dropped (the
    default normal output limit is 0 0 0), and gets everything once it reads."""
    _, srv = server
    client(srv).set("v", b"y" * 10000)
    s = socket.create_connection((srv.host, srv.port), timeout=30)
    try:
        n = 3000  # 30 MB of replies
        threading.Thread(target=s.sendall, args=(encode("GET", "v") * n,), daemon=True).start()
        time.sleep(1.0)  # the server pauses this client's input meanwhile
        info = client(srv).info("memory")
        assert info["used_memory"] < 200 * 1024 * 1024
        one = b"$10000\r\n" + b"y" * 10000 + b"\r\n"
        assert read_until(s, len(one) * n, timeout=60) == one * n
    finally:
        s.close()


def test_io_engine_option_errors():
    p = subprocess.run([shoal_binary(), "--port", str(free_port()), "--io-engine", "kqueue"],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 2
    assert "io-engine" in p.stderr
    srv = start("epoll")
    try:
        with pytest.raises(redis.ResponseError):
            client(srv).config_set("io-engine", "io_uring")  # fixed at start-up
    finally:
        srv.stop()


def test_io_batch_wait_option():
    p = subprocess.run([shoal_binary(), "--port", str(free_port()), "--io-batch-wait-us", "10001"],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 2
    assert "io-batch-wait-us" in p.stderr
    srv = start("epoll", "--io-batch-wait-us", "50")
    try:
        c = client(srv)
        assert c.config_get("io-batch-wait-us") == {"io-batch-wait-us": "50"}
        assert c.info("server")["io_batch_wait_available"] == 0  # epoll has no batch waits
        assert c.config_set("io-batch-wait-us", "0") is True
        assert c.config_get("io-batch-wait-us") == {"io-batch-wait-us": "0"}
        with pytest.raises(redis.ResponseError, match="argument must be between 0 and 10000 inclusive"):
            c.config_set("io-batch-wait-us", "-1")
        with pytest.raises(redis.ResponseError, match="argument couldn't be parsed into an integer"):
            c.config_set("io-batch-wait-us", "soon")
    finally:
        srv.stop()


def straggler_latency(srv, rounds=5):
    """Six connections trade PINGs in lock step (a busy worker), then one of them sends a PING
    alone: the median time its reply takes over `rounds` tries, in seconds."""
    socks = [socket.create_connection((srv.host, srv.port), timeout=20) for _ in range(6)]
    ping, pong = encode("PING"), b"+PONG\r\n"
    try:
        times = []
        for _ in range(rounds):
            for _ in range(30):
                for s in socks:
                    s.sendall(ping)
                for s in socks:
                    assert read_until(s, len(pong)) == pong
            t0 = time.monotonic()
            socks[0].sendall(ping)
            assert read_until(socks[0], len(pong)) == pong
            times.append(time.monotonic() - t0)
            time.sleep(0.05)
        return sorted(times)[len(times) // 2]
    finally:
        for s in socks:
            s.close()


def test_batch_wait_holds_a_lone_request_at_most_the_set_time():
    """With io-batch-wait-us 10000 and six connections busy, a worker waits for more requests
    than one: the PING that comes alone is answered only when the 10 ms have passed, and then
    at once. With the option at 0 the same PING is answered right away."""
    try:
        srv = start("io_uring", "--threads", "1", "--io-batch-wait-us", "10000")
    except RuntimeError as e:
        pytest.skip(f"this kernel has no usable io_uring: {e}")
    try:
        c = client(srv)
        if c.info("server")["io_batch_wait_available"] != 1:
            pytest.skip("this kernel has no io_uring batch waits (Linux 6.12)")
        held = straggler_latency(srv)
        # Released by the batch time, not by the loop's timeout (the next cron, up to 100 ms).
        assert 0.005 <= held < 0.04, held
        c.config_set("io-batch-wait-us", "0")
        assert straggler_latency(srv) < 0.005
    finally:
        srv.stop()


def procs_blocked_samples(n=10, gap=0.05):
    """/proc/stat's procs_blocked (tasks the kernel counts as waiting for I/O), n samples."""
    out = []
    for _ in range(n):
        with open("/proc/stat") as f:
            out.append(next(int(l.split()[1]) for l in f if l.startswith("procs_blocked")))
        time.sleep(gap)
    return out


def test_an_idle_io_uring_worker_is_not_counted_as_waiting_for_io():
    """A worker always has io_uring requests in flight (accepts, its mailbox poll, a receive per
    connection), and by default the kernel counts a wait with requests in flight as I/O wait:
    each idle worker then shows in procs_blocked, as iowait in top and as I/O pressure. Since
    Linux 6.15 the wait can say it is not one (IORING_ENTER_NO_IOWAIT), and Shoal's does. The
    minimum over several samples is compared, so another process's brief I/O does not count."""
    m = re.match(r"(\d+)\.(\d+)", os.uname().release)
    if not m or (int(m.group(1)), int(m.group(2))) < (6, 15):
        pytest.skip("IORING_ENTER_NO_IOWAIT needs Linux 6.15")
    base = min(procs_blocked_samples())
    threads = 4
    try:
        srv = ServerProc("shoal", args=["--io-engine", "io_uring", "--threads", str(threads)])
    except RuntimeError as e:
        pytest.skip(f"this kernel has no usable io_uring: {e}")
    try:
        conns = [client(srv) for _ in range(8)]
        for c in conns:
            assert c.ping()  # each connection now has a receive armed on its worker
        during = min(procs_blocked_samples())
        # Counted as I/O wait, the four workers would add four (one more is left for noise).
        assert during - base <= 1, (base, during)
    finally:
        srv.stop()
