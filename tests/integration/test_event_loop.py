"""The two event loops (io-engine io_uring and epoll) under what is hard for an asynchronous one:
many connections sending at once (the receive-buffer pool runs dry and grows), connections that
vanish with requests in flight, half-closed clients, big replies, and the option itself."""
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


@pytest.fixture(params=["io_uring", "epoll"], scope="module")
def server(request):
    try:
        srv = start(request.param)
    except RuntimeError as e:
        if request.param == "io_uring" and "not available here" in str(e):
            pytest.skip(f"this kernel has no usable io_uring: {e}")
        raise
    yield request.param, srv
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
