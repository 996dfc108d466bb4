// A worker thread: one epoll loop that owns its connections, runs their commands and its cron.
#include "server/net/worker.h"

#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "server/commands/blocking.h"
#include "server/commands/client_state.h"
#include "server/commands/command.h"
#include "server/commands/eviction.h"
#include "server/commands/tracking.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/store/key_clock.h"
#include "server/store/memory.h"
#include "server/util/string_util.h"
#include "spdlog/spdlog.h"

namespace shoal {

namespace {

// Read size per syscall; a pipelined batch larger than this is handled over several reads.
constexpr size_t kReadChunk = 64 * 1024;
// Past this much unsent output a client's further input waits: a client that pipelines without
// reading its replies holds at most about this much of server memory.
constexpr size_t kPauseOutput = 1 << 20;
// Output buffers larger than this are released once drained.
constexpr size_t kKeepOutputCapacity = 64 * 1024;
// ... and those larger than this once the worker has gone idle.
constexpr size_t kIdleOutputCapacity = 4 * 1024;
// Input buffer a drained connection keeps while it is active; an idle one keeps none.
constexpr size_t kKeptInputCapacity = 16 * 1024;
constexpr int64_t kInputIdleMs = 1000;

// Tags for epoll data.ptr that are not connections.
char g_eventfd_tag;

std::string PeerName(int fd, bool is_unix, bool local) {
  if (is_unix) {
    return local ? "" : "/unix";
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  int rc = local ? getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len)
                 : getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc != 0) return "?:0";
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* s = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
    port = ntohs(s->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* s = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
    port = ntohs(s->sin6_port);
  }
  return Cat(ip, ":", port);
}

}  // namespace

Worker::Worker(Server* server, int index) : server_(server), index_(index) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  eventfd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &g_eventfd_tag;
  epoll_ctl(epfd_, EPOLL_CTL_ADD, eventfd_, &ev);
  stats_.per_command = std::vector<CommandStats>(CommandTable::Get().size());
  now_ms_ = NowMs();
}

Worker::~Worker() {
  for (Connection* c : conns_) {
    server_->clients().Remove(c);
    delete c;
  }
  if (eventfd_ >= 0) close(eventfd_);
  if (epfd_ >= 0) close(epfd_);
}

void Worker::AddListener(int fd, bool is_unix) {
  // Armed when the loop starts (Run), once it is known whether the loop runs on io_uring.
  listeners_.push_back(std::make_unique<ListenTag>(ListenTag{fd, is_unix}));
}

void Worker::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Worker::Join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::Post(std::function<void(Worker&)> fn) {
  {
    MutexLock l(&mailbox_mu_);
    mailbox_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  ssize_t n = write(eventfd_, &one, sizeof(one));
  (void)n;
}

void Worker::DrainMailbox() {
  uint64_t v;
  while (read(eventfd_, &v, sizeof(v)) > 0) {
  }
  std::vector<std::function<void(Worker&)>> tasks;
  {
    MutexLock l(&mailbox_mu_);
    tasks.swap(mailbox_);
  }
  for (auto& t : tasks) t(*this);
}

namespace {
thread_local Worker* tls_worker = nullptr;
}

Worker* Worker::Current() { return tls_worker; }

void Worker::Run() {
  tls_worker = this;
  RegisterMemoryThread();
  if (server_->io_uring_enabled()) {
    std::string why;
    uring_ = Uring::Create(&why);  // on this thread: the only one that submits to it
    if (!uring_) spdlog::warn("worker {}: io_uring unavailable ({}); using epoll", index_, why);
  }
  if (uring_) {
    for (auto& l : listeners_) uring_->Accept(l->fd, Uring::Tag(l.get(), Uring::kAccept));
    uring_->PollIn(eventfd_, Uring::Tag(nullptr, Uring::kPoll));
  } else {
    for (auto& l : listeners_) {
      epoll_event ev{};
      // Every worker waits on the same listening socket; EPOLLEXCLUSIVE wakes one of them, and
      // the accepted socket is then placed round-robin (see OnAccepted). The fd belongs to Server.
      ev.events = EPOLLIN | EPOLLEXCLUSIVE;
      ev.data.ptr = l.get();
      epoll_ctl(epfd_, EPOLL_CTL_ADD, l->fd, &ev);
    }
  }
  while (!server_->shutdown_requested()) {
    const int timeout = NextTimeout();
    if (!(uring_ ? PollUring(timeout) : PollEpoll(timeout))) break;
    EndOfRound();
  }
  if (uring_) DrainUring();
  ReapClosed();
}

int Worker::NextTimeout() const {
  int hz = std::max(1, std::min(500, server_->config().hz()));
  int64_t now = NowMs();
  int timeout = static_cast<int>(std::max<int64_t>(0, next_cron_ms_ - now));
  timeout = std::min(timeout, 1000 / hz);
  if (evicting_) timeout = 0;  // more eviction to do: only look for I/O in between
  if (!block_deadlines_.empty()) {
    int64_t until = std::get<0>(*block_deadlines_.begin()) - now;
    timeout = static_cast<int>(std::clamp<int64_t>(until, 0, timeout));
  }
  if (!postponed_.empty()) {
    int64_t until = server_->pause_end_ms() - now;
    timeout = static_cast<int>(std::clamp<int64_t>(until, 0, timeout));
  }
  return timeout;
}

bool Worker::PollEpoll(int timeout) {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  int n = epoll_wait(epfd_, events, kMaxEvents, timeout);
  if (n < 0 && errno != EINTR) {
    spdlog::error("epoll_wait: {}", strerror(errno));
    return false;
  }
  now_ms_ = NowMs();
  for (int i = 0; i < n; ++i) {
    void* p = events[i].data.ptr;
    if (p == &g_eventfd_tag) {
      DrainMailbox();
      continue;
    }
    bool is_listener = false;
    for (auto& l : listeners_) {
      if (l.get() == p) {
        Accept(l->fd, l->is_unix);
        is_listener = true;
        break;
      }
    }
    if (is_listener) continue;
    auto* c = static_cast<Connection*>(p);
    if (c->closing) continue;
    uint32_t ev = events[i].events;
    if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) OnReadable(c);
    if (!c->closing && (ev & EPOLLOUT)) OnWritable(c);
  }
  return true;
}

