// Geospatial commands on sorted sets, as Redis stores them: a member's score is the 52-bit
// geohash of its position (26 bits of longitude and of latitude, interleaved; latitudes limited
// to the Web Mercator range +-85.05112878), positions are read back as the centre of that cell,
// distances are haversine on a sphere of radius 6372797.560856 m.
//
// GEOADD GEOPOS GEODIST GEOHASH, and the searches GEOSEARCH GEOSEARCHSTORE GEORADIUS(_RO)
// GEORADIUSBYMEMBER(_RO). A search reads the members of the few geohash cells that cover the
// shape's bounding box (score ranges of the sorted set) and keeps those inside the shape, using
// Redis' own tests on the decoded positions, so the set of results is Redis'. Without ASC/DESC
// their order is unspecified (Redis documents them as unsorted); with ANY, which members fill
// COUNT is too.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/commands/zset_ops.h"
#include "server/config.h"
#include "server/store/object.h"
#include "server/store/zset_value.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

constexpr double kLatMin = -85.05112878, kLatMax = 85.05112878;
constexpr double kLonMin = -180, kLonMax = 180;
constexpr int kStep = 26;
constexpr double kEarthRadius = 6372797.560856;
constexpr double kDegToRad = M_PI / 180.0;

uint64_t Spread(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

uint32_t Squash(uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

// Latitude bits in the even positions, longitude bits in the odd ones.
uint64_t Interleave(uint32_t lat, uint32_t lon) { return Spread(lat) | (Spread(lon) << 1); }

// The cell of (lon, lat) at `step` bits per coordinate over the given latitude range.
uint64_t Encode(double lon, double lat, double lat_min, double lat_max, int step) {
  const double lat_off = (lat - lat_min) / (lat_max - lat_min) * static_cast<double>(1ULL << step);
  const double lon_off = (lon - kLonMin) / (kLonMax - kLonMin) * static_cast<double>(1ULL << step);
  return Interleave(static_cast<uint32_t>(lat_off), static_cast<uint32_t>(lon_off));
}

// A score back to the centre of its cell, clamped to the valid ranges.
void Decode(double score, double* lon, double* lat) {
  const auto bits = static_cast<uint64_t>(score);
  const uint32_t ilat = Squash(bits), ilon = Squash(bits >> 1);
  const double cells = static_cast<double>(1ULL << kStep);
  const double lat_scale = kLatMax - kLatMin, lon_scale = kLonMax - kLonMin;
  const double lat0 = kLatMin + (ilat * 1.0 / cells) * lat_scale;
  const double lat1 = kLatMin + ((ilat + 1) * 1.0 / cells) * lat_scale;
  const double lon0 = kLonMin + (ilon * 1.0 / cells) * lon_scale;
  const double lon1 = kLonMin + ((ilon + 1) * 1.0 / cells) * lon_scale;
  *lon = std::clamp((lon0 + lon1) / 2, kLonMin, kLonMax);
  *lat = std::clamp((lat0 + lat1) / 2, kLatMin, kLatMax);
}

double LatDistance(double lat1, double lat2) {
  return kEarthRadius * std::fabs(lat2 * kDegToRad - lat1 * kDegToRad);
}

double Distance(double lon1, double lat1, double lon2, double lat2) {
  const double lat1r = lat1 * kDegToRad, lon1r = lon1 * kDegToRad;
  const double lat2r = lat2 * kDegToRad, lon2r = lon2 * kDegToRad;
  const double v = std::sin((lon2r - lon1r) / 2);
  if (v == 0.0) return LatDistance(lat1, lat2);
  const double u = std::sin((lat2r - lat1r) / 2);
  const double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadius * std::asin(std::sqrt(a));
}

// Distances are replied with four decimals, rounded as Redis' fixed-point formatting does.
void ReplyDistance(CommandContext& ctx, double d) {
  char buf[64];
  int n;
  if (d == 0) {
    n = std::snprintf(buf, sizeof(buf), "0.0000");
  } else {
    const long long v = std::llrint(d * 10000.0);
    const unsigned long long m = v < 0 ? 0ULL - static_cast<unsigned long long>(v)
                                       : static_cast<unsigned long long>(v);
    n = std::snprintf(buf, sizeof(buf), "%s%llu.%04llu", v < 0 ? "-" : "", m / 10000, m % 10000);
  }
  ctx.rb.Bulk(std::string_view(buf, static_cast<size_t>(n)));
}

void ReplyCoordinate(CommandContext& ctx, double v) {
  std::string text;
  resp::FormatLongDouble(static_cast<long double>(v), &text);
  ctx.rb.FormattedDouble(text);
}

// Meters per unit, or < 0 after replying the error.
double ParseUnit(CommandContext& ctx, std::string_view u) {
  if (EqualsLower(u, "m")) return 1;
  if (EqualsLower(u, "km")) return 1000;
  if (EqualsLower(u, "ft")) return 0.3048;
  if (EqualsLower(u, "mi")) return 1609.34;
  ctx.Error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return -1;
}

bool ParseLonLat(CommandContext& ctx, std::string_view lon_s, std::string_view lat_s, double* lon,
                 double* lat) {
  if (!ParseDouble(lon_s, lon) || !ParseDouble(lat_s, lat)) {
    ctx.Error(kErrNotFloat);
    return false;
  }
  if (*lon < kLonMin || *lon > kLonMax || *lat < kLatMin || *lat > kLatMax) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "ERR invalid longitude,latitude pair %f,%f", *lon, *lat);
    ctx.Error(buf);
    return false;
  }
  return true;
}

