"""Geospatial commands, differential against redis-server: GEOADD GEOPOS GEODIST GEOHASH and the
searches (GEOSEARCH, GEOSEARCHSTORE, GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO]) byte-identical in RESP2
and RESP3, with every option and error. Where Redis leaves the order unspecified (no ASC/DESC, and
which members ANY picks) the replies are compared as sets; a randomized run checks the set of
results over many shapes, sizes and places (near the poles too), and near the antimeridian that every
member inside the area is found (Redis 7.0 misses some there)."""
import random

import pytest

from diffutil import d, pair  # noqa: F401  (fixtures)
from test_notifications import run_sequence

SICILY = ["13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania",
          "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2"]


def test_geoadd_pos_dist_hash(d):
    d.cmd("GEOADD", "Sicily", *SICILY)
    d.cmd("GEOADD", "Sicily", "NX", "13.361389", "38.115556", "Palermo", "1", "1", "new")
    d.cmd("GEOADD", "Sicily", "XX", "CH", "13.5", "38.1", "Palermo", "2", "2", "nope")
    d.cmd("GEOADD", "Sicily", "CH", "13.5", "38.1", "Palermo")
    d.cmd("ZRANGE", "Sicily", 0, -1, "WITHSCORES")
    d.cmd("GEOPOS", "Sicily", "Palermo", "Catania", "missing", "new")
    d.cmd("GEOPOS", "nokey", "a", "b")
    d.cmd("GEOPOS", "Sicily")
    for unit in ([], ["m"], ["km"], ["KM"], ["ft"], ["mi"], ["Mi"]):
        d.cmd("GEODIST", "Sicily", "Palermo", "Catania", *unit)
    d.cmd("GEODIST", "Sicily", "Palermo", "Palermo")
    d.cmd("GEODIST", "Sicily", "Palermo", "missing")
    d.cmd("GEODIST", "nokey", "a", "b")
    d.cmd("GEODIST", "Sicily", "Palermo", "Catania", "parsecs")
    d.cmd("GEODIST", "Sicily", "Palermo", "Catania", "km", "extra")
    d.cmd("GEOHASH", "Sicily", "Palermo", "Catania", "missing", "new", "edge1")
    d.cmd("GEOHASH", "nokey", "a")
    # Extremes of the valid range.
    d.cmd("GEOADD", "ext", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "zero")
    d.cmd("GEOPOS", "ext", "ne", "sw", "zero")
    d.cmd("GEOHASH", "ext", "ne", "sw", "zero")
    d.cmd("GEODIST", "ext", "ne", "sw", "km")


@pytest.mark.parametrize("args", [
    ("GEOADD", "g", "181", "0", "m"), ("GEOADD", "g", "0", "86", "m"), ("GEOADD", "g", "-180.1", "-85.1", "m"),
    ("GEOADD", "g", "x", "0", "m"), ("GEOADD", "g", "0", "nan", "m"), ("GEOADD", "g", "1", "1", "m", "2"),
    ("GEOADD", "g", "NX", "XX", "1", "1", "m"), ("GEOADD", "g", "GT", "1", "1", "m"), ("GEOADD", "g", "CH", "CH"),
    ("GEOADD", "g", "CH", "CH", "CH"), ("GEOADD", "g", "1", "1"), ("GEODIST", "g", "a"), ("GEOPOS",), ("GEOHASH",),
])
def test_geo_argument_errors(d, args):
    d.cmd(*args)
    d.cmd("EXISTS", "g")


def test_geo_wrong_type(d):
    d.cmd("SET", "s", "x")
    for args in (("GEOADD", "s", "1", "1", "m"), ("GEOPOS", "s", "m"), ("GEODIST", "s", "a", "b"),
                 ("GEOHASH", "s", "m"), ("GEOSEARCH", "s", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "m"),
                 ("GEORADIUS", "s", 0, 0, 1, "m"), ("GEORADIUSBYMEMBER", "s", "a", 1, "m"),
                 ("GEOSEARCHSTORE", "dst", "s", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "m")):
        d.cmd(*args)