void Worker::NoteActive(Connection* c) {
  ++recvs_now_;
  if (c->active_window != window_) {
    c->active_window = window_;
    ++active_now_;
  }
}

bool Worker::PollUring(int timeout) {
  // io-batch-wait-us: wait for as many requests as the recent rate brings in batch_us,
  // but for no more than half the connections lately active (each closed-loop client has one
  // request at a time in flight). Under light load that is 0 or 1 and the wait is the plain one.
  // The window spans at least two batch waits, so that one long wait does not age it away.
  const unsigned batch_us = static_cast<unsigned>(server_->config().io_batch_wait_us());
  const int64_t window_ms = std::max<int64_t>(kActivityWindowMs, (2 * batch_us + 999) / 1000);
  const uint32_t w = static_cast<uint32_t>(now_ms_ / window_ms) + 1;
  if (w != window_) {
    const bool next = w == window_ + 1;
    active_prev_ = next ? active_now_ : 0;
    recvs_prev_ = next ? recvs_now_ : 0;
    active_now_ = 0;
    recvs_now_ = 0;
    window_ = w;
  }
  unsigned want = 0;
  if (batch_us > 0) {
    // The rate over the previous window and the part of this one gone by.
    const uint64_t span_us = static_cast<uint64_t>(window_ms + now_ms_ % window_ms) * 1000;
    const uint64_t expect = (uint64_t{recvs_prev_} + recvs_now_) * batch_us / span_us;
    want = static_cast<unsigned>(
        std::min<uint64_t>({kMaxBatchWant, std::max(active_now_, active_prev_) / 2, expect}));
  }
  // One system call per round: it submits the sends and re-armed receives queued since the last
  // one and waits for completions.
  if (!uring_->Wait(timeout, want, batch_us)) {
    spdlog::error("io_uring wait: {}", strerror(errno));
    return false;
  }
  now_ms_ = NowMs();
  if (uring_->Ready() > 1) PrefetchReceivedKeys();
  uring_->ForEachCompletion([this](const io_uring_cqe& cqe) { OnCompletion(cqe); });
  return true;
}

void Worker::PrefetchReceivedKeys() {
  // Several connections' requests arrived at once (without pipelining, one command each):
  // start the cache misses of their keys' buckets, and then of the first entry of each bucket's
  // chain (when there are at least two), before running any of them, as ProcessInput does within
  // one connection's pipeline. Only a complete first frame at the start of a receive is looked
  // at; a connection with a partial command held is skipped.
  Store& store = server_->store();
  size_t n = 0;  // keys found
  uring_->PeekCompletions([&](const io_uring_cqe& cqe) {
    if (n == kMaxRoundPrefetch) return;
    if (Uring::OpOf(cqe.user_data) != Uring::kRecv || cqe.res <= 0) return;
    const Connection* c = Uring::PtrOf<Connection>(cqe.user_data);
    if (c->closing || !c->in.empty()) return;
    const char* data = uring_->PeekBuffer(cqe);
    std::string_view key;
    if (data == nullptr || !resp::PeekFirstKey({data, static_cast<size_t>(cqe.res)}, &key)) {
      return;
    }
    const DbTable& t = store.shard(store.ShardOf(key)).db(c->db.load(std::memory_order_relaxed));
    round_prefetch_[n++] = {&t, DbTable::KeyHash(key)};
  });
  for (size_t i = 0; i < n; ++i) round_prefetch_[i].table->PrefetchBucket(round_prefetch_[i].hash);
  // With a single key the chain pass would only wait for the bucket here rather than in the
  // lookup; the bucket's miss alone overlaps with parsing and dispatch.
  if (n < 2) return;
  for (size_t i = 0; i < n; ++i) round_prefetch_[i].table->PrefetchChain(round_prefetch_[i].hash);
}