bool FindGeoSet(CommandContext& ctx, std::string_view key, ZSetValue** z) {
  return FindCollection(ctx, ctx.Db(key), key, ObjType::kZSet, z);
}

// GEOADD key [NX|XX] [CH] longitude latitude member [...]: ZADD of the members at their
// geohash scores (events and replies are ZADD's).
void GeoAddCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  size_t first = 2;
  bool nx = false, xx = false;
  for (; first < a.size(); ++first) {
    if (EqualsLower(a[first], "nx")) {
      nx = true;
    } else if (EqualsLower(a[first], "xx")) {
      xx = true;
    } else if (!EqualsLower(a[first], "ch")) {
      break;
    }
  }
  if ((a.size() - first) % 3 != 0 || (nx && xx) || first == a.size()) return ctx.Error(kErrSyntax);
  std::vector<std::string> scores;
  std::vector<std::string_view> zadd(a.begin(), a.begin() + static_cast<ptrdiff_t>(first));
  zadd[0] = "zadd";
  for (size_t i = first; i < a.size(); i += 3) {
    double lon, lat;
    if (!ParseLonLat(ctx, a[i], a[i + 1], &lon, &lat)) return;
    scores.push_back(std::to_string(Encode(lon, lat, kLatMin, kLatMax, kStep)));
  }
  for (size_t i = first, k = 0; i < a.size(); i += 3, ++k) {
    zadd.push_back(scores[k]);
    zadd.push_back(a[i + 2]);
  }
  const auto saved = ctx.args;
  ctx.args = zadd;
  CommandTable::Get().Find("zadd")->handler(ctx);
  ctx.args = saved;
}

void GeoDistCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  double to_meter = 1;
  if (a.size() == 5) {
    to_meter = ParseUnit(ctx, a[4]);
    if (to_meter < 0) return;
  } else if (a.size() > 5) {
    return ctx.Error(kErrSyntax);
  }
  ZSetValue* z;
  if (!FindGeoSet(ctx, a[1], &z)) return;
  double s1, s2;
  if (!z || !z->Score(a[2], &s1) || !z->Score(a[3], &s2)) return ctx.rb.Null();
  double lon1, lat1, lon2, lat2;
  Decode(s1, &lon1, &lat1);
  Decode(s2, &lon2, &lat2);
  ReplyDistance(ctx, Distance(lon1, lat1, lon2, lat2) / to_meter);
}

// GEOPOS and GEOHASH: an array with one entry per member argument, missing(ctx) for a member
// (or key) that is not there, else reply(lon, lat) with its decoded position.
template <typename Missing, typename Reply>
void ForEachMemberPosition(CommandContext& ctx, Missing&& missing, Reply&& reply) {
  auto& a = ctx.args;
  ZSetValue* z;
  if (!FindGeoSet(ctx, a[1], &z)) return;
  ctx.rb.ArrayHeader(a.size() - 2);
  for (size_t i = 2; i < a.size(); ++i) {
    double score;
    if (!z || !z->Score(a[i], &score)) {
      missing();
      continue;
    }
    double lon, lat;
    Decode(score, &lon, &lat);
    reply(lon, lat);
  }
}

