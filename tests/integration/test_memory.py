"""MEMORY USAGE / STATS / DOCTOR / PURGE / MALLOC-STATS / HELP: replies and errors as Redis gives
them where they are not measurements, and measurements that add up."""
import socket
import time

import pytest

from diffutil import pair, requires_shoal, start_target  # noqa: F401  (fixtures)


def test_memory_errors_help_and_missing_keys_as_redis(pair):
    pair.flushall()
    cli = pair.session()
    try:
        for args in (("MEMORY", "HELP"), ("MEMORY",), ("MEMORY", "USAGE"), ("MEMORY", "usage", "nokey"),
                     ("MEMORY", "USAGE", "nokey", "SAMPLES", "0"), ("MEMORY", "FOO"),
                     ("MEMORY", "STATS", "x"), ("MEMORY", "PURGE", "x"), ("MEMORY", "DOCTOR", "x"),
                     ("MEMORY", "MALLOC-STATS", "x"), ("MEMORY", "HELP", "x"), ("MEMORY", "PURGE")):
            cli.cmd(*args)
        cli.cmd("SET", "k", "v")
        for args in (("MEMORY", "USAGE", "k", "SAMPLES"), ("MEMORY", "USAGE", "k", "SAMPLES", "x"),
                     ("MEMORY", "USAGE", "k", "SAMPLES", "-1"), ("MEMORY", "USAGE", "k", "FOO", "1"),
                     ("MEMORY", "USAGE", "k", "SAMPLES", "99999999999999999999")):
            cli.cmd(*args)
        for conn in cli.sides:
            assert conn.call("MEMORY", "USAGE", "k", "SAMPLES", "5").startswith(b":")
    finally:
        cli.close()


@pytest.fixture
def c():
    requires_shoal("measures Shoal's own layout")
    with start_target() as s:
        cl = s.client()
        yield cl
        cl.close()


def test_memory_usage_follows_what_a_key_holds(c):
    c.set("small", "x" * 10)
    c.set("big", "x" * 10000)
    small, big = c.memory_usage("small"), c.memory_usage("big")
    assert 10 < small < 100
    assert 10000 <= big < 11000
    c.rpush("list", *[f"element-{i}" for i in range(10)])
    before = c.memory_usage("list")
    c.rpush("list", *[f"element-{i}" for i in range(10, 100000)])
    after = c.memory_usage("list")
    assert before < 400
    # 100,000 elements of ~16 bytes in 8 KiB nodes, all but the two end nodes compressed
    # (list-compress-depth 1); uncompressed, 1.6 MB.
    assert 200_000 < after < 800_000
    c.config_set("list-compress-depth", 0)
    c.rpush("plain", *[f"element-{i}" for i in range(100000)])
    c.config_set("list-compress-depth", 1)
    assert 1_000_000 < c.memory_usage("plain") < 2_000_000
    for i in range(1000):
        c.hset("hash", f"field:{i}", "v" * 20)
    assert 40_000 < c.memory_usage("hash") < 200_000
    assert c.memory_usage("hash", samples=0) == c.memory_usage("hash")
    c.expire("big", 1000)
    assert c.memory_usage("big") >= big  # the deadline takes 8 bytes in the entry


def test_memory_stats_adds_up(c):
    p = c.pipeline(transaction=False)
    for i in range(20000):
        p.set(f"key:{i}", "v" * 50)
    p.execute()
    stats = c.memory_stats()
    assert stats["keys.count"] == 20000
    assert stats["total.allocated"] > stats["startup.allocated"] > 0
    assert "db.0" in stats and stats["db.0"]["overhead.hashtable.main"] >= 20000 * 8
    assert stats["overhead.total"] == stats["startup.allocated"] + stats["db.0"]["overhead.hashtable.main"]
    assert stats["dataset.bytes"] == stats["total.allocated"] - stats["overhead.total"]
    # 20,000 entries of ~64 bytes plus buckets.
    assert 60 < stats["keys.bytes-per-key"] < 300
    assert c.memory_purge() in (True, b"OK", "OK")
    assert len(c.execute_command("MEMORY", "DOCTOR")) > 0
    assert len(c.execute_command("MEMORY", "MALLOC-STATS")) > 0


