// One shoal-bench client thread: its connections, its epoll loop, its statistics.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_WORKER_H_
#define SHOAL_TOOLS_SHOAL_BENCH_WORKER_H_

#include <atomic>
#include <cstdint>
#include <latch>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "tools/shoal-bench/buffer.h"
#include "tools/shoal-bench/command_template.h"
#include "tools/shoal-bench/histogram.h"
#include "tools/shoal-bench/keygen.h"
#include "tools/shoal-bench/options.h"
#include "tools/shoal-bench/rate.h"
#include "tools/shoal-bench/resp_reader.h"

namespace shoal::bench {

int64_t NowNs();  // CLOCK_MONOTONIC.

// A command type of the run: statistics are kept per spec.
struct CommandSpec {
  CommandTemplate tmpl;
  std::string label;         // Shown in the summary: "SET", "GET", or the template's first word.
  bool counts_hits = false;  // GET: value = hit, nil = miss.
};

// Read-only after start, except the atomics and the start/end times written before `go`.
struct SharedRunState {
  explicit SharedRunState(int threads) : ready(threads) {}

  Options opts;
  std::vector<CommandSpec> commands;
  CommandTemplate preload_tmpl;
  std::string data;  // --data-size max bytes; values are prefixes of it.

  std::atomic<bool> stop{false};     // Abort: errors over budget, signal, setup failure.
  std::atomic<int64_t> failures{0};  // Counted against --max-errors.
  std::latch ready;                  // Every worker connected (and preloaded).
  absl::Notification go;             // Measurement starts; start/end set before.
  int64_t start_ns = 0;
  int64_t end_ns = 0;  // 0: no time limit.
};

struct CommandStats {
  LatencyHistogram hist;
  uint64_t sent = 0;
  uint64_t replies = 0;
  uint64_t errors = 0;  // Error replies.
  uint64_t nils = 0;
  uint64_t lost = 0;  // Sent but never answered (connection lost, timed out).
};

// Everything a worker measured; merged by the runner.
struct ThreadResult {
  std::vector<CommandStats> commands;
  absl::flat_hash_map<std::string, uint64_t> error_messages;
  std::vector<std::string> connection_events;  // Losses, with reasons (capped).
  uint64_t connections_lost = 0;
  uint64_t preload_keys = 0;
  uint64_t preload_errors = 0;
  int64_t preload_end_ns = 0;
  int64_t last_reply_ns = 0;
  uint64_t unsent = 0;  // Fixed rate: requests whose intended time passed but were never sent.
  absl::Status setup;   // Non-OK when connecting or the handshake failed.
};

class Worker {
 public:
  Worker(SharedRunState* shared, int index);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Thread body: connect, preload, wait for `go`, measure, drain.
  void Run();

  ThreadResult& result() { return result_; }

  // Progress, read by the main thread once a second: what completed since the last call.
  struct Progress {
    uint64_t replies = 0;
    uint64_t failures = 0;
  };
  Progress TakeInterval(LatencyHistogram* merge_into);
  uint64_t preloaded() const { return preloaded_.load(std::memory_order_relaxed); }

 private:
  struct InFlight {
    int64_t start_ns;
    uint32_t cmd;
  };
  struct Conn {
    int fd = -1;
    int index = 0;  // Among all connections of the run.
    bool alive = false;
    bool want_out = false;  // EPOLLOUT registered.
    OutBuffer out;
    size_t out_off = 0;
    RespReplyReader reader;
    std::unique_ptr<InFlight[]> ring;
    uint32_t ring_head = 0;
    uint32_t ring_count = 0;
    RateSchedule schedule;
    uint64_t next_seq = 0;
    int64_t waiting_since_ns = 0;  // Last reply, or the send that started a wait.
  };
  enum class Phase { kPreload, kMeasure };
  static constexpr uint32_t kPreloadCmd = UINT32_MAX;

  absl::Status ConnectAll();
  absl::Status ConnectOne(Conn& c);
  void Loop(Phase phase);
  void Wait(int64_t timeout_ns);
  void OnReadable(Conn& c);
  void OnReply(Conn& c, ReplyKind kind, int64_t now);
  bool Flush(Conn& c);
  void SendBatch(Conn& c);
  void SendDue(Conn& c, int64_t now);
  void RenderRequest(Conn& c, int64_t start_ns);
  void Lost(Conn& c, std::string_view why);
  void RecordError(std::string_view message);
  uint32_t PickCommand();
  void AddFailures(uint64_t n);
  void Housekeeping(int64_t now);
  void Publish();
  bool AllIdle() const;

  SharedRunState* shared_;
  const Options& opts_;
  int index_;
  std::vector<Conn> conns_;
  int epfd_ = -1;
  Phase phase_ = Phase::kPreload;
  bool stopping_ = false;  // No more sends; waiting for outstanding replies.
  int64_t drain_deadline_ns_ = 0;
  uint32_t ring_size_ = 1;  // In-flight capacity of every connection.
  uint32_t batch_ = 1;      // Requests per batch / outstanding cap in this phase.
  uint64_t quota_ = 0;      // Requests this thread may still send.
  bool rate_mode_ = false;

  Rng rng_;
  KeyGenerator keys_;
  uint64_t mix_slot_ = 0;
  uint64_t preload_next_ = 0;
  uint64_t preload_end_ = 0;  // Exclusive.
  std::string key_buf_;       // Prefix, then the number is written after it.
  char expiry_buf_[24];

  std::unique_ptr<char[]> in_buf_;
  static constexpr size_t kInBufSize = 256 * 1024;

  ThreadResult result_;
  std::atomic<uint64_t> preloaded_{0};

  // Progress: recorded only when shown; handed over under the mutex once a second.
  bool progress_ = false;
  LatencyHistogram interval_hist_;
  uint64_t interval_replies_ = 0;
  uint64_t interval_failures_ = 0;
  int64_t next_publish_ns_ = 0;
  int64_t next_housekeeping_ns_ = 0;
  absl::Mutex mu_;
  LatencyHistogram mailbox_hist_ ABSL_GUARDED_BY(mu_);
  Progress mailbox_ ABSL_GUARDED_BY(mu_);
};

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_WORKER_H_