void GeoPosCmd(CommandContext& ctx) {
  ForEachMemberPosition(
      ctx, [&] { ctx.rb.NullArray(); },
      [&](double lon, double lat) {
        ctx.rb.ArrayHeader(2);
        ReplyCoordinate(ctx, lon);
        ReplyCoordinate(ctx, lat);
      });
}

// The standard 11-character geohash (latitudes over -90..90), re-encoded from the cell centre;
// the 11th character stands for bits Shoal (like Redis) does not have, so it is always '0'.
void GeoHashCmd(CommandContext& ctx) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  ForEachMemberPosition(
      ctx, [&] { ctx.rb.Null(); },
      [&](double lon, double lat) {
        const uint64_t bits = Encode(lon, lat, -90, 90, kStep);
        char buf[11];
        for (int c = 0; c < 11; ++c) {
          buf[c] = kAlphabet[c == 10 ? 0 : (bits >> (52 - (c + 1) * 5)) & 0x1f];
        }
        ctx.rb.Bulk(std::string_view(buf, 11));
      });
}

// ---------------------------------------------------------------- searches

struct Shape {
  bool circle = true;
  double lon = 0, lat = 0;
  double radius = 0;           // meters
  double width = 0, height = 0;  // meters
  double conversion = 1;       // meters per unit of the request
};

struct Hit {
  std::string member;
  double score, lon, lat, dist;
};

// Redis' tests, on the decoded position of the member: within the radius, or within the box
// (half its height in latitude distance, half its width in longitude distance at the member's
// latitude). dist is the distance from the centre.
bool Inside(const Shape& s, double lon, double lat, double* dist) {
  if (s.circle) {
    *dist = Distance(s.lon, s.lat, lon, lat);
    return *dist <= s.radius;
  }
  if (LatDistance(lat, s.lat) > s.height / 2) return false;
  if (Distance(lon, lat, s.lon, lat) > s.width / 2) return false;
  *dist = Distance(s.lon, s.lat, lon, lat);
  return true;
}

// Calls fn(score, member) for candidates that include every member inside the shape: the
// members of the geohash cells covering a slightly enlarged bounding box, or all of them when
// the box reaches a pole or the antimeridian.
template <typename Fn>
void ForCandidates(const ZSetValue& z, const Shape& s, Fn&& fn) {
  const double half_h = s.circle ? s.radius : s.height / 2;
  const double half_w = s.circle ? s.radius : s.width / 2;
  const double lat_delta = half_h / kEarthRadius / kDegToRad * 1.01 + 1e-5;
  const double lat_lo = s.lat - lat_delta, lat_hi = s.lat + lat_delta;
  const double far_lat = std::max(std::fabs(lat_lo), std::fabs(lat_hi));
  const double lon_delta =
      far_lat < 80 ? half_w / kEarthRadius / std::cos(far_lat * kDegToRad) / kDegToRad * 1.05 + 1e-5
                   : 400;
  const double lon_lo = s.lon - lon_delta, lon_hi = s.lon + lon_delta;
  auto all = [&] { z.Visit(0, z.Length(), false, fn); };
  if (lat_lo <= kLatMin || lat_hi >= kLatMax || lon_lo <= kLonMin || lon_hi >= kLonMax ||
      half_h > kEarthRadius || half_w > kEarthRadius) {
    return all();
  }
  // The finest step at which at most 3 x 3 cells cover the box (cells of at least half its
  // size): fewer members read than with cells as large as the box.
  int step = kStep;
  uint32_t y0, y1, x0, x1;
  auto cell = [&](double v, double lo, double hi) {
    return static_cast<uint32_t>((v - lo) / (hi - lo) * static_cast<double>(1ULL << step));
  };
  for (;; --step) {
    y0 = cell(lat_lo, kLatMin, kLatMax);
    y1 = cell(lat_hi, kLatMin, kLatMax);
    x0 = cell(lon_lo, kLonMin, kLonMax);
    x1 = cell(lon_hi, kLonMin, kLonMax);
    if (step == 1 || (uint64_t{y1 - y0 + 1} * (x1 - x0 + 1) <= 9)) break;
  }
  const int shift = 2 * (kStep - step);
  for (uint32_t y = y0; y <= y1; ++y) {
    for (uint32_t x = x0; x <= x1; ++x) {
      const uint64_t h = Interleave(y, x);
      ZScoreRange r;
      r.min = static_cast<double>(h << shift);
      r.max = static_cast<double>((h + 1) << shift);
      r.maxex = true;
      auto [from, to] = z.RanksInScoreRange(r);
      if (from < to) z.Visit(from, to, false, fn);
    }
  }
}