void Worker::EndOfRound() {
  if (!block_deadlines_.empty()) ExpireBlockedClients(*this, now_ms_);
  if (!postponed_.empty() && server_->PauseModeAt(NowMs()) == Server::kPauseNone) {
    ResumePostponed();
  }
  // Replies to everything read this round leave now, one write (or send) per connection.
  if (!to_flush_.empty()) {
    // Swapped with a second list that keeps its capacity, so no round allocates: what AfterBatch
    // schedules meanwhile waits for the next round.
    flushing_.swap(to_flush_);
    for (uint64_t id : flushing_) {
      Connection* c = FindConnection(id);
      if (c && c->pending_output()) AfterBatch(c);
    }
    flushing_.clear();
  }
  ReapClosed();
  if (now_ms_ >= next_cron_ms_) {
    Cron();
    int hz = std::max(1, std::min(500, server_->config().hz()));
    next_cron_ms_ = now_ms_ + 1000 / hz;
  } else if (evicting_) {
    evicting_ = EvictToLimit(*this) == EvictResult::kTimeUp;
  }
  // Invalidations of keys the cron expired or evicted (commands send their own).
  TrackingSendQueued(*this);
}

void Worker::OnCompletion(const io_uring_cqe& cqe) {
  const uint64_t tag = cqe.user_data;
  switch (Uring::OpOf(tag)) {
    case Uring::kRecv:
      OnRecvCompletion(Uring::PtrOf<Connection>(tag), cqe);
      break;
    case Uring::kSend:
      OnSendCompletion(Uring::PtrOf<Connection>(tag), cqe.res);
      break;
    case Uring::kAccept: {
      auto* l = Uring::PtrOf<ListenTag>(tag);
      if (cqe.res >= 0) {
        OnAccepted(cqe.res, l->is_unix);
      } else if (cqe.res != -EAGAIN && cqe.res != -EINTR && cqe.res != -ECANCELED) {
        spdlog::warn("accept: {}", strerror(-cqe.res));
      }
      if (server_->shutdown_requested()) break;
      // An accept that failed (EMFILE, ...) would fail again at once: retry at the next cron
      // instead of spinning.
      if (cqe.res < 0 && cqe.res != -EAGAIN && cqe.res != -EINTR) {
        accept_retry_.push_back(l);
      } else {
        uring_->Accept(l->fd, tag);
      }
      break;
    }
    case Uring::kPoll:
      DrainMailbox();
      if (!server_->shutdown_requested()) uring_->PollIn(eventfd_, tag);
      break;
    case Uring::kCancel:
      if (auto* c = Uring::PtrOf<Connection>(tag)) --c->inflight;
      break;
  }
}

void Worker::OnRecvCompletion(Connection* c, const io_uring_cqe& cqe) {
  // Receives are single-shot: this one is over, and what follows arms the next one or not.
  c->recv_armed = false;
  c->recv_cancelling = false;
  --c->inflight;
  unsigned id;
  if (const char* data = uring_->TakeBuffer(cqe, &id)) {
    if (!c->closing && cqe.res > 0) {
      NoteActive(c);
      OnInput(c, data, static_cast<size_t>(cqe.res));
    }
    uring_->ReturnBuffer(id);
  }
  if (c->closing) return;
  c->recv_drained = cqe.res > 0 && cqe.res < static_cast<int>(Uring::kBufferSize);
  if (cqe.res == static_cast<int>(Uring::kBufferSize)) {
    // A full buffer: more is probably waiting (a big value, a long pipeline). Read it now with
    // plain reads of up to 64 KB, as the epoll loop does, rather than a page per round.
    for (int i = 0; i < 4 && !c->closing && !c->paused && !c->blocked; ++i) {
      if (!OnReadable(c)) break;
    }
    if (c->closing) return;
  }
  if (cqe.res == 0 && !c->blocked && c->pending_output()) {
    // The client half-closed after its last commands: their replies, which leave at the end of
    // this round, still go out before the connection closes (as under epoll, where the end of
    // stream is only read in a later round).
    c->peer_eof = true;
    c->close_after_reply = true;
    return;
  }
  if (cqe.res == 0 || (cqe.res < 0 && cqe.res != -ENOBUFS && cqe.res != -ECANCELED)) {
    Close(c);
    return;
  }
  if (cqe.res == -ENOBUFS) uring_->NeedMoreBuffers();
  UpdateInterest(c);  // receives again unless paused
}

