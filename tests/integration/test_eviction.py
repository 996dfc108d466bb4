"""Eviction under maxmemory: the policies, the OOM refusal, `evicted` events, WATCH, and the LFU
counter, against redis-server where the outcome is deterministic and as properties of what
survives where it is sampled."""
import time

import pytest

from diffutil import Conn, decode_one, pair, requires_shoal, start_target  # noqa: F401  (fixtures)

OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"


def info(conn, field):
    text = conn.callv("INFO", "all").decode()
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    raise KeyError(field)


def reset(cli):
    cli.cmd("CONFIG", "SET", "maxmemory", "0")
    cli.cmd("CONFIG", "SET", "maxmemory-policy", "noeviction")
    cli.cmd("CONFIG", "SET", "notify-keyspace-events", "")
    cli.cmd("CONFIG", "SET", "lfu-log-factor", "10")


def test_eviction_parameters_as_redis(pair):
    cli = pair.session()
    try:
        for name in ("maxmemory-samples", "lfu-log-factor", "lfu-decay-time", "maxmemory-policy"):
            cli.cmd("CONFIG", "GET", name)
        cli.cmd("CONFIG", "SET", "maxmemory-samples", "10")
        cli.cmd("CONFIG", "GET", "maxmemory-samples")
        cli.cmd("CONFIG", "SET", "maxmemory-samples", "0")
        cli.cmd("CONFIG", "SET", "maxmemory-samples", "100000")
        cli.cmd("CONFIG", "SET", "lfu-log-factor", "-1")
        cli.cmd("CONFIG", "SET", "maxmemory-samples", "5")
    finally:
        cli.close()


def test_noeviction_refuses_only_commands_that_add_data(pair):
    """Over the limit with noeviction: writes that may grow memory get Redis' OOM error, reads,
    deletes and the like still run, and a transaction that queued a refused command aborts."""
    pair.flushall()
    cli = pair.session()
    try:
        cli.cmd("SET", "a", "1")
        cli.cmd("RPUSH", "l", "x", "y")
        cli.cmd("CONFIG", "SET", "maxmemory", "1")
        for args in (("SET", "b", "2"), ("APPEND", "a", "x"), ("RPUSH", "l", "z"), ("HSET", "h", "f", "v"),
                     ("SADD", "s", "m"), ("ZADD", "z", "1", "m"), ("INCR", "a")):
            assert cli.cmd(*args).startswith("OOM"), args
        assert cli.a.buf == b"" and cli.b.buf == b""
        cli.cmd("GET", "a")
        cli.cmd("LRANGE", "l", "0", "-1")
        cli.cmd("LPOP", "l")
        cli.cmd("EXPIRE", "a", "100")
        cli.cmd("DBSIZE")
        cli.cmd("MULTI")
        cli.cmd("GET", "a")
        cli.cmd("SET", "c", "3")
        cli.cmd("EXEC")
        cli.cmd("DEL", "a")
        cli.cmd("DBSIZE")
        # The raw bytes too, not just the decoded text.
        ra, rb = cli._both_raw(("SET", "d", "4"))
        assert ra == rb == OOM
    finally:
        reset(cli)
        cli.close()


def test_exec_is_refused_when_its_transaction_would_add_data(pair):
    """MULTI queued while there was room, EXEC once over the limit: Redis refuses EXEC with OOM
    when the transaction holds a command that adds data, and runs it when it does not."""
    pair.flushall()
    cli = pair.session()
    try:
        cli.cmd("SET", "a", "1")
        cli.cmd("MULTI")
        cli.cmd("GET", "a")
        cli.cmd("CONFIG", "SET", "maxmemory", "1")  # queued: runs inside EXEC
        cli.cmd("EXEC")
        cli.cmd("MULTI")
        cli.cmd("GET", "a")
        cli.cmd("DEL", "a")
        cli.cmd("EXEC")
    finally:
        reset(cli)
        cli.close()


def test_evicting_everything_sends_events_counts_and_touches_watches(pair):
    """With a limit nothing fits under, any command first evicts every key: each one raises an
    `evicted` event (class e), counts in INFO's evicted_keys, and makes a WATCH on it fail EXEC."""
    pair.flushall()
    cli, watcher, sub = pair.session(), pair.session(), pair.session()
    try:
        for i in range(20):
            cli.cmd("SET", f"k{i}", "v" * i)
        cli.cmd("RPUSH", "list", "a", "b")
        cli.cmd("HSET", "hash", "f", "v")
        watcher.cmd("WATCH", "k3")
        cli.cmd("CONFIG", "SET", "notify-keyspace-events", "Ee")
        sub.cmd("SUBSCRIBE", "__keyevent@0__:evicted")
        before = [int(info(c, "evicted_keys")) for c in cli.sides]
        cli.cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-random")
        cli.cmd("CONFIG", "SET", "maxmemory", "1")
        assert cli.cmd("GET", "k1") is None  # evicted before GET ran
        cli.cmd("DBSIZE")
        assert cli.cmd("SET", "x", "1").startswith("OOM")
        after = [int(info(c, "evicted_keys")) for c in cli.sides]
        assert [a - b for a, b in zip(after, before)] == [22, 22]
        cli.cmd("CONFIG", "SET", "maxmemory", "0")
        watcher.cmd("MULTI")
        watcher.cmd("SET", "k3", "new")
        watcher.cmd("EXEC")
        keys = []
        for conn in sub.sides:
            got = sorted(decode_one(conn.read(timeout=5))[2] for _ in range(22))
            keys.append(got)
        assert keys[0] == keys[1]
        assert len(set(keys[0])) == 22
    finally:
        reset(cli)
        for s in (cli, watcher, sub):
            s.close()


