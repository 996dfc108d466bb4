// Server options under Redis' names: command line, config file, and CONFIG GET/SET.
#include "server/config.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/store/key_clock.h"
#include "server/store/object.h"
#include "server/util/glob.h"
#include "server/util/string_util.h"

// The build may pass -DSHOAL_VERSION; otherwise keep this in step with project() in meson.build.
#ifndef SHOAL_VERSION
#define SHOAL_VERSION "0.1.0"
#endif

namespace shoal {

namespace {

constexpr uint64_t kMb = 1024 * 1024;
constexpr int kMinHz = 1;
constexpr int kMaxHz = 500;
constexpr int kMaxBatchWaitUs = 10000;  // io-batch-wait-us: at most 10 ms of added wait
constexpr int kMaxThreads = 1024;
constexpr size_t kMaxBindAddrs = 16;

constexpr std::string_view kLogLevels[] = {"debug", "verbose", "notice", "warning"};
constexpr int kLogLevelNotice = 2;

// Redis' own list first, in the order its error message gives them, then Shoal's additions.
constexpr std::string_view kPolicies[] = {
    "volatile-lru", "volatile-lfu",   "volatile-random", "volatile-ttl", "allkeys-lru",
    "allkeys-lfu",  "allkeys-random", "noeviction",      "allkeys-fifo", "volatile-fifo"};
static_assert(std::size(kPolicies) == kVolatileFifo + 1 && kPolicies[kNoEviction] == "noeviction");

// Debian's Abseil is built with its own string_view type, so std::string_view needs an
// explicit hop into and out of Abseil's string functions.
inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view SV(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// Joins views with sep (absl::StrJoin would need Abseil's own view type).
template <typename Range>
std::string JoinViews(const Range& parts, std::string_view sep) {
  std::string out;
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) out.append(sep);
    out.append(part);
    first = false;
  }
  return out;
}

// Splits on every single space, keeping empty words: Redis counts them, so "a  b" is three
// words and fails the arity checks of save and client-output-buffer-limit as it does there.
std::vector<std::string_view> SplitSpaces(std::string_view text) {
  std::vector<std::string_view> out;
  for (absl::string_view w : absl::StrSplit(AV(text), ' ')) out.push_back(SV(w));
  return out;
}

int DefaultThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(std::min<unsigned>(n, kMaxThreads));
}

}  // namespace

// Every option as a plain value: parsing writes into one of these, formatting reads it, and
// Config copies it into its atomics. Defaults are Redis' (except bind, threads and save).
struct ConfigValues {
  // Fixed at start-up.
  int port = 6379;
  std::vector<std::string> bind{"127.0.0.1"};
  std::string unixsocket;
  int unixsocketperm = 0;
  int threads = DefaultThreads();
  int databases = 16;
  std::string logfile;
  std::string dir = ".";
  std::string io_engine = "auto";
  // Changeable with CONFIG SET.
  std::string requirepass;
  int64_t maxclients = 10000;
  int64_t timeout = 0;
  int loglevel = kLogLevelNotice;
  uint64_t proto_max_bulk_len = 512 * kMb;
  uint64_t client_query_buffer_limit = 1024 * kMb;
  OutputBufferLimit limits[3] = {{0, 0, 0}, {256 * kMb, 64 * kMb, 60}, {32 * kMb, 8 * kMb, 60}};
  int expire_jitter_pct = 0;
  int io_batch_wait_us = 0;
  int hz = 10;
  uint64_t maxmemory = 0;
  int maxmemory_policy = kNoEviction;
  int maxmemory_samples = 5;
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  uint64_t hll_sparse_max_bytes = 3000;
  int64_t tracking_table_max_keys = 1000000;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  std::string save;  // normalized "seconds changes ..." pairs
  int notify_keyspace_events = 0;
  bool appendonly = false;
  bool rdbcompression = true;
  // Collection encoding thresholds, in EncodingLimitField order (published to Limits()).
  // list-compress-depth is 1, not Redis' 0: list nodes away from the two ends are compressed.
  int64_t encoding[9] = {512, 64, 512, 128, 64, 128, 64, -2, 1};
};