void Worker::OnSendCompletion(Connection* c, int res) {
  c->send_inflight = false;
  --c->inflight;
  if (c->closing) return;
  if (res < 0) {
    Close(c);
    return;
  }
  c->out_sent += static_cast<size_t>(res);
  Bump(stats_.net_out, static_cast<uint64_t>(res));
  if (c->out_sent == c->sending.size()) {
    c->sending.clear();
    c->out_sent = 0;
    if (c->sending.capacity() > kKeepOutputCapacity) std::string().swap(c->sending);
  }
  AfterBatch(c);  // sends the rest or what accumulated meanwhile, resumes held input, limits
}

void Worker::StartSend(Connection* c) {
  if (c->send_inflight || c->closing) return;
  if (c->out_sent == c->sending.size()) {
    // The last send is complete: what accumulated since becomes the next one.
    c->sending.clear();
    c->out_sent = 0;
    if (c->out.empty()) return;
    c->sending.swap(c->out);
  }
  uring_->Send(c->fd, c->sending.data() + c->out_sent, c->sending.size() - c->out_sent,
               Uring::Tag(c, Uring::kSend));
  c->send_inflight = true;
  ++c->inflight;
}

void Worker::DrainUring() {
  for (Connection* c : conns_) Close(c);
  ReapClosed();
  uring_->CancelAll(Uring::Tag(nullptr, Uring::kCancel));  // the accepts and the mailbox poll
  // Every connection still referred to by a request waits for its last completion; the ring is
  // only destroyed after them, so no request outlives the memory it points at. Bounded: a
  // cancelled socket request completes at once.
  const int64_t deadline = NowMs() + 2000;
  while (!zombies_.empty() && NowMs() < deadline) {
    if (!uring_->Wait(10)) break;
    uring_->ForEachCompletion([this](const io_uring_cqe& cqe) { OnCompletion(cqe); });
    ReapClosed();
  }
  if (!zombies_.empty()) {
    spdlog::warn("worker {}: {} connections still had io_uring requests at exit", index_,
                 zombies_.size());
  }
  uring_.reset();
}

void Worker::Accept(int listen_fd, bool is_unix) {
  for (int i = 0; i < 64; ++i) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        spdlog::warn("accept: {}", strerror(errno));
      }
      return;
    }
    OnAccepted(fd, is_unix);
  }
}

