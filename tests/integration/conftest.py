"""pytest fixtures: a shoal-server and a reference redis-server per test module."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverproc import ServerProc  # noqa: E402


@pytest.fixture(scope="module")
def shoal():
    with ServerProc("shoal", args=["--threads", "2"]) as s:
        yield s


@pytest.fixture(scope="module")
def redis_ref():
    with ServerProc("redis") as s:
        yield s


@pytest.fixture
def r(shoal):
    c = shoal.client()
    c.flushall()
    yield c
    c.close()