namespace {

// Why a value was refused: Redis' wording for CONFIG SET, and a plainer sentence for the
// command line, where the user has no Redis reply to compare with.
struct Problem {
  std::string redis;
  std::string human;
};

using ParseFn = bool (*)(std::string_view text, ConfigValues* v, Problem* why);
using FormatFn = std::string (*)(const ConfigValues& v);

struct Param {
  std::string_view name;
  bool runtime;  // CONFIG SET may change it
  bool multi;    // on the command line it may take several words, joined by spaces
  std::string_view type;
  std::string_view help;
  ParseFn parse;
  FormatFn format;
};

bool IEq(std::string_view a, std::string_view b) { return absl::EqualsIgnoreCase(AV(a), AV(b)); }

bool IntIn(std::string_view text, int64_t lo, int64_t hi, int64_t* out, Problem* why) {
  int64_t v;
  if (!ParseInt64(text, &v)) {
    why->redis = "argument couldn't be parsed into an integer";
  } else if (v < lo || v > hi) {
    why->redis = absl::StrCat("argument must be between ", lo, " and ", hi, " inclusive");
  } else {
    *out = v;
    return true;
  }
  why->human = absl::StrCat("must be an integer between ", lo, " and ", hi);
  return false;
}

template <typename T>
bool IntFieldIn(std::string_view text, int64_t lo, int64_t hi, T* field, Problem* why) {
  int64_t v;
  if (!IntIn(text, lo, hi, &v, why)) return false;
  *field = static_cast<T>(v);
  return true;
}

bool SizeIn(std::string_view text, uint64_t lo, uint64_t hi, uint64_t* out, Problem* why) {
  uint64_t v;
  if (!ParseMemorySize(text, &v)) {
    why->redis = "argument must be a memory value";
  } else if (v < lo || v > hi) {
    why->redis = absl::StrCat("argument must be between ", lo, " and ", hi, " inclusive");
  } else {
    *out = v;
    return true;
  }
  why->human = absl::StrCat("must be a size between ", lo, " and ", hi,
                            " bytes (units k, kb, m, mb, g, gb allowed)");
  return false;
}

template <size_t N>
bool OneOf(std::string_view text, const std::string_view (&names)[N], int* out, Problem* why) {
  for (size_t i = 0; i < N; ++i) {
    if (IEq(text, names[i])) {
      *out = static_cast<int>(i);
      return true;
    }
  }
  const std::string list = JoinViews(names, ", ");
  why->redis = absl::StrCat("argument(s) must be one of the following: ", list);
  why->human = absl::StrCat("must be one of ", list);
  return false;
}

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}

// "0700" style permission bits, as Redis reads unixsocketperm.
bool ParseOctalPerm(std::string_view text, ConfigValues* v, Problem* why) {
  int64_t mode = 0;
  bool ok = !text.empty() && text.size() <= 12;
  for (char c : text) {
    if (c < '0' || c > '7') ok = false;
    if (ok) mode = mode * 8 + (c - '0');
  }
  if (ok && mode > 0777) {
    why->redis = "argument must be between 0 and 511 inclusive";
  } else if (ok) {
    v->unixsocketperm = static_cast<int>(mode);
    return true;
  } else {
    why->redis = "argument couldn't be parsed as an octal number";
  }
  why->human = "must be an octal permission mode between 0 and 777";
  return false;
}

bool ParseBind(std::string_view text, ConfigValues* v, Problem* why) {
  std::vector<std::string> addrs = absl::StrSplit(AV(text), ' ', absl::SkipEmpty());
  if (addrs.empty()) {
    why->redis = "bind needs at least one address";
    why->human = "must list at least one address";
    return false;
  }
  if (addrs.size() > kMaxBindAddrs) {
    why->redis = "Too many bind addresses specified.";
    why->human = absl::StrCat("must list at most ", kMaxBindAddrs, " addresses");
    return false;
  }
  v->bind = std::move(addrs);
  return true;
}

bool ParseDir(std::string_view text, ConfigValues* v, Problem* why) {
  std::error_code ec;
  if (text.empty() || !std::filesystem::is_directory(std::filesystem::path(text), ec)) {
    why->redis = "No such file or directory";
    why->human = "must be an existing directory";
    return false;
  }
  v->dir = std::string(text);
  return true;
}

// Redis reports the working directory it chdir'ed to; Shoal keeps the process directory and
// reports the absolute form of the configured one, which names the same place.
std::string FormatDir(const ConfigValues& v) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(v.dir, ec);
  if (ec) return v.dir;
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Groups of "<class> <hard> <soft> <soft seconds>"; only the classes named change, and a bad
// group leaves all of them as they were.
bool ParseOutputLimits(std::string_view text, ConfigValues* v, Problem* why) {
  if (text.empty()) return true;
  std::vector<std::string_view> words = SplitSpaces(text);
  const bool empty_word =
      std::any_of(words.begin(), words.end(), [](std::string_view w) { return w.empty(); });
  if (empty_word || words.size() % 4 != 0) {
    why->redis = "Wrong number of arguments in buffer limit configuration.";
    why->human = "must be groups of '<class> <hard> <soft> <soft-seconds>'";
    return false;
  }
  OutputBufferLimit limits[3] = {v->limits[0], v->limits[1], v->limits[2]};
  for (size_t i = 0; i < words.size(); i += 4) {
    int cls;
    if (IEq(words[i], "normal")) {
      cls = 0;
    } else if (IEq(words[i], "replica") || IEq(words[i], "slave")) {
      cls = 1;
    } else if (IEq(words[i], "pubsub")) {
      cls = 2;
    } else {
      why->redis = "Invalid client class specified in buffer limit configuration.";
      why->human = absl::StrCat("has unknown client class '", AV(words[i]),
                                "' (must be normal, replica or pubsub)");
      return false;
    }
    OutputBufferLimit l;
    if (!ParseMemorySize(words[i + 1], &l.hard) || !ParseMemorySize(words[i + 2], &l.soft) ||
        !AllDigits(words[i + 3]) || !absl::SimpleAtoi(AV(words[i + 3]), &l.soft_seconds)) {
      why->redis = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      why->human = "must have sizes for hard and soft and a whole number of soft seconds";
      return false;
    }
    limits[cls] = l;
  }
  std::copy(std::begin(limits), std::end(limits), std::begin(v->limits));
  return true;
}

std::string FormatOutputLimits(const ConfigValues& v) {
  // Redis 7.0 still names the replica class "slave" in this reply.
  static constexpr std::string_view kNames[] = {"normal", "slave", "pubsub"};
  std::string out;
  for (int i = 0; i < 3; ++i) {
    absl::StrAppend(&out, i ? " " : "", AV(kNames[i]), " ", v.limits[i].hard, " ", v.limits[i].soft,
                    " ", v.limits[i].soft_seconds);
  }
  return out;
}

