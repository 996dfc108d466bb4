"""Server options: the Redis-named options issue 3 lists, given on the command line (compared with
redis-server given the same options), in a config file (Shoal only), human sizes, and the exit code 2 with
one clear line for unknown or bad options (Shoal only; redis-server exits 1 with a multi-line banner)."""
import os
import subprocess
import tempfile

import pytest

from diffutil import Conn, DiffPair, as_pairs, requires_shoal, start_target
from serverproc import ServerProc, free_port, shoal_binary

STARTUP_OPTIONS = [
    "--maxclients", "123", "--timeout", "7", "--loglevel", "warning", "--databases", "8",
    "--proto-max-bulk-len", "2mb", "--client-query-buffer-limit", "64MB",
    "--client-output-buffer-limit", "normal 64mb 32mb 10",
]


def test_command_line_options_like_redis():
    with DiffPair(args=STARTUP_OPTIONS) as p:
        d = p.session()
        try:
            for name in ["maxclients", "timeout", "loglevel", "databases", "proto-max-bulk-len",
                         "client-query-buffer-limit"]:
                d.cmd("CONFIG", "GET", name)
            assert d.cmd("CONFIG", "GET", "proto-max-bulk-len") == [b"proto-max-bulk-len", b"2097152"]
            d.check("CONFIG", "GET", "client-output-buffer-limit",
                    lambda v: as_pairs(v)[b"client-output-buffer-limit"].startswith(b"normal 67108864 33554432 10 "))
            d.cmd("SELECT", "7")
            d.cmd("SELECT", "8")
        finally:
            d.close()


def test_logfile_option():
    path = os.path.join(tempfile.mkdtemp(prefix="shoal-log-"), "server.log")
    with start_target(["--logfile", path, "--loglevel", "notice"]) as s:
        c = Conn(s.host, s.port)
        assert c.callv("CONFIG", "GET", "logfile") == [b"logfile", path.encode()]
        c.close()
        assert os.path.exists(path) and os.path.getsize(path) > 0, f"nothing logged to {path}"


def _run_shoal(args, timeout=5):
    """Runs shoal-server expecting it to refuse to start; kills it (and fails) if it is still up after timeout."""
    p = subprocess.Popen([shoal_binary(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         cwd=tempfile.gettempdir())
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate(timeout=5)
        pytest.fail(f"shoal-server {' '.join(args)} was still running after {timeout}s instead of refusing the "
                    f"option; output: {(out + err).decode(errors='replace')[-500:]}")
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


@pytest.mark.parametrize("args,mentions", [
    (["--no-such-option", "1"], "no-such-option"),
    (["--maxclients", "abc"], "maxclients"),
    (["--port", "99999999"], "port"),
    (["--proto-max-bulk-len", "12zb"], "proto-max-bulk-len"),
    (["--expire-jitter-pct", "150"], "expire-jitter-pct"),
    (["--threads", "-1"], "threads"),
    (["--config", "/nonexistent/shoal.toml"], "/nonexistent/shoal.toml"),
])
def test_bad_options_exit_2_with_one_line(args, mentions):
    requires_shoal("exit code 2 and a one-line message are Shoal's contract (redis-server exits 1)")
    r = _run_shoal(["--port", str(free_port()), *args])
    out = (r.stdout + r.stderr).decode(errors="replace")
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert r.returncode == 2, f"{args}: exit code {r.returncode}, output:\n{out}"
    assert len(lines) == 1, f"{args}: expected one clear line, got {len(lines)}:\n{out}"
    assert mentions in lines[0], f"{args}: the message does not name {mentions!r}: {lines[0]!r}"


def test_config_file():
    requires_shoal("--config shoal.toml is Shoal's config format")
    d = tempfile.mkdtemp(prefix="shoal-conf-")
    path = os.path.join(d, "shoal.toml")
    with open(path, "w") as f:
        f.write('# Shoal test config\n'
                'maxclients = 321\n'
                'timeout = 9\n'
                'loglevel = "warning"\n'
                'databases = 4\n'
                'proto-max-bulk-len = "4mb"\n'
                'expire-jitter-pct = 5\n')
    s = ServerProc("shoal", args=["--config", path])
    try:
        c = Conn(s.host, s.port)
        got = {}
        for name in ["maxclients", "timeout", "loglevel", "databases", "proto-max-bulk-len", "expire-jitter-pct"]:
            got.update(as_pairs(c.callv("CONFIG", "GET", name)))
        assert got == {b"maxclients": b"321", b"timeout": b"9", b"loglevel": b"warning", b"databases": b"4",
                       b"proto-max-bulk-len": b"4194304", b"expire-jitter-pct": b"5"}, got
        c.close()
    finally:
        s.stop()


def test_command_line_overrides_config_file():
    requires_shoal("--config shoal.toml is Shoal's config format")
    path = os.path.join(tempfile.mkdtemp(prefix="shoal-conf-"), "shoal.toml")
    with open(path, "w") as f:
        f.write("maxclients = 321\n")
    s = ServerProc("shoal", args=["--config", path, "--maxclients", "555"])
    try:
        c = Conn(s.host, s.port)
        assert c.callv("CONFIG", "GET", "maxclients") == [b"maxclients", b"555"]
        c.close()
    finally:
        s.stop()
