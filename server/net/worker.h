// A worker thread: one epoll loop that owns its connections, runs their commands and its cron.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/net/iobuf.h"
#include "server/net/uring.h"
#include "server/util/cycle_clock.h"
#include "server/util/mutex.h"

namespace shoal {

class Connection;
class DbTable;
class Server;

struct alignas(8) ListenTag {
  int fd;
  bool is_unix;
};

// Counters a worker writes alone and INFO reads from other threads (relaxed atomics: a plain
// store on x86, no shared cache line between workers).
struct CommandStats {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> usec{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<uint64_t> rejected{0};
};

inline void Bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

struct WorkerStats {
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> net_in{0};
  std::atomic<uint64_t> net_out{0};
  std::atomic<uint64_t> keyspace_hits{0};
  std::atomic<uint64_t> keyspace_misses{0};
  std::atomic<uint64_t> expired_active{0};
  std::atomic<uint64_t> evicted_keys{0};
  std::atomic<uint64_t> connections{0};
  std::vector<CommandStats> per_command;
};

class Worker {
 public:
  Worker(Server* server, int index);
  ~Worker();

  void Start();
  void Join();
  // Runs fn on this worker's thread (cross-thread hand-off through an MPSC queue + eventfd).
  void Post(std::function<void(Worker&)> fn);
  void AddListener(int fd, bool is_unix);

  int index() const { return index_; }
  // The worker running on this thread, or nullptr off the worker threads.
  static Worker* Current();
  Server& server() { return *server_; }
  WorkerStats& stats() { return stats_; }
  int64_t now_ms() const { return now_ms_; }

  // Adopts an accepted socket (called on this worker's thread).
  void Adopt(int fd, uint64_t id, bool is_unix);
  // Closes a connection at the end of the current loop iteration.
  void Close(Connection* c);
  // A live connection of this worker by client id, or nullptr.
  Connection* FindConnection(uint64_t id);
  // Writes c's pending output at the end of the current loop iteration: replies to what was
  // read in this round, and Pub/Sub deliveries (several messages to one subscriber leave in one
  // write).
  void ScheduleFlush(Connection* c);

  // Blocking commands: the deadlines of parked clients (deadline ms, client id, block seq), and
  // going on with a client's held input once it is unparked.
  void AddBlockDeadline(int64_t deadline_ms, uint64_t conn_id, uint64_t seq) {
    block_deadlines_.insert({deadline_ms, conn_id, seq});
  }
  void RemoveBlockDeadline(int64_t deadline_ms, uint64_t conn_id, uint64_t seq) {
    block_deadlines_.erase({deadline_ms, conn_id, seq});
  }
  std::set<std::tuple<int64_t, uint64_t, uint64_t>>& block_deadlines() { return block_deadlines_; }
  void ResumeInput(Connection* c);
  // CLIENT PAUSE: holds c's input from the command that met the pause on, and lets the held
  // clients go on, in the order they were held, once no pause holds them (each re-checks).
  void Postpone(Connection* c);
  void ResumePostponed();

  // Commands of a pipelined batch are timed back to back, one clock read per command: each one
  // ends where the next one starts. Outside a batch a command reads the clock itself.
  uint64_t CommandStart() const { return batch_tick_ ? batch_tick_ : CycleNow(); }
  void CommandEnded(uint64_t end) {
    if (batch_tick_) batch_tick_ = end;
  }

 private:
  void Run();
  // One round of the epoll loop, and of the io_uring loop: wait for events, handle them.
  bool PollEpoll(int timeout_ms);
  bool PollUring(int timeout_ms);
  void PrefetchReceivedKeys();
  int NextTimeout() const;
  void EndOfRound();
  void Accept(int listen_fd, bool is_unix);
  void OnAccepted(int fd, bool is_unix);
  // Reads once and runs what came; true when the read filled the buffer (more may be waiting).
  bool OnReadable(Connection* c);
  void OnWritable(Connection* c);
  // Bytes a connection sent, from a read or a receive completion: run them, or keep them for
  // later when the connection is paused or blocked.
  void OnInput(Connection* c, const char* data, size_t n);
  void FinishInput(Connection* c);
  // io_uring: completions, and starting a send of what a connection has pending.
  void OnCompletion(const io_uring_cqe& cqe);
  void OnRecvCompletion(Connection* c, const io_uring_cqe& cqe);
  void OnSendCompletion(Connection* c, int res);
  void StartSend(Connection* c);
  // io_uring: cancels every request and waits (bounded) for their completions before exit.
  void DrainUring();
  // Parses and runs every complete command in data; returns the bytes consumed.
  size_t ProcessInput(Connection* c, std::string_view data);
  size_t PauseThreshold() const;
  void AfterBatch(Connection* c);
  bool Flush(Connection* c);
  void UpdateInterest(Connection* c);
  void DrainMailbox();
  void Cron();
  void ReapClosed();