enum SearchFlags {
  kByCoords = 1,     // GEORADIUS: lon lat radius unit
  kByMember = 2,     // GEORADIUSBYMEMBER: member radius unit
  kNoStore = 4,      // the _RO variants
  kSearch = 8,       // GEOSEARCH syntax
  kSearchStore = 16  // GEOSEARCHSTORE
};

bool ParseDistance(CommandContext& ctx, std::string_view num, std::string_view unit,
                   std::string_view what, double* meters, double* conversion) {
  double v;
  if (!ParseDouble(num, &v)) {
    ctx.Error(Cat("ERR need numeric ", what));
    return false;
  }
  if (v < 0) {
    ctx.Error(what == "radius" ? "ERR radius cannot be negative"
                               : "ERR height or width cannot be negative");
    return false;
  }
  const double to_m = ParseUnit(ctx, unit);
  if (to_m < 0) return false;
  *meters = v * to_m;
  *conversion = to_m;
  return true;
}

// Redis' georadiusGeneric: the option parsing (and its error order), the search, the reply or
// the stored sorted set.
void SearchGeneric(CommandContext& ctx, size_t src_index, int flags) {
  auto& a = ctx.args;
  std::string_view src = a[src_index];
  ZSetValue* z;
  if (!FindGeoSet(ctx, src, &z)) return;
  Shape shape;
  size_t base;
  std::string_view store;
  bool storing = false;  // not !store.empty(): "" is a valid destination key
  bool storedist = false;
  auto from_member = [&](std::string_view m) {
    double score;
    if (!z->Score(m, &score)) {
      ctx.Error("ERR could not decode requested zset member");
      return false;
    }
    Decode(score, &shape.lon, &shape.lat);
    return true;
  };
  if (flags & kByCoords) {
    base = 6;
    if (!ParseLonLat(ctx, a[2], a[3], &shape.lon, &shape.lat)) return;
    if (!ParseDistance(ctx, a[4], a[5], "radius", &shape.radius, &shape.conversion)) return;
  } else if ((flags & kByMember) && !z) {
    base = 5;
  } else if (flags & kByMember) {
    base = 5;
    if (!from_member(a[2])) return;
    if (!ParseDistance(ctx, a[3], a[4], "radius", &shape.radius, &shape.conversion)) return;
  } else {
    base = (flags & kSearchStore) ? 3 : 2;
    if (flags & kSearchStore) {
      store = a[1];
      storing = true;
    }
  }
  bool withdist = false, withhash = false, withcoord = false, any = false;
  bool frommember = false, fromloc = false, byradius = false, bybox = false;
  int sort = 0;  // 0 none, 1 asc, -1 desc
  int64_t count = 0;
  const size_t n = a.size() - base;
  for (size_t i = 0; i < n; ++i) {
    std::string_view arg = a[base + i];
    const bool search = flags & kSearch;
    if (EqualsLower(arg, "withdist")) {
      withdist = true;
    } else if (EqualsLower(arg, "withhash")) {
      withhash = true;
    } else if (EqualsLower(arg, "withcoord")) {
      withcoord = true;
    } else if (EqualsLower(arg, "any")) {
      any = true;
    } else if (EqualsLower(arg, "asc")) {
      sort = 1;
    } else if (EqualsLower(arg, "desc")) {
      sort = -1;
    } else if (EqualsLower(arg, "count") && i + 1 < n) {
      if (!ParseInt64(a[base + i + 1], &count)) return ctx.Error(kErrNotInt);
      if (count <= 0) return ctx.Error("ERR COUNT must be > 0");
      ++i;
    } else if ((EqualsLower(arg, "store") || EqualsLower(arg, "storedist")) && i + 1 < n &&
               !(flags & kNoStore) && !search) {
      store = a[base + i + 1];
      storing = true;
      storedist = EqualsLower(arg, "storedist");
      ++i;
    } else if (EqualsLower(arg, "storedist") && search && (flags & kSearchStore)) {
      storedist = true;
    } else if (EqualsLower(arg, "frommember") && i + 1 < n && search && !fromloc) {
      if (z && !from_member(a[base + i + 1])) return;
      frommember = true;
      ++i;
    } else if (EqualsLower(arg, "fromlonlat") && i + 2 < n && search && !frommember) {
      if (!ParseLonLat(ctx, a[base + i + 1], a[base + i + 2], &shape.lon, &shape.lat)) return;
      fromloc = true;
      i += 2;
    } else if (EqualsLower(arg, "byradius") && i + 2 < n && search && !bybox) {
      if (!ParseDistance(ctx, a[base + i + 1], a[base + i + 2], "radius", &shape.radius,
                         &shape.conversion)) {
        return;
      }
      shape.circle = true;
      byradius = true;
      i += 2;
    } else if (EqualsLower(arg, "bybox") && i + 3 < n && search && !byradius) {
      double w, h;
      if (!ParseDouble(a[base + i + 1], &w)) return ctx.Error("ERR need numeric width");
      if (!ParseDouble(a[base + i + 2], &h)) return ctx.Error("ERR need numeric height");
      if (w < 0 || h < 0) return ctx.Error("ERR height or width cannot be negative");
      const double to_m = ParseUnit(ctx, a[base + i + 3]);
      if (to_m < 0) return;
      shape.circle = false;
      shape.width = w * to_m;
      shape.height = h * to_m;
      shape.conversion = to_m;
      bybox = true;
      i += 3;
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  if (storing && (withdist || withhash || withcoord)) {
    return ctx.Error(Cat("ERR ", (flags & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS",
                         " is not compatible with WITHDIST, WITHHASH and WITHCOORD options"));
  }
  if ((flags & kSearch) && !frommember && !fromloc) {
    return ctx.Error(Cat("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ", a[0]));
  }
  if ((flags & kSearch) && !byradius && !bybox) {
    return ctx.Error(Cat("ERR exactly one of BYRADIUS and BYBOX can be specified for ", a[0]));
  }
  if (any && count == 0) return ctx.Error("ERR the ANY argument requires COUNT argument");
  if (!z) {
    if (!storing) return ctx.rb.EmptyArray();
    if (ctx.Db(store).Delete(store, ctx.now_ms)) {
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", store);
    }
    return ctx.rb.Integer(0);
  }
  if (count != 0 && sort == 0 && !any) sort = 1;  // COUNT means the nearest ones

  std::vector<Hit> hits;
  bool full = false;
  ForCandidates(*z, shape, [&](std::string_view m, double score) {
    if (full) return;
    double lon, lat, dist;
    Decode(score, &lon, &lat);
    if (!Inside(shape, lon, lat, &dist)) return;
    hits.push_back({std::string(m), score, lon, lat, dist});
    if (any && static_cast<int64_t>(hits.size()) >= count) full = true;
  });
  if (hits.empty() && !storing) return ctx.rb.EmptyArray();
  if (sort != 0) {
    std::stable_sort(hits.begin(), hits.end(), [&](const Hit& x, const Hit& y) {
      return sort > 0 ? x.dist < y.dist : x.dist > y.dist;
    });
  }
  const size_t returned =
      count == 0 ? hits.size() : std::min(hits.size(), static_cast<size_t>(count));
  if (!storing) {
    const size_t options = withdist + withhash + withcoord;
    ctx.rb.ArrayHeader(returned);
    for (size_t i = 0; i < returned; ++i) {
      const Hit& h = hits[i];
      if (options) ctx.rb.ArrayHeader(options + 1);
      ctx.rb.Bulk(h.member);
      if (withdist) ReplyDistance(ctx, h.dist / shape.conversion);
      if (withhash) ctx.rb.Integer(static_cast<int64_t>(h.score));
      if (withcoord) {
        ctx.rb.ArrayHeader(2);
        ReplyCoordinate(ctx, h.lon);
        ReplyCoordinate(ctx, h.lat);
      }
    }
    return;
  }
  std::unique_ptr<ZSetValue> out;
  if (returned > 0) {
    size_t max_len = 0;
    for (size_t i = 0; i < returned; ++i) max_len = std::max(max_len, hits[i].member.size());
    out = ZSetValue::Create(returned, max_len);
    for (size_t i = 0; i < returned; ++i) {
      double unused;
      out->Add(hits[i].member, storedist ? hits[i].dist / shape.conversion : hits[i].score, 0,
               &unused);
    }
  }
  StoreResult(ctx, store, std::move(out), (flags & kSearch) ? "geosearchstore" : "georadiusstore");
}

void GeoRadiusCmd(CommandContext& ctx) { SearchGeneric(ctx, 1, kByCoords); }
void GeoRadiusRoCmd(CommandContext& ctx) { SearchGeneric(ctx, 1, kByCoords | kNoStore); }
void GeoRadiusByMemberCmd(CommandContext& ctx) { SearchGeneric(ctx, 1, kByMember); }
void GeoRadiusByMemberRoCmd(CommandContext& ctx) { SearchGeneric(ctx, 1, kByMember | kNoStore); }
void GeoSearchCmd(CommandContext& ctx) { SearchGeneric(ctx, 1, kSearch); }
void GeoSearchStoreCmd(CommandContext& ctx) { SearchGeneric(ctx, 2, kSearch | kSearchStore); }

// GEORADIUS[BYMEMBER]'s keys as Redis' georadiusGetKeys finds them: the source, and the
// destination of the last STORE/STOREDIST from the sixth argument on.
void GeoRadiusKeys(std::span<const std::string_view> args, KeyPositions* out) {
  out->push_back(1);
  int store = -1;
  for (size_t i = 5; i + 1 < args.size(); ++i) {
    if (EqualsLower(args[i], "store") || EqualsLower(args[i], "storedist")) {
      store = static_cast<int>(i + 1);
      ++i;
    }
  }
  if (store >= 0) out->push_back(store);
}

}  // namespace

void RegisterGeoCommands(CommandTable& t) {
  constexpr uint32_t W = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t R = kCmdReadonly;
  t.Add({"geoadd", -5, W, 1, 1, 1, GeoAddCmd, "geo", "Add one or more geospatial items in the geospatial index represented using a sorted set", "3.2.0"});
  t.Add({"geodist", -4, R, 1, 1, 1, GeoDistCmd, "geo", "Returns the distance between two members of a geospatial index", "3.2.0"});
  t.Add({"geohash", -2, R, 1, 1, 1, GeoHashCmd, "geo", "Returns members of a geospatial index as standard geohash strings", "3.2.0"});
  t.Add({"geopos", -2, R, 1, 1, 1, GeoPosCmd, "geo", "Returns longitude and latitude of members of a geospatial index", "3.2.0"});
  t.Add({"georadius", -6, W, 1, 1, 1, GeoRadiusCmd, "geo", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point", "3.2.0", {}, GeoRadiusKeys});
  t.Add({"georadius_ro", -6, R, 1, 1, 1, GeoRadiusRoCmd, "geo", "A read-only variant for GEORADIUS", "3.2.10"});
  t.Add({"georadiusbymember", -5, W, 1, 1, 1, GeoRadiusByMemberCmd, "geo", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member", "3.2.0", {}, GeoRadiusKeys});
  t.Add({"georadiusbymember_ro", -5, R, 1, 1, 1, GeoRadiusByMemberRoCmd, "geo", "A read-only variant for GEORADIUSBYMEMBER", "3.2.10"});
  t.Add({"geosearch", -7, R, 1, 1, 1, GeoSearchCmd, "geo", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.", "6.2.0"});
  t.Add({"geosearchstore", -8, W, 1, 2, 1, GeoSearchStoreCmd, "geo", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.", "6.2.0"});
}

}  // namespace shoal
