"""MEMORY USAGE / STATS / DOCTOR / PURGE / MALLOC-STATS / HELP: replies and errors as Redis gives
them where they are not measurements, and measurements that add up."""
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