void Worker::OnAccepted(int fd, bool is_unix) {
  if (server_->shutdown_requested()) {
    close(fd);
    return;
  }
  server_->total_connections.fetch_add(1, std::memory_order_relaxed);
  if (server_->connected_clients.load() >= server_->config().maxclients()) {
    static constexpr char kMsg[] = "-ERR max number of clients reached\r\n";
    ssize_t w = write(fd, kMsg, sizeof(kMsg) - 1);
    (void)w;
    close(fd);
    server_->rejected_connections.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  server_->connected_clients.fetch_add(1, std::memory_order_relaxed);
  if (!is_unix) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  uint64_t id = server_->NextClientId();
  Worker& target = server_->NextWorker();
  if (&target == this) {
    Adopt(fd, id, is_unix);
  } else {
    target.Post([fd, id, is_unix](Worker& w) { w.Adopt(fd, id, is_unix); });
  }
}

void Worker::Adopt(int fd, uint64_t id, bool is_unix) {
  auto* c = new Connection(this, fd, id, PeerName(fd, is_unix, false), PeerName(fd, is_unix, true),
                           is_unix);
  c->authenticated = !server_->config().has_requirepass();
  c->index_in_worker = conns_.size();
  conns_.push_back(c);
  by_id_[id] = c;
  server_->clients().Add(c);
  Bump(stats_.connections);
  UpdateInterest(c);
}

Connection* Worker::FindConnection(uint64_t id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() || it->second->closing ? nullptr : it->second;
}

void Worker::ScheduleFlush(Connection* c) { to_flush_.push_back(c->id); }

void Worker::Close(Connection* c) {
  if (c->closing) return;
  c->closing = true;
  if (uring_) {
    // Requests in flight still point at the connection: cancel them, and delete it only once
    // their completions are in (ReapClosed).
    if (c->inflight) {
      uring_->CancelFd(c->fd, Uring::Tag(c, Uring::kCancel));
      ++c->inflight;
    }
  } else {
    epoll_ctl(epfd_, EPOLL_CTL_DEL, c->fd, nullptr);
  }
  closed_.push_back(c);
}

void Worker::ReapClosed() {
  for (Connection* c : closed_) {
    size_t i = c->index_in_worker;
    conns_[i] = conns_.back();
    conns_[i]->index_in_worker = i;
    conns_.pop_back();
    by_id_.erase(c->id);
    if (c->postponed.load(std::memory_order_relaxed)) {
      server_->blocked_clients.fetch_sub(1, std::memory_order_relaxed);
    }
    ReleaseClientState(*server_, *c);
    server_->clients().Remove(c);
    server_->connected_clients.fetch_sub(1, std::memory_order_relaxed);
    if (c->inflight) {
      zombies_.push_back(c);
    } else {
      delete c;
    }
  }
  closed_.clear();
  if (!zombies_.empty()) {
    std::erase_if(zombies_, [](Connection* c) {
      if (c->inflight) return false;
      delete c;
      return true;
    });
  }
}

void Worker::UpdateInterest(Connection* c) {
  if (c->closing) return;
  if (uring_) {
    // Output needs no interest here (a send completes by itself); input is received unless the
    // connection is paused, and a paused one's receive is cancelled so the socket pushes back.
    if (!c->paused && !c->recv_armed && !c->peer_eof) {
      uring_->Recv(c->fd, Uring::Tag(c, Uring::kRecv), c->recv_drained);
      c->recv_drained = false;
      c->recv_armed = true;
      ++c->inflight;
    } else if (c->paused && c->recv_armed && !c->recv_cancelling) {
      uring_->CancelTag(Uring::Tag(c, Uring::kRecv), Uring::Tag(c, Uring::kCancel));
      c->recv_cancelling = true;
      ++c->inflight;
    }
    return;
  }
  uint32_t mask = (c->paused || c->peer_eof ? 0u : static_cast<uint32_t>(EPOLLIN)) |
                  (c->pending_output() ? static_cast<uint32_t>(EPOLLOUT) : 0u);
  if (c->in_epoll && mask == c->epoll_mask) return;
  epoll_event ev{};
  ev.events = mask;
  ev.data.ptr = c;
  epoll_ctl(epfd_, c->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev);
  c->in_epoll = true;
  c->epoll_mask = mask;
}

bool Worker::OnReadable(Connection* c) {
  if (c->paused || c->peer_eof) return false;
  if (c->blocked) {
    // Parked by a blocking command: keep what arrives (bounded like any query buffer) and notice
    // a disconnect, but run nothing until the command completes.
    c->in.Reserve(kReadChunk);
    ssize_t n = read(c->fd, c->in.write_ptr(), c->in.write_space());
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      Close(c);
      return false;
    }
    if (n > 0) {
      c->in.Commit(static_cast<size_t>(n));
      Bump(stats_.net_in, static_cast<uint64_t>(n));
      if (c->in.size() > server_->config().client_query_buffer_limit()) Close(c);
    }
    return false;
  }
  // Read into the worker's shared buffer. A partial command this client has pending moves there
  // first when it is small (a pipeline cut at the end of a receive buffer), rather than growing
  // the client's own buffer to a read chunk plus the tail and freeing it after the round; only a
  // big pending command (a large value still arriving) keeps growing in the client's buffer.
  IoBuf* buf = &scratch_;
  size_t want = kReadChunk;
  if (!c->in.empty()) {
    const size_t pending = c->in.size();
    const size_t hint = c->parser.needed_hint();
    if (pending <= kReadChunk / 4 && hint <= kReadChunk / 2) {
      scratch_.Reserve(kReadChunk);
      scratch_.Append(c->in.readable());
      c->in.Consume(pending);
      c->in.ReleaseIfEmpty();
      want = kReadChunk - pending;
    } else {
      buf = &c->in;
      if (hint > pending) want = std::max(want, std::min<size_t>(hint - pending, 64 << 20));
    }
  }
  buf->Reserve(want);
  const size_t space = buf->write_space();
  ssize_t n = read(c->fd, buf->write_ptr(), space);
  if (n <= 0 && buf == &scratch_ && !scratch_.empty()) {
    // Nothing read: the partial command moved over above goes back to its client.
    c->in.Append(scratch_.readable());
    scratch_.Consume(scratch_.size());
  }
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return false;
    if (n == 0 && c->pending_output()) {
      // The client half-closed after its last commands: their replies still go out first.
      c->peer_eof = true;
      c->close_after_reply = true;
      UpdateInterest(c);
      return false;
    }
    Close(c);
    return false;
  }
  buf->Commit(static_cast<size_t>(n));
  Bump(stats_.net_in, static_cast<uint64_t>(n));
  c->last_interaction_ms.store(now_ms_, std::memory_order_relaxed);

  size_t used = ProcessInput(c, buf->readable());
  buf->Consume(used);
  if (buf == &scratch_ && !scratch_.empty()) {
    // Keep the unparsed tail with the connection; the shared buffer serves the next client.
    c->in.Append(scratch_.readable());
    scratch_.Consume(scratch_.size());
  }
  FinishInput(c);
  return static_cast<size_t>(n) == space;
}