SEARCHES = [
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "DESC", "WITHDIST", "WITHCOORD", "WITHHASH"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHCOORD", "WITHDIST"),
    ("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "100", "mi", "ASC", "WITHDIST"),
    ("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "300", "300", "km", "WITHDIST", "ASC"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "500", "km", "COUNT", "2"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "500", "km", "COUNT", "2", "DESC"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "0", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "0", "0", "km"),
    ("GEOSEARCH", "nokey", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"),
    ("GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "200", "km"),
    ("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "ASC"),
    ("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "COUNT", "1"),
    ("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "DESC"),
    ("GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "ASC", "WITHDIST"),
    ("GEORADIUSBYMEMBER_RO", "Sicily", "Catania", "300", "km", "DESC", "WITHCOORD"),
    ("GEORADIUSBYMEMBER", "nokey", "x", "300", "km"),
    ("GEORADIUSBYMEMBER", "nokey", "x", "300", "km", "STORE", "dst"),
]


@pytest.mark.parametrize("args", SEARCHES)
def test_geo_searches(d, args):
    d.cmd("GEOADD", "Sicily", *SICILY)
    ordered = any(a in ("ASC", "DESC", "COUNT") for a in args)
    if ordered:
        d.cmd(*args)
    else:
        ra, rb = d.both(*args)
        if isinstance(ra, list) and isinstance(rb, list):
            ra, rb = sorted(map(repr, ra)), sorted(map(repr, rb))
        assert ra == rb


@pytest.mark.parametrize("args", [
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37"),
    ("GEOSEARCH", "Sicily", "BYRADIUS", "10", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"),
    ("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"),
    ("GEOSEARCH", "Sicily", "FROMMEMBER", "nobody", "BYRADIUS", "1", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "200", "37", "BYRADIUS", "1", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "-1", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "x", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "yards"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT", "0"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT", "x"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "ANY"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE", "x"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STOREDIST"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "bogus"),
    ("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "WITHDIST"),
    ("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst", "WITHDIST"),
    ("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "dst"),
    ("GEORADIUS", "Sicily", "15", "37", "200", "km", "FROMLONLAT", "1", "1"),
    ("GEORADIUS", "Sicily", "x", "37", "200", "km"),
    ("GEORADIUS", "Sicily", "15", "37", "x", "km"),
    ("GEORADIUSBYMEMBER", "Sicily", "nobody", "200", "km"),
    ("GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "lightyears"),
])
def test_geo_search_errors(d, args):
    d.cmd("GEOADD", "Sicily", *SICILY)
    d.cmd(*args)
    d.cmd("EXISTS", "dst")


def test_geo_store(d):
    d.cmd("GEOADD", "Sicily", *SICILY)
    d.cmd("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km")
    d.cmd("ZRANGE", "dst", 0, -1, "WITHSCORES")
    d.cmd("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST")
    d.cmd("ZRANGE", "dst", 0, -1, "WITHSCORES")
    d.cmd("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "500", "500", "km", "COUNT", "2", "STOREDIST")
    d.cmd("ZRANGE", "dst", 0, -1, "WITHSCORES")
    d.cmd("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "r1")
    d.cmd("ZRANGE", "r1", 0, -1, "WITHSCORES")
    d.cmd("GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "r2", "COUNT", "1")
    d.cmd("ZRANGE", "r2", 0, -1, "WITHSCORES")
    d.cmd("GEORADIUSBYMEMBER", "Sicily", "Palermo", "10", "km", "STORE", "r3")
    d.cmd("ZRANGE", "r3", 0, -1, "WITHSCORES")
    # Nothing found (or no source): the destination is deleted.
    d.cmd("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km")
    d.cmd("EXISTS", "dst")
    d.cmd("SET", "dst", "x")
    d.cmd("GEOSEARCHSTORE", "dst", "nokey", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km")
    d.cmd("EXISTS", "dst")
    d.cmd("OBJECT", "ENCODING", "r1")
    for args in (("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "x", "STOREDIST", "y"),
                 ("GEOSEARCHSTORE", "a", "b", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km")):
        d.cmd("COMMAND", "GETKEYS", *args)
    for c in ("geoadd", "geodist", "geohash", "geopos", "georadius", "georadius_ro", "georadiusbymember",
              "georadiusbymember_ro", "geosearch", "geosearchstore"):
        d.cmd("COMMAND", "INFO", c)


def test_geo_store_into_the_empty_key_name(d):
    # "" is a key like any other: the STORE forms store there and answer a count. Found by
    # test_fuzz_diff.
    d.cmd("GEOADD", "g", *SICILY)
    d.cmd("GEOSEARCHSTORE", "", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km")
    d.cmd("ZRANGE", "", "0", "-1", "WITHSCORES")
    d.cmd("GEOSEARCHSTORE", "", "missing", "FROMMEMBER", "x", "BYBOX", "3", "1.5", "km", "STOREDIST")
    d.cmd("EXISTS", "")
    d.cmd("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "")
    d.cmd("GEORADIUSBYMEMBER", "g", "Palermo", "200", "km", "STOREDIST", "")
    d.cmd("ZRANGE", "", "0", "-1", "WITHSCORES")
    d.cmd("GEORADIUS", "missing", "15", "37", "200", "km", "STORE", "")
    d.cmd("EXISTS", "")
    d.cmd("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "", "WITHDIST")


def test_geo_random_searches(d):
    """Random points around random centres (some near a pole) and random circles and boxes: the
    same members found, with the same distances, sorted the same. (Near the antimeridian Redis
    7.0 misses members: see the next test.)"""
    rng = random.Random(11)
    for rnd in range(12):
        key = f"pts{rnd}"
        clon = rng.choice([rng.uniform(-170, 170), 0.0])
        clat = rng.choice([rng.uniform(-70, 70), 84.9, -84.99, 0.0])
        spread = rng.choice([0.01, 0.5, 5, 40])
        args = []
        for i in range(300):
            lon = max(-180, min(180, clon + rng.uniform(-spread, spread)))
            lat = max(-85.05, min(85.05, clat + rng.uniform(-spread, spread)))
            args += [f"{lon:.6f}", f"{lat:.6f}", f"m{i}"]
        d.cmd("GEOADD", key, *args)
        for _ in range(8):
            radius = spread * rng.uniform(5, 80)  # km, about a degree is ~111 km
            if rng.random() < 0.5:
                shape = ["BYRADIUS", f"{radius:.3f}", "km"]
            else:
                shape = ["BYBOX", f"{radius:.3f}", f"{radius * rng.uniform(0.3, 2):.3f}", "km"]
            d.cmd("GEOSEARCH", key, "FROMLONLAT", f"{clon:.6f}", f"{clat:.6f}", *shape, "ASC", "WITHDIST")
            d.cmd("GEOSEARCH", key, "FROMMEMBER", "m7", *shape, "DESC", "COUNT", "5", "WITHCOORD", "WITHHASH")
            ra, rb = d.both("GEOSEARCH", key, "FROMLONLAT", f"{clon:.6f}", f"{clat:.6f}", *shape)
            assert sorted(ra) == sorted(rb), shape
            ra, rb = d.both("GEOSEARCH", key, "FROMLONLAT", f"{clon:.6f}", f"{clat:.6f}", *shape, "COUNT", "3", "ANY")
            assert len(ra) == len(rb)
        d.cmd("GEOPOS", key, "m0", "m1", "m299")
        d.cmd("GEOHASH", key, "m0", "m1", "m299")
        d.cmd("GEODIST", key, "m0", "m299", "mi")


def haversine_m(lon1, lat1, lon2, lat2):
    import math
    r = math.pi / 180
    u = math.sin((lat2 - lat1) * r / 2)
    v = math.sin((lon2 - lon1) * r / 2)
    a = u * u + math.cos(lat1 * r) * math.cos(lat2 * r) * v * v
    return 2 * 6372797.560856 * math.asin(math.sqrt(a))


def test_geo_search_across_the_antimeridian(d):
    """Where a search area crosses longitude 180, Redis 7.0's cells leave out members that are
    inside it; Shoal finds all of them. Shoal's results must include Redis', and each must really
    lie within the radius of the centre (checked here with the members' own GEOPOS)."""
    rng = random.Random(5)
    args = []
    for i in range(300):
        lon = min(180.0, 179.9 + rng.uniform(-0.5, 0.5))
        args += [f"{lon:.6f}", f"{rng.uniform(-0.5, 0.5):.6f}", f"m{i}"]
    d.cmd("GEOADD", "am", *args)
    for radius_km in (5, 20, 40):
        ra, rb = d.both("GEOSEARCH", "am", "FROMLONLAT", "179.9", "0", "BYRADIUS", radius_km, "km")
        assert set(rb) <= set(ra), set(rb) - set(ra)
        pos = d.a.callv("GEOPOS", "am", *ra) if ra else []
        for member, (lon, lat) in zip(ra, pos):
            dist = haversine_m(179.9, 0.0, float(lon), float(lat))
            assert dist <= radius_km * 1000 * (1 + 1e-9), (member, dist)
        # and nothing inside is missed: every member within the radius is found
        allpos = d.a.callv("GEOPOS", "am", *[f"m{i}" for i in range(300)])
        inside = {f"m{i}".encode() for i, (lon, lat) in enumerate(allpos)
                  if haversine_m(179.9, 0.0, float(lon), float(lat)) < radius_km * 1000 * (1 - 1e-9)}
        assert inside <= set(ra), inside - set(ra)


GEO_EVENT_STEPS = [
    ("GEOADD", "g", "13.361389", "38.115556", "Palermo"),
    ("GEOADD", "g", "13.361389", "38.115556", "Palermo"),
    ("GEOSEARCHSTORE", "g2", "g", "FROMLONLAT", "13", "38", "BYRADIUS", "100", "km"),
    ("GEORADIUS", "g", "13", "38", "100", "km", "STORE", "g3"),
    ("GEOSEARCHSTORE", "g2", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"),
]


def test_geo_keyspace_events(pair):
    run_sequence(pair, "KEA", GEO_EVENT_STEPS)
