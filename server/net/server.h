// The process: configuration, the store, the workers, the client registry and global stats.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/config.h"
#include "server/store/store.h"
#include "server/util/mutex.h"

namespace shoal {

class Connection;
class Worker;

// Every live connection by id, for CLIENT LIST / KILL and INFO. Touched on connect, disconnect
// and by those commands only, never per request.
class ClientRegistry {
 public:
  void Add(Connection* c);
  void Remove(Connection* c);
  size_t size() const;
  template <typename Fn>
  void ForEach(Fn&& fn) {
    MutexLock l(&mu_);
    for (auto& [id, c] : clients_) fn(c);
  }
  Mutex& mu() { return mu_; }

 private:
  mutable Mutex mu_;
  absl::flat_hash_map<uint64_t, Connection*> clients_ ABSL_GUARDED_BY(mu_);
};

class Server {
 public:
  explicit Server(Config* config);
  ~Server();

  // Binds the listeners and starts the workers. Returns false (after logging why) on failure.
  bool Start();
  // Asks every worker to stop; safe from any thread and from the signal-waiting thread.
  void RequestShutdown();
  bool shutdown_requested() const { return shutdown_.load(std::memory_order_relaxed); }
  // Whether workers run their loop on io_uring (io-engine, and what the kernel offers); decided
  // by Start.
  bool io_uring_enabled() const { return io_uring_enabled_; }
  // Whether io-batch-wait-us has an effect: io_uring on a kernel with batch waits (6.12).
  bool io_batch_wait_available() const { return io_batch_wait_available_; }
  void Wait();

  Config& config() { return *config_; }
  Store& store() { return *store_; }
  ClientRegistry& clients() { return clients_; }
  std::vector<std::unique_ptr<Worker>>& workers() { return workers_; }
  Worker& worker(size_t i) { return *workers_[i]; }
  // Round-robin placement of new connections.
  Worker& NextWorker();

  uint64_t NextClientId() { return next_client_id_.fetch_add(1, std::memory_order_relaxed); }
  int64_t start_time_ms() const { return start_time_ms_; }
  const std::string& run_id() const { return run_id_; }
  int tcp_port() const { return bound_port_; }

  std::atomic<uint64_t> total_connections{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<int64_t> connected_clients{0};
  std::atomic<int64_t> blocked_clients{0};
  std::atomic<int64_t> lastsave_sec{0};

  // CLIENT PAUSE. While a pause is on, commands of normal clients wait (postponed) instead of
  // running: all of them (ALL) or those that write (WRITE); active expiry and eviction wait
  // too. A new pause keeps the stricter mode and the later end of the two, as in Redis.
  enum PauseMode : int { kPauseNone = 0, kPauseWrite = 1, kPauseAll = 2 };
  void Pause(PauseMode mode, int64_t end_ms);
  // CLIENT UNPAUSE: ends the pause and releases every postponed client.
  void Unpause();
  // The mode in force at now_ms. One relaxed load when no pause was ever set.
  PauseMode PauseModeAt(int64_t now_ms) const {
    int mode = pause_mode_.load(std::memory_order_acquire);
    if (mode == kPauseNone) [[likely]] return kPauseNone;
    return now_ms < pause_end_ms_.load(std::memory_order_relaxed) ? static_cast<PauseMode>(mode)
                                                                   : kPauseNone;
  }
  int64_t pause_end_ms() const { return pause_end_ms_.load(std::memory_order_relaxed); }

 private:
  int Listen(const std::string& addr, int port);
  int ListenUnix(const std::string& path, int perm);

  Config* config_;
  std::unique_ptr<Store> store_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<int> listen_fds_;
  ClientRegistry clients_;
  std::atomic<uint64_t> next_client_id_{1};
  std::atomic<uint64_t> rr_{0};
  std::atomic<bool> shutdown_{false};
  Mutex pause_mu_;  // orders Pause/Unpause; readers only load the two atomics
  std::atomic<int> pause_mode_{kPauseNone};
  std::atomic<int64_t> pause_end_ms_{0};
  bool io_uring_enabled_ = false;
  bool io_batch_wait_available_ = false;
  int64_t start_time_ms_;
  std::string run_id_;
  int bound_port_ = 0;
};

}  // namespace shoal