void Worker::OnInput(Connection* c, const char* data, size_t n) {
  Bump(stats_.net_in, n);
  c->last_interaction_ms.store(now_ms_, std::memory_order_relaxed);
  if (c->paused || c->blocked) {
    // Nothing runs now: keep the bytes (bounded like any query buffer) for when it may.
    c->in.Append({data, n});
    if (c->in.size() > server_->config().client_query_buffer_limit()) Close(c);
    c->qbuf_size.store(c->in.size(), std::memory_order_relaxed);
    return;
  }
  if (c->in.empty()) {
    // Run straight from the receive buffer; only an unparsed tail is copied.
    size_t used = ProcessInput(c, {data, n});
    if (used < n) c->in.Append({data + used, n - used});
  } else {
    size_t hint = c->parser.needed_hint();
    size_t want = n;
    if (hint > c->in.size() + n) want = std::min<size_t>(hint - c->in.size(), 64 << 20);
    c->in.Reserve(want);
    c->in.Append({data, n});
    c->in.Consume(ProcessInput(c, c->in.readable()));
  }
  FinishInput(c);
}

void Worker::FinishInput(Connection* c) {
  if (c->closing) return;
  if (c->in.size() > server_->config().client_query_buffer_limit()) {
    spdlog::warn("closing client id={} addr={}: query buffer limit reached ({} bytes)", c->id,
                 c->addr, c->in.size());
    Close(c);
    return;
  }
  // A small drained buffer stays for the next partial command (a busy pipelining client has one
  // every few rounds); the cron takes it back once the client idles.
  if (c->in.empty() && c->in.capacity() > kKeptInputCapacity) c->in.ReleaseIfEmpty();
  c->qbuf_size.store(c->in.size(), std::memory_order_relaxed);
  // Replies leave at the end of the round (EndOfRound), after every ready connection has run.
  if (c->pending_output()) {
    ScheduleFlush(c);
  } else {
    AfterBatch(c);
  }
}

size_t Worker::ProcessInput(Connection* c, std::string_view data) {
  now_ms_ = NowMs();  // the time every command of this batch sees
  RefreshKeyClock();
  ++batches_;
  size_t pos = 0;
  size_t pause_at = PauseThreshold();
  uint64_t max_bulk = server_->config().proto_max_bulk_len();
  Store& store = server_->store();
  struct BatchTimer {  // commands run by this call are timed back to back (CommandStart)
    uint64_t& tick;
    ~BatchTimer() { tick = 0; }
  } timer{batch_tick_};
  while (pos < data.size() && !c->close_after_reply && !c->closing && !c->blocked) {
    // 1. Parse ahead up to kParseAhead complete commands (argument views into data).
    ahead_args_.clear();
    ahead_.clear();
    size_t scan = pos;
    bool error = false, need_more = false;
    while (ahead_.size() < kParseAhead && scan < data.size()) {
      // AUTH changes the limits of what follows, so an unauthenticated client is parsed one
      // command at a time.
      resp::ParserLimits lim;
      lim.max_bulk_len = max_bulk;
      lim.authenticated = c->authenticated;
      c->parser.set_limits(lim);
      auto r = c->parser.Parse(data.substr(scan));
      if (r == resp::ParseResult::kNeedMore) {
        need_more = true;
        break;
      }
      if (r == resp::ParseResult::kError) {
        error = true;
        break;
      }
      auto args = c->parser.args();
      scan += c->parser.consumed();
      ahead_.push_back({static_cast<uint32_t>(ahead_args_.size()),
                        static_cast<uint32_t>(args.size()), scan, kNoShard, 0});
      ahead_args_.insert(ahead_args_.end(), args.begin(), args.end());
      // Unescaped inline arguments live in the parser's scratch space, which the next Parse
      // reuses: such a command ends the batch.
      bool in_data = true;
      for (auto a : args) {
        if (a.data() < data.data() || a.data() > data.data() + data.size()) in_data = false;
      }
      if (!in_data || !c->authenticated) break;
    }
    // 2. Start the cache misses of every command's key (the first argument, where most commands
    // keep it) before running any: the lookups then overlap instead of queueing.
    if (ahead_.size() > 1) {
      int db = c->db.load(std::memory_order_relaxed);
      for (auto& cmd : ahead_) {
        if (cmd.argc < 2) continue;
        std::string_view key = ahead_args_[cmd.first + 1];
        cmd.arg1_shard = store.ShardOf(key);
        cmd.arg1_hash = DbTable::KeyHash(key);
        store.shard(cmd.arg1_shard).db(db).PrefetchBucket(cmd.arg1_hash);
      }
      for (const auto& cmd : ahead_) {
        if (cmd.argc >= 2) store.shard(cmd.arg1_shard).db(db).PrefetchChain(cmd.arg1_hash);
      }
    }
    // 3. Run them in order, stopping where the client must wait (paused, blocked, closing).
    batch_tick_ = CycleNow();
    for (const auto& cmd : ahead_) {
      if (c->close_after_reply || c->closing || c->blocked || c->pending_output() > pause_at) {
        if (c->pending_output() > pause_at) c->paused = true;
        // What was parsed beyond here is parsed again later.
        c->parser.Reset();
        return pos;
      }
      if (cmd.argc) {
        Dispatch(*c, *this, std::span<const std::string_view>(&ahead_args_[cmd.first], cmd.argc),
                 cmd.arg1_shard);
        if (c->postponed.load(std::memory_order_relaxed)) [[unlikely]] {
          // Held by CLIENT PAUSE: the command stays in the input, to be parsed and run again.
          c->parser.Reset();
          return pos;
        }
      }
      pos = cmd.end;
    }
    if (error) {
      if (c->close_after_reply || c->closing || c->blocked) {
        c->parser.Reset();
        return pos;
      }
      resp::ReplyBuilder rb(&c->out, c->proto.load(std::memory_order_relaxed));
      rb.Error(c->parser.error());
      spdlog::debug("protocol error from client id={} addr={}: {}", c->id, c->addr,
                    c->parser.error());
      c->close_after_reply = true;
      c->parser.Reset();
      return data.size();
    }
    // A partial command is left: the parser keeps its progress for the next read.
    if (need_more) break;
  }
  return pos;
}

