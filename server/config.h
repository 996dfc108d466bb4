// Server options under Redis' names: command line, config file, and CONFIG GET/SET.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "server/util/mutex.h"

namespace shoal {

struct ConfigValues;  // config.cc

// notify-keyspace-events classes (Redis' letters in comments).
enum NotifyFlag : int {
  kNotifyKeyspace = 1 << 0,  // K
  kNotifyKeyevent = 1 << 1,  // E
  kNotifyGeneric = 1 << 2,   // g
  kNotifyString = 1 << 3,    // $
  kNotifyList = 1 << 4,      // l
  kNotifySet = 1 << 5,       // s
  kNotifyHash = 1 << 6,      // h
  kNotifyZset = 1 << 7,      // z
  kNotifyExpired = 1 << 8,   // x
  kNotifyEvicted = 1 << 9,   // e
  kNotifyStream = 1 << 10,   // t
  kNotifyKeyMiss = 1 << 11,  // m
  kNotifyModule = 1 << 12,   // d
  kNotifyNew = 1 << 13,      // n
  // What 'A' stands for: every class but key-miss and new.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};
// Parses Redis' notify-keyspace-events letters; false on an unknown letter.
bool ParseNotifyFlags(std::string_view s, int* flags);
// Formats flags the way Redis' CONFIG GET does ("AKE", "xK", "glE").
std::string FormatNotifyFlags(int flags);

// One client class' output buffer limit, as in Redis: a client is dropped at once past
// `hard` bytes, or once it has stayed past `soft` bytes for `soft_seconds`. 0 disables a limit.
struct OutputBufferLimit {
  uint64_t hard = 0, soft = 0;
  int64_t soft_seconds = 0;
};

// maxmemory-policy, in the order of the names Redis lists in its error message, then Shoal's.
enum EvictionPolicy : int {
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllkeysLru,
  kAllkeysLfu,
  kAllkeysRandom,
  kNoEviction,
  kAllkeysFifo,
  kVolatileFifo
};

// All options of one process. ParseCommandLine runs once, before any worker starts; after
// that every accessor is safe from any thread. Values CONFIG SET can change are atomics
// (plain loads on the hot path) or guarded by a mutex (the strings).
class Config {
 public:
  Config();
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  // Parses argv, and the file named by --config (TOML style: `port = 6380`,
  // `bind = "127.0.0.1 ::1"`); the command line wins over the file. Returns -1 to go on, or
  // the exit code to leave with: 0 after --help/--version (printed to stdout), 2 after a bad
  // option or value, with one line already printed to stderr.
  int ParseCommandLine(int argc, char** argv);

  // Fixed at start-up.
  int port() const { return port_; }
  const std::vector<std::string>& bind() const { return bind_; }
  std::string unixsocket() const { return unixsocket_; }
  int unixsocketperm() const { return unixsocketperm_; }
  int threads() const { return threads_; }
  int databases() const { return databases_; }
  std::string logfile() const { return logfile_; }
  std::string dir() const { return dir_; }
  // "auto", "io_uring" or "epoll".
  std::string io_engine() const { return io_engine_; }

  // Changeable with CONFIG SET.
  std::string requirepass() const;
  bool has_requirepass() const { return has_requirepass_.load(std::memory_order_acquire); }
  int maxclients() const;
  int64_t timeout() const { return timeout_.load(std::memory_order_relaxed); }
  int notify_keyspace_events() const {
    return notify_keyspace_events_.load(std::memory_order_relaxed);
  }
  std::string loglevel() const;
  uint64_t proto_max_bulk_len() const {
    return proto_max_bulk_len_.load(std::memory_order_relaxed);
  }
  uint64_t client_query_buffer_limit() const {
    return client_query_buffer_limit_.load(std::memory_order_relaxed);
  }
  OutputBufferLimit output_limit_normal() const { return output_limits_[kNormal].Load(); }
  OutputBufferLimit output_limit_replica() const { return output_limits_[kReplica].Load(); }
  OutputBufferLimit output_limit_pubsub() const { return output_limits_[kPubsub].Load(); }
  int expire_jitter_pct() const { return expire_jitter_pct_.load(std::memory_order_relaxed); }
  int io_batch_wait_us() const { return io_batch_wait_us_.load(std::memory_order_relaxed); }
  int hz() const { return hz_.load(std::memory_order_relaxed); }
  uint64_t maxmemory() const { return maxmemory_.load(std::memory_order_relaxed); }
  std::string maxmemory_policy() const;
  EvictionPolicy eviction_policy() const {
    return static_cast<EvictionPolicy>(maxmemory_policy_.load(std::memory_order_relaxed));
  }
  int maxmemory_samples() const { return maxmemory_samples_.load(std::memory_order_relaxed); }
  int64_t slowlog_log_slower_than() const {
    return slowlog_log_slower_than_.load(std::memory_order_relaxed);
  }
  int64_t slowlog_max_len() const { return slowlog_max_len_.load(std::memory_order_relaxed); }
  bool rdbcompression() const { return rdbcompression_.load(std::memory_order_relaxed); }
  uint64_t hll_sparse_max_bytes() const {
    return hll_sparse_max_bytes_.load(std::memory_order_relaxed);
  }
  int64_t tracking_table_max_keys() const {
    return tracking_table_max_keys_.load(std::memory_order_relaxed);
  }