// Pairs of "<seconds> <changes>"; kept only to answer CONFIG GET until Shoal snapshots.
bool ParseSave(std::string_view text, ConfigValues* v, Problem* why) {
  std::vector<std::string> normalized;
  bool ok = true;
  if (!text.empty()) {
    std::vector<std::string_view> words = SplitSpaces(text);
    ok = words.size() % 2 == 0;
    for (size_t i = 0; ok && i < words.size(); ++i) {
      int64_t n;
      ok = AllDigits(words[i]) && absl::SimpleAtoi(AV(words[i]), &n) && (i % 2 == 1 || n >= 1);
      if (ok) normalized.push_back(absl::StrCat(n));
    }
  }
  if (!ok) {
    why->redis = "Invalid save parameters";
    why->human = "must be empty or pairs of '<seconds> <changes>'";
    return false;
  }
  v->save = absl::StrJoin(normalized, " ");
  return true;
}

bool ParseAppendonly(std::string_view text, ConfigValues* v, Problem* why) {
  if (IEq(text, "no")) {
    v->appendonly = false;
    return true;
  }
  if (IEq(text, "yes")) {
    why->redis = "appendonly yes is not supported yet";
    why->human = "must be 'no' (Shoal has no append-only file yet)";
  } else {
    why->redis = "argument must be 'yes' or 'no'";
    why->human = "must be 'yes' or 'no'";
  }
  return false;
}

bool ParseRdbcompression(std::string_view text, ConfigValues* v, Problem* why) {
  if (IEq(text, "yes") || IEq(text, "no")) {
    v->rdbcompression = IEq(text, "yes");
    return true;
  }
  why->redis = "argument must be 'yes' or 'no'";
  why->human = "must be 'yes' or 'no'";
  return false;
}

std::string Int(int64_t n) { return absl::StrCat(n); }

// The collection thresholds of EncodingLimits, in ConfigValues::encoding order.
std::atomic<int64_t> EncodingLimits::*const kEncodingFields[9] = {
    &EncodingLimits::hash_max_listpack_entries, &EncodingLimits::hash_max_listpack_value,
    &EncodingLimits::set_max_intset_entries,    &EncodingLimits::set_max_listpack_entries,
    &EncodingLimits::set_max_listpack_value,    &EncodingLimits::zset_max_listpack_entries,
    &EncodingLimits::zset_max_listpack_value,   &EncodingLimits::list_max_listpack_size,
    &EncodingLimits::list_compress_depth};

// Redis' ranges: entry counts are plain integers, value lengths are memory values, the list node
// size is any int (negative = a size class), the compress depth is >= 0.
template <int I>
bool ParseEncoding(std::string_view t, ConfigValues* v, Problem* w) {
  if constexpr (I == 1 || I == 4 || I == 6) {
    uint64_t size;
    if (!SizeIn(t, 0, INT64_MAX, &size, w)) return false;
    v->encoding[I] = static_cast<int64_t>(size);
    return true;
  } else if constexpr (I == 7) {
    return IntIn(t, INT_MIN, INT_MAX, &v->encoding[I], w);
  } else if constexpr (I == 8) {
    return IntIn(t, 0, INT_MAX, &v->encoding[I], w);
  } else {
    return IntIn(t, 0, INT64_MAX, &v->encoding[I], w);
  }
}
template <int I>
std::string FormatEncoding(const ConfigValues& v) {
  return Int(v.encoding[I]);
}