def test_info_memory_breakdown_adds_up(c):
    """INFO memory's overhead/dataset split (as Redis names it): start-up memory plus the bucket
    arrays, the rest being the data."""
    p = c.pipeline(transaction=False)
    for i in range(20000):
        p.set(f"key:{i}", "v" * 50)
    p.execute()
    # The cron finishes growing the shards' tables in the background: each step changes the
    # bucket arrays, so the two replies are compared from a moment when none moved between them.
    deadline = time.monotonic() + 10
    while True:
        m = c.info("memory")
        stats = c.memory_stats()
        if c.info("memory")["used_memory_overhead"] == m["used_memory_overhead"]:
            break
        assert time.monotonic() < deadline, "the bucket arrays kept changing for 10 s"
        time.sleep(0.05)
    assert m["used_memory_startup"] == stats["startup.allocated"] > 0
    assert m["used_memory_overhead"] == stats["overhead.total"]
    assert m["used_memory_dataset"] == m["used_memory"] - m["used_memory_overhead"]
    assert m["used_memory_dataset"] > 20000 * 50
    assert m["allocator_active"] >= m["allocator_allocated"] > 0
    assert m["mem_not_counted_for_evict"] == 0


def _jemalloc_merged(cl):
    """(large allocations so far, dirty pages now) from the merged-arenas part of jemalloc's
    report, or None on a build without jemalloc (the sanitizer builds)."""
    text = cl.execute_command("MEMORY", "MALLOC-STATS")
    text = text.decode() if isinstance(text, bytes) else text
    if "Merged arenas stats:" not in text:
        return None
    merged = text.split("Merged arenas stats:", 1)[1]
    large = dirty = None
    for line in merged.splitlines():
        f = line.split()
        if large is None and f[:1] == ["large:"] and len(f) > 2 and f[1].isdigit():
            large = int(f[2])  # allocated, nmalloc, ...
        elif dirty is None and f[:1] == ["dirty:"] and len(f) > 2:
            dirty = int(f[2])  # decay time (N/A when merged), npages, ...
        if large is not None and dirty is not None:
            return large, dirty
    raise AssertionError("no large/dirty lines in MEMORY MALLOC-STATS")


@pytest.fixture
def jc(c):
    """c, on a build whose allocator statistics these tests read (jemalloc: the release build)."""
    if _jemalloc_merged(c) is None:
        pytest.skip("needs jemalloc's statistics (release build)")
    return c


def test_commands_cut_between_reads_do_not_cost_a_large_buffer_each(jc):
    """A pipelining client's batch often reaches the server in two reads with a command cut
    between them. Carrying the partial command over to the next read must not allocate and free a
    large buffer each time: that was one 128 KiB malloc/free per batch."""
    c = jc
    kw = c.connection_pool.connection_kwargs
    cmd = b"*3\r\n$3\r\nSET\r\n$12\r\nkey:00000000\r\n$100\r\n" + b"v" * 100 + b"\r\n"
    batch = cmd * 40  # ~5.7 KB: under io_uring, more than one receive buffer
    cut = len(batch) - len(cmd) // 2  # the last command stops halfway
    rounds = 300
    with socket.create_connection((kw["host"], kw["port"]), timeout=10) as s:
        def expect_replies(n):
            want, got = b"+OK\r\n" * n, b""
            while len(got) < len(want):
                chunk = s.recv(65536)
                assert chunk, "server closed the connection"
                got += chunk
            assert got == want

        before = _jemalloc_merged(c)[0]
        for _ in range(rounds):
            # A batch in two writes, the second only once the first is answered: the server reads
            # them separately, with half a command left over in between.
            s.sendall(batch[:cut])
            expect_replies(39)
            s.sendall(batch[cut:])
            expect_replies(1)
        after = _jemalloc_merged(c)[0]
    assert after - before < rounds // 10, f"{after - before} large allocations for {rounds} batches"


def test_an_idle_server_gives_freed_pages_back_at_once(jc):
    """Once its workers go idle the server returns free pages to the OS within a few cron periods,
    not after the allocator's decay time."""
    c = jc
    p = c.pipeline(transaction=False)
    for i in range(200000):
        p.set(f"key:{i}", "v" * 100)
        if i % 10000 == 9999:
            p.execute()
    c.flushall()  # frees ~26 MB of entries: dirty pages in the keyspace arena
    # Nothing reaches the server meanwhile (any command would make it busy again): at hz 10 it
    # notices it is idle within 0.2 s. jemalloc's own decay (1 s) would still keep about half.
    time.sleep(0.6)
    dirty_pages = _jemalloc_merged(c)[1]
    assert dirty_pages * 4096 < 2_000_000, f"{dirty_pages} dirty pages 0.6 s after going idle"
