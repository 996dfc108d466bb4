// The process: listeners, workers, the client registry.
#include "server/net/server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "absl/strings/str_cat.h"
#include "server/net/connection.h"
#include "server/net/uring.h"
#include "server/net/worker.h"
#include "spdlog/spdlog.h"

namespace shoal {

void ClientRegistry::Add(Connection* c) {
  MutexLock l(&mu_);
  clients_[c->id] = c;
}

void ClientRegistry::Remove(Connection* c) {
  MutexLock l(&mu_);
  clients_.erase(c->id);
}

size_t ClientRegistry::size() const {
  MutexLock l(&mu_);
  return clients_.size();
}

namespace {
int ShardCountFor(int threads) {
  // Several shards per worker keep lock contention low; a power of two that divides the 16384
  // slots keeps slot -> shard a mask.
  int want = std::max(16, threads * 16);
  int n = 1;
  while (n < want && n < 16384) n <<= 1;
  return n;
}

std::string RandomHex(size_t n) {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  for (auto& ch : s) ch = kHex[gen() % 16];
  return s;
}
}  // namespace

Server::Server(Config* config) : config_(config) {
  start_time_ms_ = NowMs();
  run_id_ = RandomHex(40);
  lastsave_sec.store(start_time_ms_ / 1000);
  store_ = std::make_unique<Store>(ShardCountFor(config_->threads()), config_->databases());
}

Server::~Server() {
  workers_.clear();
  for (int fd : listen_fds_) close(fd);
  if (!config_->unixsocket().empty()) unlink(config_->unixsocket().c_str());
}

int Server::Listen(const std::string& addr, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  std::string host = addr;
  if (!host.empty() && host[0] == '-') host = host.substr(1);  // Redis' "-::1" = optional address
  addrinfo* res = nullptr;
  int rc =
      getaddrinfo(host == "*" ? nullptr : host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (rc != 0) {
    spdlog::error("cannot resolve bind address '{}': {}", addr, gai_strerror(rc));
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 511) == 0) {
      if (port == 0) {
        sockaddr_storage ss{};
        socklen_t len = sizeof(ss);
        getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
        bound_port_ = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
      }
      break;
    }
    spdlog::error("cannot listen on {}:{}: {}", addr, port, strerror(errno));
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

int Server::ListenUnix(const std::string& path, int perm) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) {
    spdlog::error("unixsocket path too long: {}", path);
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path.data(), path.size());
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(fd, 511) != 0) {
    spdlog::error("cannot listen on unix socket {}: {}", path, strerror(errno));
    close(fd);
    return -1;
  }
  if (perm) chmod(path.c_str(), static_cast<mode_t>(perm));
  return fd;
}

bool Server::Start() {
  bound_port_ = config_->port();
  std::vector<std::pair<int, bool>> fds;
  if (config_->port() != 0 || config_->unixsocket().empty()) {
    for (const auto& addr : config_->bind()) {
      int fd = Listen(addr, config_->port());
      if (fd < 0) {
        if (!addr.empty() && addr[0] == '-') continue;
        return false;
      }
      fds.emplace_back(fd, false);
    }
  }
  if (!config_->unixsocket().empty()) {
    int fd = ListenUnix(config_->unixsocket(), config_->unixsocketperm());
    if (fd < 0) return false;
    fds.emplace_back(fd, true);
  }
  if (config_->io_engine() != "epoll") {
    std::string why;
    io_uring_enabled_ = Uring::Supported(&why, &io_batch_wait_available_);
    io_batch_wait_available_ = io_batch_wait_available_ && io_uring_enabled_;
    if (!io_uring_enabled_) {
      if (config_->io_engine() == "io_uring") {
        spdlog::error("io-engine io_uring: not available here ({})", why);
        return false;
      }
      spdlog::info("io_uring not available ({}); the event loop uses epoll", why);
    }
  }
  int n = config_->threads();
  for (int i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>(this, i));
  for (auto& [fd, is_unix] : fds) {
    listen_fds_.push_back(fd);
    for (auto& w : workers_) w->AddListener(fd, is_unix);
  }
  for (auto& w : workers_) w->Start();
  spdlog::info("shoal-server ready: {} worker threads ({}), {} shards, port {}{}", n,
               io_uring_enabled_ ? "io_uring" : "epoll", store_->num_shards(), bound_port_,
               config_->unixsocket().empty() ? "" : ", unix socket " + config_->unixsocket());
  return true;
}

Worker& Server::NextWorker() {
  return *workers_[rr_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

void Server::RequestShutdown() {
  if (shutdown_.exchange(true)) return;
  for (auto& w : workers_) w->Post([](Worker&) {});
}

void Server::Pause(PauseMode mode, int64_t end_ms) {
  MutexLock l(&pause_mu_);
  int old = pause_mode_.load(std::memory_order_relaxed);
  int64_t old_end = pause_end_ms_.load(std::memory_order_relaxed);
  if (old != kPauseNone && NowMs() >= old_end) old = kPauseNone;  // the last pause had ended
  if (old == kPauseNone) old_end = 0;
  pause_end_ms_.store(std::max(old_end, end_ms), std::memory_order_relaxed);
  pause_mode_.store(std::max<int>(old, mode), std::memory_order_release);
}

void Server::Unpause() {
  {
    MutexLock l(&pause_mu_);
    pause_mode_.store(kPauseNone, std::memory_order_release);
    pause_end_ms_.store(0, std::memory_order_relaxed);
  }
  for (auto& w : workers_) w->Post([](Worker& wk) { wk.ResumePostponed(); });
}

void Server::Wait() {
  for (auto& w : workers_) w->Join();
}

}  // namespace shoal