// Every parameter, in the order CONFIG GET lists them.
const Param kParams[] = {
    {"port", false, false, "PORT", "TCP port to listen on; 0 disables TCP (default 6379)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 0, 65535, &v->port, w);
     },
     [](const ConfigValues& v) { return Int(v.port); }},
    {"bind", false, true, "ADDR", "Addresses to listen on, space separated (default 127.0.0.1)",
     ParseBind, [](const ConfigValues& v) { return absl::StrJoin(v.bind, " "); }},
    {"unixsocket", false, false, "PATH", "Also listen on this unix socket (default none)",
     [](std::string_view t, ConfigValues* v, Problem*) {
       v->unixsocket = std::string(t);
       return true;
     },
     [](const ConfigValues& v) { return v.unixsocket; }},
    {"unixsocketperm", false, false, "OCTAL",
     "Permissions of the unix socket, e.g. 700 (default 0)", ParseOctalPerm,
     [](const ConfigValues& v) { return absl::StrFormat("%o", v.unixsocketperm); }},
    {"threads", false, false, "N", "Worker threads (default: number of cores)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 1, kMaxThreads, &v->threads, w);
     },
     [](const ConfigValues& v) { return Int(v.threads); }},
    {"databases", false, false, "N", "Number of databases (default 16)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 1, INT_MAX, &v->databases, w);
     },
     [](const ConfigValues& v) { return Int(v.databases); }},
    {"requirepass", true, false, "PASSWORD", "Password clients must AUTH with (default none)",
     [](std::string_view t, ConfigValues* v, Problem*) {
       v->requirepass = std::string(t);
       return true;
     },
     [](const ConfigValues& v) { return v.requirepass; }},
    {"maxclients", true, false, "N", "Maximum connected clients (default 10000)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 1, UINT_MAX, &v->maxclients, w);
     },
     [](const ConfigValues& v) { return Int(v.maxclients); }},
    {"timeout", true, false, "SECONDS", "Close clients idle this long; 0 never (default 0)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 0, INT_MAX, &v->timeout, w);
     },
     [](const ConfigValues& v) { return Int(v.timeout); }},
    {"loglevel", true, false, "LEVEL", "debug, verbose, notice or warning (default notice)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return OneOf(t, kLogLevels, &v->loglevel, w);
     },
     [](const ConfigValues& v) { return std::string(kLogLevels[v.loglevel]); }},
    {"logfile", false, false, "PATH", "Log to this file; empty logs to stdout (default empty)",
     [](std::string_view t, ConfigValues* v, Problem*) {
       v->logfile = std::string(t);
       return true;
     },
     [](const ConfigValues& v) { return v.logfile; }},
    {"proto-max-bulk-len", true, false, "SIZE",
     "Largest bulk string a client may send (default 512mb)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return SizeIn(t, kMb, INT64_MAX, &v->proto_max_bulk_len, w);
     },
     [](const ConfigValues& v) { return absl::StrCat(v.proto_max_bulk_len); }},
    {"client-query-buffer-limit", true, false, "SIZE",
     "Largest query buffer of one client (default 1gb)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return SizeIn(t, kMb, INT64_MAX, &v->client_query_buffer_limit, w);
     },
     [](const ConfigValues& v) { return absl::StrCat(v.client_query_buffer_limit); }},
    {"client-output-buffer-limit", true, true, "LIMITS",
     "'<class> <hard> <soft> <seconds>' groups for normal, replica, pubsub "
     "(default \"normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60\")",
     ParseOutputLimits, FormatOutputLimits},
    {"expire-jitter-pct", true, false, "PCT",
     "Randomize deadlines set by EXPIRE/SET EX by up to this percent (default 0)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 0, 100, &v->expire_jitter_pct, w);
     },
     [](const ConfigValues& v) { return Int(v.expire_jitter_pct); }},
    {"hz", true, false, "N", "Background task frequency, clamped to 1..500 (default 10)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       int64_t hz;
       if (!IntIn(t, 0, INT_MAX, &hz, w)) return false;
       // Out-of-range values are clamped, not refused, exactly as Redis does.
       v->hz = static_cast<int>(std::clamp<int64_t>(hz, kMinHz, kMaxHz));
       return true;
     },
     [](const ConfigValues& v) { return Int(v.hz); }},
    {"maxmemory", true, false, "SIZE", "Memory limit for data; 0 means none (default 0)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return SizeIn(t, 0, UINT64_MAX, &v->maxmemory, w);
     },
     [](const ConfigValues& v) { return absl::StrCat(v.maxmemory); }},
    {"maxmemory-policy", true, false, "POLICY", "Eviction policy at maxmemory (default noeviction)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return OneOf(t, kPolicies, &v->maxmemory_policy, w);
     },
     [](const ConfigValues& v) { return std::string(kPolicies[v.maxmemory_policy]); }},
    {"maxmemory-samples", true, false, "N",
     "Keys sampled per eviction to find the best one to evict (default 5; Redis' range, but "
     "more than 1024 sample no more)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 1, INT_MAX, &v->maxmemory_samples, w);
     },
     [](const ConfigValues& v) { return Int(v.maxmemory_samples); }},
    {"slowlog-log-slower-than", true, false, "USEC",
     "SLOWLOG keeps commands that took at least this many microseconds; -1 none (default 10000)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, -1, INT64_MAX, &v->slowlog_log_slower_than, w);
     },
     [](const ConfigValues& v) { return Int(v.slowlog_log_slower_than); }},
    {"slowlog-max-len", true, false, "N", "SLOWLOG keeps at most this many entries (default 128)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 0, INT64_MAX, &v->slowlog_max_len, w);
     },
     [](const ConfigValues& v) { return Int(v.slowlog_max_len); }},
    {"hll-sparse-max-bytes", true, false, "SIZE",
     "A HyperLogLog stays sparse up to this many bytes, header included (default 3000)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return SizeIn(t, 0, INT64_MAX, &v->hll_sparse_max_bytes, w);
     },
     [](const ConfigValues& v) { return absl::StrCat(v.hll_sparse_max_bytes); }},
    {"tracking-table-max-keys", true, false, "N",
     "CLIENT TRACKING remembers at most about this many keys; past it, keys are forgotten and "
     "their readers invalidated (0: no limit; default 1000000)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 0, INT64_MAX, &v->tracking_table_max_keys, w);
     },
     [](const ConfigValues& v) { return Int(v.tracking_table_max_keys); }},
    {"lfu-log-factor", true, false, "N",
     "How slowly the LFU access counter grows: lower counts more finely (default 10)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 0, INT_MAX, &v->lfu_log_factor, w);
     },
     [](const ConfigValues& v) { return Int(v.lfu_log_factor); }},
    {"lfu-decay-time", true, false, "MINUTES",
     "The LFU access counter loses one per this many minutes without access (default 1)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 0, INT_MAX, &v->lfu_decay_time, w);
     },
     [](const ConfigValues& v) { return Int(v.lfu_decay_time); }},
    {"save", true, true, "RULES", "Snapshot rules '<seconds> <changes>...'; accepted, not used yet",
     ParseSave, [](const ConfigValues& v) { return v.save; }},
    {"appendonly", true, false, "no", "Append-only file; only 'no' for now (default no)",
     ParseAppendonly,
     [](const ConfigValues& v) { return std::string(v.appendonly ? "yes" : "no"); }},
    {"rdbcompression", true, false, "yes|no",
     "LZF-compress strings over 20 bytes in DUMP payloads, as Redis does (default yes)",
     ParseRdbcompression,
     [](const ConfigValues& v) { return std::string(v.rdbcompression ? "yes" : "no"); }},
    {"dir", false, false, "PATH", "Directory for data files (default .)", ParseDir, FormatDir},
    {"io-engine", false, false, "ENGINE",
     "Event loop: io_uring, epoll, or auto (io_uring where the kernel has it; default auto)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       for (std::string_view e : {"auto", "io_uring", "epoll"}) {
         if (IEq(t, e)) {
           v->io_engine = std::string(e);
           return true;
         }
       }
       w->redis = "argument must be one of the following: auto, io_uring, epoll";
       w->human = "must be auto, io_uring or epoll";
       return false;
     },
     [](const ConfigValues& v) { return v.io_engine; }},
    {"io-batch-wait-us", true, false, "USEC",
     "io_uring only: when many clients are busy, let a worker wait up to this long for more "
     "requests before it wakes (less CPU per request, up to this much more latency; default 0, "
     "off)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       return IntFieldIn(t, 0, kMaxBatchWaitUs, &v->io_batch_wait_us, w);
     },
     [](const ConfigValues& v) { return Int(v.io_batch_wait_us); }},
    {"hash-max-listpack-entries", true, false, "N",
     "Hashes up to this many fields stay packed (default 512, as Redis 7.0)", ParseEncoding<0>,
     FormatEncoding<0>},
    {"hash-max-listpack-value", true, false, "SIZE",
     "Hashes whose fields and values are all this short stay packed (default 64)", ParseEncoding<1>,
     FormatEncoding<1>},
    {"set-max-intset-entries", true, false, "N",
     "Sets of integers up to this many members stay an intset (default 512)", ParseEncoding<2>,
     FormatEncoding<2>},
    {"set-max-listpack-entries", true, false, "N",
     "Sets up to this many members stay packed (default 128)", ParseEncoding<3>, FormatEncoding<3>},
    {"set-max-listpack-value", true, false, "SIZE",
     "Sets whose members are all this short stay packed (default 64)", ParseEncoding<4>,
     FormatEncoding<4>},
    {"zset-max-listpack-entries", true, false, "N",
     "Sorted sets up to this many members stay packed (default 128)", ParseEncoding<5>,
     FormatEncoding<5>},
    {"zset-max-listpack-value", true, false, "SIZE",
     "Sorted sets whose members are all this short stay packed (default 64)", ParseEncoding<6>,
     FormatEncoding<6>},
    {"list-max-listpack-size", true, false, "N",
     "List node size: entries if positive, -1..-5 for 4..64 KiB (default -2)", ParseEncoding<7>,
     FormatEncoding<7>},
    {"list-compress-depth", true, false, "N",
     "List nodes kept uncompressed at each end; those between are compressed, 0 = none "
     "(default 1; Redis' default is 0)",
     ParseEncoding<8>, FormatEncoding<8>},
    {"notify-keyspace-events", true, false, "CLASSES",
     "Keyspace notification classes, Redis' letters: K E g $ l s h z x e t m d n A (default "
     "empty: off)",
     [](std::string_view t, ConfigValues* v, Problem* w) {
       if (ParseNotifyFlags(t, &v->notify_keyspace_events)) return true;
       w->redis = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
       w->human = "must be made of the letters Ag$lshzxeKEtmdn";
       return false;
     },
     [](const ConfigValues& v) { return FormatNotifyFlags(v.notify_keyspace_events); }},
    // Redis 7 still answers to the pre-7 names.
    {"hash-max-ziplist-entries", true, false, "N", "Alias of hash-max-listpack-entries",
     ParseEncoding<0>, FormatEncoding<0>},
    {"hash-max-ziplist-value", true, false, "SIZE", "Alias of hash-max-listpack-value",
     ParseEncoding<1>, FormatEncoding<1>},
    {"zset-max-ziplist-entries", true, false, "N", "Alias of zset-max-listpack-entries",
     ParseEncoding<5>, FormatEncoding<5>},
    {"zset-max-ziplist-value", true, false, "SIZE", "Alias of zset-max-listpack-value",
     ParseEncoding<6>, FormatEncoding<6>},
    {"list-max-ziplist-size", true, false, "N", "Alias of list-max-listpack-size", ParseEncoding<7>,
     FormatEncoding<7>},
};