def test_lfu_counter_and_object_freq_as_redis(pair):
    """The counter starts at 5; with lfu-log-factor 0 every access adds one; OBJECT FREQ reports it
    (and OBJECT IDLETIME is refused) only under an LFU policy."""
    pair.flushall()
    cli = pair.session()
    try:
        cli.cmd("SET", "k", "v")
        cli.cmd("OBJECT", "FREQ", "k")  # not an LFU policy: error
        cli.cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        cli.cmd("SET", "new", "v")
        cli.cmd("OBJECT", "FREQ", "new")
        cli.cmd("GET", "new")  # counter 5 -> 6 always
        cli.cmd("OBJECT", "FREQ", "new")
        cli.cmd("OBJECT", "IDLETIME", "new")
        cli.cmd("CONFIG", "SET", "lfu-log-factor", "0")
        cli.cmd("RPUSH", "l", "a")
        for _ in range(10):
            cli.cmd("LLEN", "l")
            cli.cmd("EXISTS", "l")  # does not count as an access
        cli.cmd("OBJECT", "FREQ", "l")
        for _ in range(300):
            cli.cmd("GET", "new")
        cli.cmd("OBJECT", "FREQ", "new")  # saturates at 255
        cli.cmd("SET", "new", "again")  # a new value keeps the counter, plus this access
        cli.cmd("OBJECT", "FREQ", "new")
        cli.cmd("CONFIG", "SET", "maxmemory-policy", "volatile-lfu")
        cli.cmd("OBJECT", "FREQ", "l")
        cli.cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        cli.cmd("OBJECT", "FREQ", "l")
    finally:
        reset(cli)
        cli.close()


# ------------------------------------------------------------------------------------------------
# Which keys go: properties over sampled eviction (Shoal only; Redis' sampling is as random).
# ------------------------------------------------------------------------------------------------

@pytest.fixture
def server():
    requires_shoal("eviction quality is a property test")
    with start_target() as s:
        c = s.client()
        yield s, c
        c.close()


def load(c, prefix, n, size=200, ex=None):
    p = c.pipeline(transaction=False)
    for i in range(n):
        p.set(f"{prefix}:{i}", "x" * size, ex=ex)
        if i % 1000 == 999:
            p.execute()
    p.execute()


def present(c, prefix, n):
    p = c.pipeline(transaction=False)
    for i in range(n):
        p.exists(f"{prefix}:{i}")
    return sum(p.execute())


def limit_above_current(c, extra):
    used = int(c.info("memory")["used_memory"])
    c.config_set("maxmemory", str(used + extra))
    return used + extra


def assert_under_limit(c, limit):
    used = int(c.info("memory")["used_memory"])
    # One eviction call stops at the limit; allocator caches and client buffers are the slack.
    assert used <= limit + 2 * 1024 * 1024, (used, limit)


def test_allkeys_lru_evicts_idle_keys_first(server):
    _, c = server
    load(c, "cold", 30000)
    time.sleep(2.2)  # the access clock counts seconds, as Redis' does
    load(c, "hot", 2000)
    limit = limit_above_current(c, 1024 * 1024)
    c.config_set("maxmemory-policy", "allkeys-lru")
    load(c, "new", 20000)
    evicted = int(c.info("stats")["evicted_keys"])
    assert evicted > 10000
    cold_gone = 30000 - present(c, "cold", 30000)
    assert present(c, "hot", 2000) >= 1900
    assert cold_gone >= 0.9 * evicted
    assert_under_limit(c, limit)


def test_allkeys_lfu_keeps_frequently_used_keys(server):
    _, c = server
    c.config_set("maxmemory-policy", "allkeys-lfu")
    c.config_set("lfu-log-factor", "0")  # every access counts
    load(c, "cold", 20000)
    load(c, "hot", 2000)
    p = c.pipeline(transaction=False)
    for _ in range(10):
        for i in range(2000):
            p.get(f"hot:{i}")
    p.execute()
    assert c.object("freq", "hot:7") == 15
    limit = limit_above_current(c, 1024 * 1024)
    load(c, "new", 20000)
    assert int(c.info("stats")["evicted_keys"]) > 10000
    assert present(c, "hot", 2000) >= 1900
    assert_under_limit(c, limit)