void Worker::AfterBatch(Connection* c) {
  // Write what the batch produced; if input was held back for output and the output drained,
  // go on with the held input (a loop, not recursion: a huge pipeline takes many rounds).
  for (;;) {
    if (c->closing) return;
    if (c->pending_output()) Flush(c);
    if (c->closing) return;
    if (!c->paused || c->pending_output() >= PauseThreshold() / 2) break;
    c->paused = false;
    if (c->in.empty()) break;
    size_t used = ProcessInput(c, c->in.readable());
    c->in.Consume(used);
    c->qbuf_size.store(c->in.size(), std::memory_order_relaxed);
  }
  size_t pending = c->pending_output();
  c->obuf_size.store(pending, std::memory_order_relaxed);
  if (pending == 0 && c->close_after_reply) {
    Close(c);
    return;
  }
  // A subscribed client is held to the pubsub class' limits and a monitor to the replica
  // class', as in Redis.
  bool subscriber = c->has_state() && c->state_if_any()->subscriptions() > 0;
  OutputBufferLimit lim = c->monitor.load(std::memory_order_relaxed)
                              ? server_->config().output_limit_replica()
                          : subscriber ? server_->config().output_limit_pubsub()
                                       : server_->config().output_limit_normal();
  if (lim.hard && pending > lim.hard) {
    spdlog::warn("closing client id={} addr={}: output buffer {} over hard limit {}", c->id,
                 c->addr, pending, lim.hard);
    Close(c);
    return;
  }
  if (lim.soft && pending > lim.soft) {
    if (c->soft_limit_since_ms == 0) {
      c->soft_limit_since_ms = now_ms_;
    } else if (now_ms_ - c->soft_limit_since_ms > lim.soft_seconds * 1000) {
      spdlog::warn("closing client id={} addr={}: output buffer over soft limit for {}s", c->id,
                   c->addr, lim.soft_seconds);
      Close(c);
      return;
    }
  } else {
    c->soft_limit_since_ms = 0;
  }
  UpdateInterest(c);
}

size_t Worker::PauseThreshold() const {
  // With an output limit configured, a client that does not read is let run into it and is
  // disconnected there, as in Redis. Without one ("normal 0 0 0", the default), its input waits
  // once kPauseOutput bytes of replies are pending, so it cannot grow server memory either.
  OutputBufferLimit lim = server_->config().output_limit_normal();
  if (lim.hard) return lim.hard + 1;
  if (lim.soft) return std::max<size_t>(lim.soft + 1, kPauseOutput);
  return kPauseOutput;
}

bool Worker::Flush(Connection* c) {
  if (uring_) {
    StartSend(c);
    return false;
  }
  while (c->pending_output()) {
    ssize_t n = write(c->fd, c->out.data() + c->out_sent, c->pending_output());
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
      if (errno == EINTR) continue;
      Close(c);
      return false;
    }
    c->out_sent += static_cast<size_t>(n);
    Bump(stats_.net_out, static_cast<uint64_t>(n));
  }
  c->out.clear();
  c->out_sent = 0;
  if (c->out.capacity() > kKeepOutputCapacity) std::string().swap(c->out);
  return true;
}

void Worker::OnWritable(Connection* c) { AfterBatch(c); }

void Worker::ResumeInput(Connection* c) {
  if (c->closing) return;
  if (!c->in.empty() && !c->paused) {
    size_t used = ProcessInput(c, c->in.readable());
    c->in.Consume(used);
    c->qbuf_size.store(c->in.size(), std::memory_order_relaxed);
  }
  AfterBatch(c);
}

void Worker::Postpone(Connection* c) {
  c->postponed.store(true, std::memory_order_relaxed);
  c->blocked.store(true, std::memory_order_relaxed);
  server_->blocked_clients.fetch_add(1, std::memory_order_relaxed);
  postponed_.push_back(c->id);
}