const Param* FindParam(std::string_view name) {
  for (const Param& p : kParams) {
    if (IEq(p.name, name)) return &p;
  }
  return nullptr;
}

size_t IndexOf(const Param* p) { return static_cast<size_t>(p - kParams); }

void PrintError(std::string_view line) { std::cerr << "shoal-server: " << line << std::endl; }

}  // namespace

namespace {
// Letter and class, in the order Redis prints them.
constexpr std::pair<char, int> kNotifyLetters[] = {
    {'g', kNotifyGeneric},  {'$', kNotifyString}, {'l', kNotifyList},    {'s', kNotifySet},
    {'h', kNotifyHash},     {'z', kNotifyZset},   {'x', kNotifyExpired}, {'e', kNotifyEvicted},
    {'t', kNotifyStream},   {'d', kNotifyModule}, {'n', kNotifyNew},     {'K', kNotifyKeyspace},
    {'E', kNotifyKeyevent}, {'m', kNotifyKeyMiss}};
}  // namespace

bool ParseNotifyFlags(std::string_view s, int* flags) {
  int f = 0;
  for (char c : s) {
    if (c == 'A') {
      f |= kNotifyAll;
      continue;
    }
    bool found = false;
    for (auto [letter, cls] : kNotifyLetters) {
      if (letter == c) {
        f |= cls;
        found = true;
      }
    }
    if (!found) return false;
  }
  *flags = f;
  return true;
}