def test_allkeys_fifo_evicts_oldest_keys_even_if_read(server):
    _, c = server
    c.config_set("maxmemory-policy", "allkeys-fifo")
    load(c, "old", 20000)
    time.sleep(1.2)
    load(c, "young", 2000)
    p = c.pipeline(transaction=False)
    for i in range(20000):
        p.get(f"old:{i}")  # reading does not make a key younger under fifo
    p.execute()
    limit = limit_above_current(c, 1024 * 1024)
    # New keys in batches until more than 8,000 were evicted: how many that takes depends on the
    # bytes per key (allocator, entry layout), which a fixed count would build into the test.
    batch = 0
    while int(c.info("stats")["evicted_keys"]) <= 8000 and batch < 40:
        load(c, f"new{batch}", 1000)
        batch += 1
    evicted = int(c.info("stats")["evicted_keys"])
    assert evicted > 8000
    assert present(c, "young", 2000) >= 1900
    assert 20000 - present(c, "old", 20000) >= 0.9 * evicted
    assert_under_limit(c, limit)


def test_volatile_policies_evict_only_keys_with_a_ttl(server):
    _, c = server
    load(c, "keep", 10000)
    load(c, "soon", 5000, ex=100)
    load(c, "late", 5000, ex=100000)
    c.config_set("maxmemory-policy", "volatile-ttl")
    limit = limit_above_current(c, 512 * 1024)
    load(c, "more", 6000, ex=1000000)
    assert present(c, "keep", 10000) == 10000
    assert int(c.info("stats")["evicted_keys"]) > 2000
    # Nearest deadline first: the 100 s keys go before the later ones.
    assert present(c, "soon", 5000) < present(c, "late", 5000)
    assert_under_limit(c, limit)
    # With the volatile keys gone, writes are refused, persistent keys stay.
    c.config_set("maxmemory-policy", "volatile-lru")
    c.config_set("maxmemory", "1")
    # Each command evicts for at most ~1 ms before it runs (Redis too bounds this work per
    # command), so a few go by before every volatile key is gone.
    deadline = time.monotonic() + 10
    while c.dbsize() > 10000:
        assert time.monotonic() < deadline, c.dbsize()
    with pytest.raises(Exception, match="OOM command not allowed"):
        c.set("x", "1")
    assert c.dbsize() == 10000
    assert present(c, "keep", 10000) == 10000
    c.config_set("maxmemory", "0")


def test_writes_under_a_limit_keep_memory_bounded_across_workers(server):
    """Several connections (spread over both workers) write far more than the limit: memory stays
    near it, every reply is OK, and the keyspace holds what fits."""
    s, c = server
    c.config_set("maxmemory-policy", "allkeys-lru")
    limit = limit_above_current(c, 4 * 1024 * 1024)
    clients = [s.client() for _ in range(4)]
    try:
        for n, cl in enumerate(clients):
            load(cl, f"w{n}", 15000, size=300)
        assert_under_limit(c, limit)
        assert 5000 < c.dbsize() < 60000
    finally:
        for cl in clients:
            cl.close()


def test_lowering_maxmemory_evicts_without_further_commands(server):
    """CONFIG SET maxmemory below the current usage: the workers evict in slices between their
    event-loop rounds until under the limit, as Redis' eviction timer does; a command alone would
    evict for at most ~1 ms."""
    _, c = server
    load(c, "k", 60000)
    used = int(c.info("memory")["used_memory"])
    c.config_set("maxmemory-policy", "allkeys-random")
    c.config_set("maxmemory", str(used // 2))
    time.sleep(2)
    evicted = int(c.info("stats")["evicted_keys"])
    assert evicted >= 20000, evicted
    assert_under_limit(c, used // 2)
    c.config_resetstat()
    assert int(c.info("stats")["evicted_keys"]) == 0


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-random"])
def test_volatile_policy_finds_rare_keys_with_a_ttl(server, policy):
    """Five keys with a TTL among 50,000 without: a write over the limit under a volatile policy
    evicts them rather than being refused (Redis samples its table of keys with a TTL; Shoal has
    none, so when the random sample meets no such key it walks the db for them)."""
    _, c = server
    load(c, "plain", 50000)
    for i in range(5):
        c.set(f"ttl:{i}", "x" * 1000000, ex=100000)
    c.config_set("maxmemory-policy", policy)
    time.sleep(0.5)  # buffers of the load are released once the worker is idle
    used = int(c.info("memory")["used_memory"])
    c.config_set("maxmemory", str(used - 1500000))  # more than one of the TTL keys frees
    assert c.set("new", "v")  # not refused: the TTL keys were found and evicted first
    assert int(c.info("stats")["evicted_keys"]) >= 2
    assert present(c, "plain", 50000) == 50000
    c.config_set("maxmemory", "0")
