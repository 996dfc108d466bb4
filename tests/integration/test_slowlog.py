"""SLOWLOG against redis-server: what is logged (arguments, truncation, redaction, client name),
in what order, the length limit, and the replies and errors of every subcommand."""
from diffutil import decode_one, pair  # noqa: F401  (fixtures)


def entries(conn):
    return decode_one(conn.call("SLOWLOG", "GET", "-1"))


def test_slowlog_errors_help_and_config_as_redis(pair):
    cli = pair.session()
    try:
        for args in (("SLOWLOG", "HELP"), ("SLOWLOG",), ("SLOWLOG", "FOO"), ("SLOWLOG", "GET", "x"),
                     ("SLOWLOG", "GET", "-2"), ("SLOWLOG", "GET", "1", "2"), ("SLOWLOG", "LEN", "x"),
                     ("SLOWLOG", "RESET", "x"), ("SLOWLOG", "HELP", "x"),
                     ("CONFIG", "GET", "slowlog-max-len"), ("CONFIG", "GET", "slowlog-log-slower-than"),
                     ("CONFIG", "SET", "slowlog-max-len", "-1"),
                     ("CONFIG", "SET", "slowlog-log-slower-than", "-2"),
                     ("CONFIG", "SET", "slowlog-log-slower-than", "x")):
            cli.cmd(*args)
    finally:
        cli.close()


def test_slowlog_keeps_what_redis_keeps(pair):
    pair.flushall()
    cli = pair.session()
    try:
        cli.cmd("CLIENT", "SETNAME", "slowpoke")
        cli.cmd("CONFIG", "SET", "slowlog-log-slower-than", "0")
        cli.cmd("SLOWLOG", "RESET")
        cli.cmd("SET", "k", "x" * 200)                      # an argument over 128 bytes
        cli.cmd("RPUSH", "l", *[str(i) for i in range(40)])   # more than 32 arguments
        cli.cmd("AUTH", "nosuchpass")                        # secrets are redacted
        cli.cmd("AUTH", "user", "pass")
        cli.both("HELLO", "2", "AUTH", "default", "wrong")     # replies carry the client id
        cli.cmd("CONFIG", "SET", "requirepass", "")
        cli.cmd("MULTI")
        cli.cmd("INCR", "n")
        cli.cmd("EXEC")                                      # EXEC is not logged, INCR is
        cli.cmd("GET", "k")
        cli.cmd("SLOWLOG", "LEN")
        got = [entries(c) for c in cli.sides]
        args = [[e[3] for e in g] for g in got]
        assert args[0] == args[1]
        assert [e[5] for e in got[0]] == [e[5] for e in got[1]] == [b"slowpoke"] * len(got[0])
        for g in got:
            ids = [e[0] for e in g]
            assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
            assert all(isinstance(e[2], int) and e[2] >= 0 for e in g)
            assert all(e[4].startswith(b"127.0.0.1:") for e in g)
        cli.cmd("CONFIG", "SET", "slowlog-max-len", "3")
        cli.cmd("PING")
        cli.cmd("SLOWLOG", "LEN")
        got = [entries(c) for c in cli.sides]
        assert [e[3] for e in got[0]] == [e[3] for e in got[1]]
        assert len(got[0]) == 3
        cli.cmd("CONFIG", "SET", "slowlog-log-slower-than", "-1")
        cli.cmd("SLOWLOG", "RESET")
        cli.cmd("PING")
        cli.cmd("SLOWLOG", "LEN")
        cli.cmd("SLOWLOG", "GET")
    finally:
        cli.cmd("CONFIG", "SET", "slowlog-log-slower-than", "10000")
        cli.cmd("CONFIG", "SET", "slowlog-max-len", "128")
        cli.close()


def test_fast_commands_stay_out_at_the_default_threshold(pair):
    cli = pair.session()
    try:
        cli.cmd("SLOWLOG", "RESET")
        for i in range(100):
            cli.cmd("SET", f"k{i}", "v")
        cli.cmd("SLOWLOG", "LEN")
    finally:
        cli.close()