  // CONFIG GET: (name, value) for every parameter matching any of the patterns (globs,
  // case-insensitive), each parameter once, values formatted as Redis formats them. As in
  // Redis 7.0, a pattern without glob characters is an exact lookup and its pair carries the
  // name as the caller spelled it ("CONFIG GET HZ" answers "HZ").
  std::vector<std::pair<std::string, std::string>> Get(
      std::span<const std::string_view> patterns) const;

  // CONFIG SET with Redis 7 semantics: every pair is checked first (unknown name, immutable,
  // duplicate, bad value) and then all are applied, or none. The error message is Redis'
  // reply text without the leading '-'. A concurrent reader may see some of the new values
  // before the others; Sets themselves are serialized.
  absl::Status Set(std::span<const std::pair<std::string_view, std::string_view>> pairs);

  // Called after a successful Set, once per parameter it set (canonical lower-case name),
  // outside any lock; the server applies loglevel this way. May be left empty.
  void set_on_change(std::function<void(std::string_view name)> fn);

 private:
  enum ClientClass { kNormal = 0, kReplica = 1, kPubsub = 2, kClassCount = 3 };

  // Each field is atomic on its own: a reader racing a SET may pair an old hard limit with a
  // new soft one, which is harmless and keeps the reply path free of locks.
  struct AtomicLimit {
    std::atomic<uint64_t> hard{0}, soft{0};
    std::atomic<int64_t> soft_seconds{0};
    OutputBufferLimit Load() const;
    void Store(const OutputBufferLimit& l);
  };

  // Every value as one plain struct: what parsing fills in and formatting reads.
  ConfigValues Current() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Stores the values CONFIG SET may change into the atomics and the guarded strings.
  void PublishRuntime(const ConfigValues& v) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Fixed at start-up: written only by the constructor and ParseCommandLine, before other
  // threads exist. Defaults live in ConfigValues, in one place.
  int port_ = 0;
  std::vector<std::string> bind_;
  std::string unixsocket_;
  int unixsocketperm_ = 0;
  int threads_ = 0;
  int databases_ = 0;
  std::string logfile_;
  std::string dir_;
  std::string io_engine_;

  // Serializes Set and guards the strings; hot numbers live in atomics as well.
  mutable Mutex mu_;
  std::string requirepass_ ABSL_GUARDED_BY(mu_);
  std::string save_ ABSL_GUARDED_BY(mu_);
  std::function<void(std::string_view)> on_change_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> has_requirepass_{false};
  std::atomic<int64_t> maxclients_{0};
  std::atomic<int64_t> timeout_{0};
  std::atomic<int> loglevel_{0};  // index into the level names
  std::atomic<uint64_t> proto_max_bulk_len_{0};
  std::atomic<uint64_t> client_query_buffer_limit_{0};
  AtomicLimit output_limits_[kClassCount];
  std::atomic<int> expire_jitter_pct_{0};
  std::atomic<int> io_batch_wait_us_{0};
  std::atomic<int> hz_{0};
  std::atomic<uint64_t> maxmemory_{0};
  std::atomic<int> maxmemory_policy_{0};  // index into the policy names
  std::atomic<int> maxmemory_samples_{5};
  std::atomic<int64_t> slowlog_log_slower_than_{10000};
  std::atomic<int64_t> slowlog_max_len_{128};
  std::atomic<uint64_t> hll_sparse_max_bytes_{3000};
  std::atomic<int64_t> tracking_table_max_keys_{1000000};
  int lfu_log_factor_ ABSL_GUARDED_BY(mu_) = 10;  // live copies are in the key clock
  int lfu_decay_time_ ABSL_GUARDED_BY(mu_) = 1;
  std::atomic<bool> appendonly_{false};
  std::atomic<bool> rdbcompression_{true};
  std::atomic<int> notify_keyspace_events_{0};
};

// Parses a size the way Redis' config does: a decimal byte count with an optional,
// case-insensitive unit b, k (1000), kb (1024), m, mb, g, gb. No sign, spaces or fraction.
// Returns false on anything else, including a value past 2^64-1.
bool ParseMemorySize(std::string_view s, uint64_t* out);

}  // namespace shoal