std::string FormatNotifyFlags(int flags) {
  std::string out;
  // With every 'A' class set Redis 7.0 prints "A" and skips the letters after it up to 'n'.
  bool all = (flags & kNotifyAll) == kNotifyAll;
  if (all) out += 'A';
  for (auto [letter, cls] : kNotifyLetters) {
    bool in_a_group = cls & (kNotifyAll | kNotifyNew);
    if (all && in_a_group) continue;
    if (flags & cls) out += letter;
  }
  return out;
}

bool ParseMemorySize(std::string_view s, uint64_t* out) {
  size_t digits = 0;
  while (digits < s.size() && absl::ascii_isdigit(s[digits])) ++digits;
  if (digits == 0) return false;
  const std::string_view unit = s.substr(digits);
  uint64_t mul;
  if (unit.empty() || IEq(unit, "b")) {
    mul = 1;
  } else if (IEq(unit, "k")) {
    mul = 1000;
  } else if (IEq(unit, "kb")) {
    mul = 1024;
  } else if (IEq(unit, "m")) {
    mul = 1000 * 1000;
  } else if (IEq(unit, "mb")) {
    mul = kMb;
  } else if (IEq(unit, "g")) {
    mul = 1000 * 1000 * 1000;
  } else if (IEq(unit, "gb")) {
    mul = 1024 * kMb;
  } else {
    return false;
  }
  uint64_t n;
  // Redis wraps silently on overflow ("17179869184gb" becomes 0); refusing is safer.
  if (!absl::SimpleAtoi(AV(s.substr(0, digits)), &n) || n > UINT64_MAX / mul) return false;
  *out = n * mul;
  return true;
}

OutputBufferLimit Config::AtomicLimit::Load() const {
  return {hard.load(std::memory_order_relaxed), soft.load(std::memory_order_relaxed),
          soft_seconds.load(std::memory_order_relaxed)};
}

void Config::AtomicLimit::Store(const OutputBufferLimit& l) {
  hard.store(l.hard, std::memory_order_relaxed);
  soft.store(l.soft, std::memory_order_relaxed);
  soft_seconds.store(l.soft_seconds, std::memory_order_relaxed);
}

Config::Config() {
  const ConfigValues defaults;
  port_ = defaults.port;
  bind_ = defaults.bind;
  unixsocket_ = defaults.unixsocket;
  unixsocketperm_ = defaults.unixsocketperm;
  threads_ = defaults.threads;
  databases_ = defaults.databases;
  logfile_ = defaults.logfile;
  dir_ = defaults.dir;
  io_engine_ = defaults.io_engine;
  MutexLock lock(&mu_);
  PublishRuntime(defaults);
}