void Worker::ResumePostponed() {
  std::vector<uint64_t> ids;
  ids.swap(postponed_);
  for (uint64_t id : ids) {
    Connection* c = FindConnection(id);
    if (c == nullptr || !c->postponed.load(std::memory_order_relaxed)) continue;
    c->postponed.store(false, std::memory_order_relaxed);
    c->blocked.store(false, std::memory_order_relaxed);
    server_->blocked_clients.fetch_sub(1, std::memory_order_relaxed);
    ResumeInput(c);  // may meet the pause again (a new one), and be held again
  }
}

void Worker::Cron() {
  for (ListenTag* l : accept_retry_) uring_->Accept(l->fd, Uring::Tag(l, Uring::kAccept));
  accept_retry_.clear();
  UpdateLruClock();
  RefreshKeyClock();
  CalibrateUsedMemory();  // ~13 us: keeps UsedMemoryFast() within one cron period of the truth
  entry_arena::NoteUsedMemory(UsedMemoryFast());
  // Over maxmemory with no command coming (CONFIG SET lowered it, buffers grew): evict in ~1 ms
  // slices between event-loop rounds until under the limit, as Redis' eviction timer does.
  evicting_ = server_->config().maxmemory() != 0 && EvictToLimit(*this) == EvictResult::kTimeUp;
  if (batches_ != batches_at_cron_) {
    batches_at_cron_ = batches_;
    cache_released_ = false;
  } else if (!cache_released_) {
    // Idle for a whole cron period: give back what serves only a busy worker, the shared read
    // buffer, drained output buffers and the allocator's per-thread cache.
    scratch_.ReleaseIfEmpty();
    for (Connection* c : conns_) {
      c->in.ReleaseIfEmpty();
      if (!c->closing && !c->pending_output() && !c->send_inflight) {
        if (c->out.capacity() > kIdleOutputCapacity) std::string().swap(c->out);
        if (c->sending.capacity() > kIdleOutputCapacity) std::string().swap(c->sending);
      }
    }
    if (uring_) uring_->ReleaseIdleBuffers();
    ReleaseIdleMemory();
    cache_released_ = true;
  }
  // Idle timeout.
  int64_t timeout = server_->config().timeout();
  if (timeout > 0) {
    for (Connection* c : conns_) {
      // As in Redis, a client parked by a blocking command is not idle.
      if (!c->closing && !c->blocked &&
          now_ms_ - c->last_interaction_ms.load(std::memory_order_relaxed) > timeout * 1000) {
        Close(c);
      }
    }
  }
  for (Connection* c : conns_) {
    // Soft output limits are time based: re-check clients that are over them.
    if (!c->closing && c->soft_limit_since_ms) AfterBatch(c);
    if (c->in.capacity() != 0 && c->in.empty() &&
        now_ms_ - c->last_interaction_ms.load(std::memory_order_relaxed) > kInputIdleMs) {
      c->in.ReleaseIfEmpty();
    }
  }
  // Active expiry over the shards this worker looks after (shard % workers == index). The effort
  // adapts: a shard keeps being sampled while more than a quarter of its samples were expired,
  // within a time budget of a quarter of the cron period.
  Store& store = server_->store();
  int nworkers = static_cast<int>(server_->workers().size());
  int hz = std::max(1, server_->config().hz());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(250000 / hz);
  int64_t now = NowMs();
  uint64_t expired_total = 0;
  // Under CLIENT PAUSE the dataset holds still, as in Redis: no active expiry (lazy expiry still
  // hides and removes an expired key that a command reads).
  const int first_shard = server_->PauseModeAt(now) == Server::kPauseNone ? index_ : store.num_shards();
  for (int s = first_shard; s < store.num_shards(); s += nworkers) {
    Shard& shard = store.shard(s);
    for (int db = 0; db < store.num_dbs(); ++db) {
      for (;;) {
        size_t sampled, expired;
        {
          SpinMutexLock l(&shard.mu);
          std::tie(sampled, expired) = shard.db(db).ExpireSome(now, 20, 400);
        }
        expired_total += expired;
        if (sampled == 0 || expired * 4 <= sampled) break;
        if (std::chrono::steady_clock::now() > deadline) break;
      }
    }
    if (std::chrono::steady_clock::now() > deadline) break;
  }
  if (expired_total) Bump(stats_.expired_active, expired_total);
  // Background rehashing of tables that are mid-growth, a little each tick.
  for (int s = index_; s < store.num_shards(); s += nworkers) {
    Shard& shard = store.shard(s);
    SpinMutexLock l(&shard.mu);
    for (auto& db : shard.dbs()) {
      if (db.table().rehashing()) db.table().RehashSteps(100);
    }
  }
}

}  // namespace shoal
