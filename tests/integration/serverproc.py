"""Starts shoal-server or redis-server on a free loopback port for tests, and always stops it."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("SHOAL_BUILD_DIR", os.path.join(ROOT, "build"))


def shoal_binary():
    path = os.environ.get("SHOAL_SERVER", os.path.join(BUILD_DIR, "server", "shoal-server"))
    if not os.path.exists(path):
        raise RuntimeError(f"shoal-server not built at {path} (set SHOAL_SERVER or SHOAL_BUILD_DIR)")
    return path


def redis_binary():
    path = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(path):
        raise RuntimeError("redis-server not installed (apt-get install redis-server)")
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProc:
    """A running server process. kind is 'shoal' or 'redis'; args are extra '--name value' options."""

    def __init__(self, kind="shoal", args=(), port=None, startup_timeout=10.0):
        self.kind = kind
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.workdir = tempfile.mkdtemp(prefix=f"{kind}-test-")
        self.logpath = os.path.join(self.workdir, "server.log")
        if kind == "shoal":
            cmd = [shoal_binary(), "--port", str(self.port), "--bind", "127.0.0.1"]
            # e.g. "--io-engine epoll": the whole suite against the other event loop
            cmd += os.environ.get("SHOAL_EXTRA_ARGS", "").split()
        elif kind == "redis":
            cmd = [redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", self.workdir]
        else:
            raise ValueError(kind)
        cmd += [str(a) for a in args]
        self.cmd = cmd
        self._log = open(self.logpath, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, cwd=self.workdir)
        self._wait_ready(startup_timeout)

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}: {self.log()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    s.settimeout(1.0)
                    data = s.recv(64)
                    if data.startswith(b"+PONG") or data.startswith(b"-NOAUTH"):
                        return
            except OSError as e:
                last = e
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.kind} did not start within {timeout}s ({last}): {self.log()}")

    def log(self):
        try:
            with open(self.logpath, "rb") as f:
                return f.read()[-4000:].decode(errors="replace")
        except OSError:
            return ""

    def client(self, **kw):
        kw.setdefault("socket_timeout", 10)
        return redis.Redis(host=self.host, port=self.port, **kw)

    def raw(self, payload, timeout=2.0, expect_close=False):
        """Sends raw bytes and returns what arrives until `timeout` passes quietly or the peer closes."""
        return raw_exchange(self.host, self.port, payload, timeout)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=10.0):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
        return self.proc.returncode

    def kill9(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def raw_exchange(host, port, payload, timeout=2.0, idle=0.2):
    """Sends payload, reads until the peer closes, `idle` seconds pass with no data after some data
    arrived, or `timeout` passes. Returns (data, closed)."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        if payload:
            s.sendall(payload)
        data = b""
        deadline = time.monotonic() + timeout
        closed = False
        while time.monotonic() < deadline:
            s.settimeout(idle if data else max(0.01, deadline - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                if data:
                    break
                continue
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            data += chunk
        return data, closed
    finally:
        s.close()