  Server* server_;
  int index_;
  int epfd_ = -1;
  int eventfd_ = -1;
  std::thread thread_;
  int64_t now_ms_ = 0;
  uint64_t batch_tick_ = 0;  // CycleNow() at the end of the batch's last command, 0 outside one
  int64_t next_cron_ms_ = 0;
  bool evicting_ = false;  // over maxmemory with more to evict: the loop goes on between slices
  uint32_t expire_shard_cursor_ = 0;
  // Input batches processed, and its value at the previous cron: a cron that finds it unchanged
  // knows the worker was idle for a whole period and releases its allocator cache (once).
  uint64_t batches_ = 0;
  uint64_t batches_at_cron_ = 0;
  bool cache_released_ = true;

  std::vector<Connection*> conns_;
  absl::flat_hash_map<uint64_t, Connection*> by_id_;
  std::vector<Connection*> closed_;
  // Closed connections that io_uring requests still refer to: deleted at their last completion.
  std::vector<Connection*> zombies_;
  std::vector<uint64_t> to_flush_;
  std::vector<uint64_t> flushing_;  // to_flush_ as EndOfRound takes it (kept for its capacity)
  std::set<std::tuple<int64_t, uint64_t, uint64_t>> block_deadlines_;
  std::vector<uint64_t> postponed_;  // ids of connections held by CLIENT PAUSE, in order

  // Commands parsed ahead of running them (ProcessInput): argument views and, per command, its
  // first argument's index, count and end offset in the input. Reused: no allocation per batch.
  struct Parsed {
    uint32_t first;
    uint32_t argc;
    size_t end;
    uint32_t arg1_shard;  // store.ShardOf(args[1]) once the prefetch pass has computed it
    uint64_t arg1_hash;   // and its hash, for the second prefetch pass
  };
  static constexpr size_t kParseAhead = 32;
  std::vector<std::string_view> ahead_args_;
  std::vector<Parsed> ahead_;  // ids: a connection may close before its flush
  std::vector<std::unique_ptr<ListenTag>> listeners_;
  IoBuf scratch_;  // read buffer shared by this worker's connections: idle clients hold none
  // PrefetchReceivedKeys' first pass, for its second: the table and hash of each key.
  struct KeyPrefetch {
    const DbTable* table;
    uint64_t hash;
  };
  static constexpr size_t kMaxRoundPrefetch = 64;
  std::array<KeyPrefetch, kMaxRoundPrefetch> round_prefetch_;
  // Receives, and connections that sent something, in the current and the previous activity
  // window: what a batch wait (io-batch-wait-us) can expect to arrive.
  static constexpr int64_t kActivityWindowMs = 2;
  static constexpr uint64_t kMaxBatchWant = 256;
  void NoteActive(Connection* c);
  uint32_t window_ = 1;
  unsigned active_now_ = 0;
  unsigned active_prev_ = 0;
  unsigned recvs_now_ = 0;                // receives with data in the current window
  unsigned recvs_prev_ = 0;               // and in the previous one
  std::unique_ptr<Uring> uring_;          // the io_uring loop's ring, or nullptr under epoll
  std::vector<ListenTag*> accept_retry_;  // listeners whose accept failed: re-armed at the cron

  Mutex mailbox_mu_;
  std::vector<std::function<void(Worker&)>> mailbox_ ABSL_GUARDED_BY(mailbox_mu_);
  WorkerStats stats_;
};

}  // namespace shoal