int Config::ParseCommandLine(int argc, char** argv) {
  CLI::App app{"Shoal: a Redis-compatible in-memory cache server.", "shoal-server"};
  CLI::Option* config_opt = app.set_config("--config", "",
                                           "Read options from a TOML-style file (name = value); "
                                           "options on the command line win");
  config_opt->type_name("FILE");
  auto config_file = [config_opt] {
    return config_opt->results().empty() ? std::string() : config_opt->results().back();
  };
  app.set_version_flag("--version", "Shoal server v=" SHOAL_VERSION);
  // Leftovers are reported by us, in one line, instead of CLI11's multi-line message.
  app.allow_extras(true);
  app.allow_config_extras(CLI::config_extras_mode::error);

  std::vector<CLI::Option*> opts;
  for (const Param& p : kParams) {
    CLI::Option* o = app.add_option(absl::StrCat("--", AV(p.name)));
    o->description(std::string(p.help));
    o->type_name(std::string(p.type));
    if (p.multi) {
      // Redis style "--save 3600 1 300 100": the words up to the next option are one value.
      o->expected(1, CLI::detail::expected_max_vector_size)
          ->allow_extra_args(true)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    } else {
      // As in Redis, a repeated option keeps its last value.
      o->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
    opts.push_back(o);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << std::endl;
    return 0;
  } catch (const CLI::FileError&) {
    PrintError(absl::StrCat("cannot read config file '", config_file(), "'"));
    return 2;
  } catch (const CLI::ConfigError& e) {
    // CLI11 words an unknown key "INI was not able to parse <key>"; keep only the key.
    constexpr std::string_view kPrefix = "INI was not able to parse ";
    std::string_view what = e.what();
    if (absl::StartsWith(AV(what), AV(kPrefix))) {
      what.remove_prefix(kPrefix.size());
      // Shoal's options have no sections; CLI11 reports a "[name]" line as "name.++".
      if (absl::EndsWith(AV(what), ".++")) {
        what.remove_suffix(3);
        PrintError(absl::StrCat("unknown section '[", AV(what), "]' in config file '",
                                config_file(), "'"));
        return 2;
      }
      PrintError(
          absl::StrCat("unknown option '", AV(what), "' in config file '", config_file(), "'"));
    } else {
      PrintError(absl::StrCat("config file '", config_file(), "': ", AV(what)));
    }
    return 2;
  } catch (const CLI::ArgumentMismatch& e) {
    // CLI11 takes whatever word follows an option as its value, so a value can only be
    // missing after the last word.
    if (argc > 1 && absl::StartsWith(argv[argc - 1], "-")) {
      PrintError(absl::StrCat("option '", argv[argc - 1], "' requires a value"));
    } else {
      PrintError(e.what());
    }
    return 2;
  } catch (const CLI::ParseError& e) {
    PrintError(e.what());
    return 2;
  }

  const std::vector<std::string> extras = app.remaining();
  if (!extras.empty()) {
    const std::string& first = extras.front();
    if (absl::StartsWith(first, "-")) {
      PrintError(absl::StrCat("unknown option '", first.substr(0, first.find('=')), "'"));
    } else {
      PrintError(absl::StrCat("unexpected argument '", first, "'"));
    }
    return 2;
  }

  ConfigValues v;
  for (size_t i = 0; i < opts.size(); ++i) {
    if (opts[i]->count() == 0) continue;
    const std::vector<std::string>& results = opts[i]->results();
    std::string text;
    if (kParams[i].multi) {
      // Words and quoted groups alike end up as one space-separated value.
      std::vector<std::string_view> words;
      for (const std::string& r : results) {
        if (!r.empty()) words.push_back(r);
      }
      text = JoinViews(words, " ");
    } else if (!results.empty()) {
      text = results.back();
    }
    Problem why;
    if (!kParams[i].parse(text, &v, &why)) {
      PrintError(absl::StrCat("invalid value '", text, "' for '", AV(kParams[i].name),
                              "': ", why.human.empty() ? why.redis : why.human));
      return 2;
    }
  }

  port_ = v.port;
  bind_ = v.bind;
  unixsocket_ = v.unixsocket;
  unixsocketperm_ = v.unixsocketperm;
  threads_ = v.threads;
  databases_ = v.databases;
  logfile_ = v.logfile;
  dir_ = v.dir;
  io_engine_ = v.io_engine;
  MutexLock lock(&mu_);
  PublishRuntime(v);
  return -1;
}

std::string Config::requirepass() const {
  MutexLock lock(&mu_);
  return requirepass_;
}

int Config::maxclients() const {
  return static_cast<int>(std::min<int64_t>(maxclients_.load(std::memory_order_relaxed), INT_MAX));
}

std::string Config::loglevel() const {
  return std::string(kLogLevels[loglevel_.load(std::memory_order_relaxed)]);
}

std::string Config::maxmemory_policy() const {
  return std::string(kPolicies[maxmemory_policy_.load(std::memory_order_relaxed)]);
}

ConfigValues Config::Current() const {
  ConfigValues v;
  v.port = port_;
  v.bind = bind_;
  v.unixsocket = unixsocket_;
  v.unixsocketperm = unixsocketperm_;
  v.threads = threads_;
  v.databases = databases_;
  v.logfile = logfile_;
  v.dir = dir_;
  v.io_engine = io_engine_;
  v.requirepass = requirepass_;
  v.maxclients = maxclients_.load(std::memory_order_relaxed);
  v.timeout = timeout_.load(std::memory_order_relaxed);
  v.loglevel = loglevel_.load(std::memory_order_relaxed);
  v.proto_max_bulk_len = proto_max_bulk_len_.load(std::memory_order_relaxed);
  v.client_query_buffer_limit = client_query_buffer_limit_.load(std::memory_order_relaxed);
  for (int i = 0; i < kClassCount; ++i) v.limits[i] = output_limits_[i].Load();
  v.expire_jitter_pct = expire_jitter_pct_.load(std::memory_order_relaxed);
  v.io_batch_wait_us = io_batch_wait_us_.load(std::memory_order_relaxed);
  v.hz = hz_.load(std::memory_order_relaxed);
  v.maxmemory = maxmemory_.load(std::memory_order_relaxed);
  v.maxmemory_policy = maxmemory_policy_.load(std::memory_order_relaxed);
  v.maxmemory_samples = maxmemory_samples_.load(std::memory_order_relaxed);
  v.slowlog_log_slower_than = slowlog_log_slower_than_.load(std::memory_order_relaxed);
  v.slowlog_max_len = slowlog_max_len_.load(std::memory_order_relaxed);
  v.hll_sparse_max_bytes = hll_sparse_max_bytes_.load(std::memory_order_relaxed);
  v.tracking_table_max_keys = tracking_table_max_keys_.load(std::memory_order_relaxed);
  v.lfu_log_factor = lfu_log_factor_;
  v.lfu_decay_time = lfu_decay_time_;
  v.save = save_;
  v.appendonly = appendonly_.load(std::memory_order_relaxed);
  v.rdbcompression = rdbcompression_.load(std::memory_order_relaxed);
  v.notify_keyspace_events = notify_keyspace_events_.load(std::memory_order_relaxed);
  for (int i = 0; i < 9; ++i) v.encoding[i] = EncodingLimits::Get(Limits().*kEncodingFields[i]);
  return v;
}

void Config::PublishRuntime(const ConfigValues& v) {
  requirepass_ = v.requirepass;
  has_requirepass_.store(!v.requirepass.empty(), std::memory_order_release);
  maxclients_.store(v.maxclients, std::memory_order_relaxed);
  timeout_.store(v.timeout, std::memory_order_relaxed);
  loglevel_.store(v.loglevel, std::memory_order_relaxed);
  proto_max_bulk_len_.store(v.proto_max_bulk_len, std::memory_order_relaxed);
  client_query_buffer_limit_.store(v.client_query_buffer_limit, std::memory_order_relaxed);
  for (int i = 0; i < kClassCount; ++i) output_limits_[i].Store(v.limits[i]);
  expire_jitter_pct_.store(v.expire_jitter_pct, std::memory_order_relaxed);
  io_batch_wait_us_.store(v.io_batch_wait_us, std::memory_order_relaxed);
  hz_.store(v.hz, std::memory_order_relaxed);
  maxmemory_.store(v.maxmemory, std::memory_order_relaxed);
  maxmemory_policy_.store(v.maxmemory_policy, std::memory_order_relaxed);
  maxmemory_samples_.store(v.maxmemory_samples, std::memory_order_relaxed);
  slowlog_log_slower_than_.store(v.slowlog_log_slower_than, std::memory_order_relaxed);
  slowlog_max_len_.store(v.slowlog_max_len, std::memory_order_relaxed);
  hll_sparse_max_bytes_.store(v.hll_sparse_max_bytes, std::memory_order_relaxed);
  tracking_table_max_keys_.store(v.tracking_table_max_keys, std::memory_order_relaxed);
  lfu_log_factor_ = v.lfu_log_factor;
  lfu_decay_time_ = v.lfu_decay_time;
  const bool lfu = v.maxmemory_policy == kVolatileLfu || v.maxmemory_policy == kAllkeysLfu;
  const bool fifo = v.maxmemory_policy == kVolatileFifo || v.maxmemory_policy == kAllkeysFifo;
  SetKeyClock(lfu    ? KeyClock::kLfu
              : fifo ? KeyClock::kFifo
                     : KeyClock::kLru,
              v.lfu_log_factor, v.lfu_decay_time);
  save_ = v.save;
  appendonly_.store(v.appendonly, std::memory_order_relaxed);
  rdbcompression_.store(v.rdbcompression, std::memory_order_relaxed);
  notify_keyspace_events_.store(v.notify_keyspace_events, std::memory_order_relaxed);
  for (int i = 0; i < 9; ++i) {
    (Limits().*kEncodingFields[i]).store(v.encoding[i], std::memory_order_relaxed);
  }
}

std::vector<std::pair<std::string, std::string>> Config::Get(
    std::span<const std::string_view> patterns) const {
  ConfigValues v;
  {
    MutexLock lock(&mu_);
    v = Current();
  }
  std::vector<std::pair<std::string, std::string>> out;
  bool seen[std::size(kParams)] = {};
  for (std::string_view pattern : patterns) {
    if (IsPlainPattern(pattern)) {
      const Param* p = FindParam(pattern);
      if (p != nullptr && !seen[IndexOf(p)]) {
        seen[IndexOf(p)] = true;
        out.emplace_back(std::string(pattern), p->format(v));
      }
      continue;
    }
    for (const Param& p : kParams) {
      if (!seen[IndexOf(&p)] && GlobMatch(pattern, p.name, /*nocase=*/true)) {
        seen[IndexOf(&p)] = true;
        out.emplace_back(std::string(p.name), p.format(v));
      }
    }
  }
  return out;
}

absl::Status Config::Set(std::span<const std::pair<std::string_view, std::string_view>> pairs) {
  if (pairs.empty()) {
    return absl::InvalidArgumentError("ERR wrong number of arguments for 'config|set' command");
  }
  auto failed = [](std::string_view name, std::string_view reason) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ERR CONFIG SET failed (possibly related to argument '", AV(name), "') - ", AV(reason)));
  };
  // Names first, as Redis does: an unknown or immutable name anywhere fails the whole call
  // before any value is looked at.
  std::vector<const Param*> params;
  params.reserve(pairs.size());
  for (const auto& [name, value] : pairs) {
    const Param* p = FindParam(name);
    if (p == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ERR Unknown option or number of arguments for CONFIG SET - '", AV(name), "'"));
    }
    if (!p->runtime) return failed(p->name, "can't set immutable config");
    if (std::find(params.begin(), params.end(), p) != params.end()) {
      return failed(p->name, "duplicate parameter");
    }
    params.push_back(p);
  }

  std::function<void(std::string_view)> on_change;
  {
    MutexLock lock(&mu_);
    ConfigValues v = Current();
    for (size_t i = 0; i < pairs.size(); ++i) {
      Problem why;
      if (!params[i]->parse(pairs[i].second, &v, &why)) return failed(params[i]->name, why.redis);
    }
    PublishRuntime(v);
    on_change = on_change_;
  }
  if (on_change) {
    for (const Param* p : params) on_change(p->name);
  }
  return absl::OkStatus();
}

void Config::set_on_change(std::function<void(std::string_view name)> fn) {
  MutexLock lock(&mu_);
  on_change_ = std::move(fn);
}

}  // namespace shoal
