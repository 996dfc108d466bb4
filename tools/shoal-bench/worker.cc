// One shoal-bench client thread: connection set-up, the epoll loop, sending and reply accounting.
#include "tools/shoal-bench/worker.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/shoal-bench/text.h"

namespace shoal::bench {

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

namespace {

constexpr int64_t kHousekeepingNs = 50'000'000;  // Timeouts, stop checks, progress hand-over.
constexpr size_t kMaxConnectionEvents = 20;
constexpr size_t kMaxErrorMessages = 32;

void AppendCommand(OutBuffer& out, std::initializer_list<std::string_view> args) {
  out.Append(absl::StrCat("*", args.size(), "\r\n"));
  for (std::string_view a : args) out.Append(absl::StrCat("$", a.size(), "\r\n", AV(a), "\r\n"));
}

std::string ErrnoText(int err) { return std::string(strerror(err)); }

// Waits for `events` on fd until deadline_ns; false on timeout.
bool PollUntil(int fd, short events, int64_t deadline_ns) {
  while (true) {
    const int64_t left_ms = (deadline_ns - NowNs() + 999'999) / 1'000'000;
    if (left_ms <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(left_ms, 1'000'000)));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

}  // namespace

Worker::Worker(SharedRunState* shared, int index)
    : shared_(shared),
      opts_(shared->opts),
      index_(index),
      rng_(MakeRng(shared->opts.seed, static_cast<uint64_t>(index))),
      keys_(shared->opts.key_dist, shared->opts.key_min, shared->opts.key_max,
            shared->opts.key_min +
                static_cast<uint64_t>(static_cast<unsigned __int128>(shared->opts.key_max -
                                                                     shared->opts.key_min + 1) *
                                      index / shared->opts.threads)),
      in_buf_(new char[kInBufSize]) {
  const unsigned __int128 span = opts_.key_max - opts_.key_min + 1;
  preload_next_ = opts_.key_min + static_cast<uint64_t>(span * index / opts_.threads);
  preload_end_ = opts_.key_min + static_cast<uint64_t>(span * (index + 1) / opts_.threads);
  key_buf_ = opts_.key_prefix;
  key_buf_.resize(opts_.key_prefix.size() + 24);
  result_.commands.resize(shared->commands.size());
  progress_ = opts_.progress;
}

Worker::~Worker() {
  for (Conn& c : conns_) {
    if (c.fd >= 0) close(c.fd);
  }
  if (epfd_ >= 0) close(epfd_);
}

absl::Status Worker::ConnectOne(Conn& c) {
  const int64_t deadline = NowNs() + static_cast<int64_t>(opts_.timeout_s * 1e9);
  std::string last_error = "no address";
  if (!opts_.unix_path.empty()) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (opts_.unix_path.size() >= sizeof(sa.sun_path)) {
      return absl::InvalidArgumentError("--unix: path too long");
    }
    std::memcpy(sa.sun_path, opts_.unix_path.c_str(), opts_.unix_path.size() + 1);
    c.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return absl::InternalError(absl::StrCat("socket: ", ErrnoText(errno)));
    // A unix connect either completes at once or fails (EAGAIN: the backlog is full).
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
      last_error = ErrnoText(errno);
      close(c.fd);
      c.fd = -1;
    }
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const std::string port = absl::StrCat(opts_.port);
    if (int rc = getaddrinfo(opts_.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot resolve ", opts_.host, ": ", gai_strerror(rc)));
    }
    for (addrinfo* ai = res; ai != nullptr && c.fd < 0; ai = ai->ai_next) {
      c.fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
      if (c.fd < 0) continue;
      if (connect(c.fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
        last_error = ErrnoText(errno);
        close(c.fd);
        c.fd = -1;
        continue;
      }
      if (!PollUntil(c.fd, POLLOUT, deadline)) {
        last_error = "connect timed out";
        close(c.fd);
        c.fd = -1;
        continue;
      }
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last_error = ErrnoText(err);
        close(c.fd);
        c.fd = -1;
      }
    }
    freeaddrinfo(res);
    if (c.fd >= 0) {
      const int one = 1;
      setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
  }
  if (c.fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", opts_.target(), ": ", last_error));
  }

  // Handshake, synchronously: it is a few small replies per connection, before any timing.
  OutBuffer hs;
  std::vector<std::string> names;
  if (opts_.resp3) {
    if (!opts_.auth.empty()) {
      AppendCommand(
          hs, {"HELLO", "3", "AUTH", opts_.user.empty() ? "default" : opts_.user, opts_.auth});
    } else {
      AppendCommand(hs, {"HELLO", "3"});
    }
    names.push_back("HELLO 3");
  } else if (!opts_.auth.empty()) {
    if (opts_.user.empty()) {
      AppendCommand(hs, {"AUTH", opts_.auth});
    } else {
      AppendCommand(hs, {"AUTH", opts_.user, opts_.auth});
    }
    names.push_back("AUTH");
  }
  if (opts_.db != 0) {
    AppendCommand(hs, {"SELECT", absl::StrCat(opts_.db)});
    names.push_back(absl::StrCat("SELECT ", opts_.db));
  }
  size_t off = 0;
  while (off < hs.size()) {
    const ssize_t w = send(c.fd, hs.data() + off, hs.size() - off, MSG_NOSIGNAL);
    if (w > 0) {
      off += static_cast<size_t>(w);
    } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!PollUntil(c.fd, POLLOUT, deadline))
        return absl::DeadlineExceededError("handshake timed out");
    } else {
      return absl::UnavailableError(absl::StrCat("handshake: ", ErrnoText(errno)));
    }
  }
  size_t got = 0;
  std::string failure;
  while (got < names.size()) {
    const ssize_t r = recv(c.fd, in_buf_.get(), kInBufSize, 0);
    if (r > 0) {
      const bool ok = c.reader.Feed(in_buf_.get(), static_cast<size_t>(r), [&](ReplyKind kind) {
        if (kind == ReplyKind::kError && failure.empty()) {
          failure = absl::StrCat(names[got], " failed: ", AV(c.reader.last_error()));
        }
        ++got;
      });
      if (!ok) return absl::DataLossError(absl::StrCat("handshake: ", c.reader.protocol_error()));
    } else if (r == 0) {
      return absl::UnavailableError(
          absl::StrCat("server closed the connection during ", names[got]));
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!PollUntil(c.fd, POLLIN, deadline))
        return absl::DeadlineExceededError("handshake timed out");
    } else {
      return absl::UnavailableError(absl::StrCat("handshake: ", ErrnoText(errno)));
    }
  }
  if (!failure.empty()) return absl::PermissionDeniedError(failure);

  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u32 = static_cast<uint32_t>(&c - conns_.data());
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
    return absl::InternalError(absl::StrCat("epoll_ctl: ", ErrnoText(errno)));
  }
  c.alive = true;
  return absl::OkStatus();
}

absl::Status Worker::ConnectAll() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) return absl::InternalError(absl::StrCat("epoll_create1: ", ErrnoText(errno)));
  // Preload batches are at least 64 deep: filling the keyspace is not measured, so faster.
  ring_size_ = static_cast<uint32_t>(std::max(opts_.pipeline, 64));
  conns_.resize(static_cast<size_t>(opts_.clients));
  for (int i = 0; i < opts_.clients; ++i) {
    Conn& c = conns_[static_cast<size_t>(i)];
    c.index = index_ * opts_.clients + i;
    c.ring.reset(new InFlight[ring_size_]);
    if (absl::Status s = ConnectOne(c); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void Worker::Run() {
  absl::Status setup = ConnectAll();
  if (!setup.ok()) {
    result_.setup = setup;
    shared_->stop.store(true);
  } else if (opts_.preload) {
    Loop(Phase::kPreload);
    result_.preload_end_ns = NowNs();
  }
  shared_->ready.count_down();
  shared_->go.WaitForNotification();
  if (setup.ok() && !shared_->stop.load()) {
    if (opts_.rate > 0) {
      // Default timer slack (50 us) would make every scheduled wake-up late by that much.
      prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
      for (Conn& c : conns_) {
        c.schedule = RateSchedule(opts_.rate, opts_.connections(), c.index, shared_->start_ns);
      }
    }
    const uint64_t t = static_cast<uint64_t>(opts_.threads);
    quota_ =
        opts_.requests == Options::kUnlimited
            ? UINT64_MAX
            : opts_.requests / t + (static_cast<uint64_t>(index_) < opts_.requests % t ? 1 : 0);
    Loop(Phase::kMeasure);
    if (opts_.rate > 0) {
      // Requests the schedule wanted before the run stopped but that never left, because the
      // connection was still busy: the summary reports them so an overloaded run is obvious.
      const int64_t cutoff =
          shared_->end_ns != 0 ? std::min(NowNs(), shared_->end_ns - 1) : NowNs();
      uint64_t behind = 0;
      for (const Conn& c : conns_) {
        const uint64_t due = c.schedule.DueCount(cutoff);
        if (due > c.next_seq) behind += due - c.next_seq;
      }
      result_.unsent = std::min(behind, quota_);
    }
  }
  if (progress_) Publish();
}

void Worker::Loop(Phase phase) {
  phase_ = phase;
  stopping_ = false;
  batch_ = phase == Phase::kPreload ? ring_size_ : static_cast<uint32_t>(opts_.pipeline);
  rate_mode_ = phase == Phase::kMeasure && opts_.rate > 0;
  const int64_t end_ns = phase == Phase::kMeasure ? shared_->end_ns : 0;
  next_housekeeping_ns_ = 0;
  next_publish_ns_ = NowNs();
  if (!rate_mode_) {
    for (Conn& c : conns_) {
      if (c.alive) SendBatch(c);
    }
  }
  while (true) {
    const int64_t now = NowNs();
    if (rate_mode_ && !stopping_) {
      for (Conn& c : conns_) SendDue(c, now);
    }
    Housekeeping(now);
    bool any_alive = false;
    for (const Conn& c : conns_) any_alive |= c.alive;
    if (!any_alive) break;
    if (stopping_ && AllIdle()) break;
    if (stopping_ && now >= drain_deadline_ns_) {
      for (Conn& c : conns_) {
        if (c.alive && c.ring_count > 0) Lost(c, "no reply before the end of the run");
      }
      break;
    }
    int64_t wake = std::min(next_housekeeping_ns_, stopping_ ? drain_deadline_ns_ : INT64_MAX);
    if (!stopping_) {
      if (end_ns != 0) wake = std::min(wake, end_ns);
      if (rate_mode_) {
        for (const Conn& c : conns_) {
          if (c.alive && c.ring_count < batch_)
            wake = std::min(wake, c.schedule.IntendedTime(c.next_seq));
        }
      }
    }
    Wait(std::max<int64_t>(wake - now, 0));
  }
}

void Worker::Wait(int64_t timeout_ns) {
  epoll_event events[256];
  timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000),
              static_cast<long>(timeout_ns % 1'000'000'000)};
  int n = epoll_pwait2(epfd_, events, 256, &ts, nullptr);
  if (n < 0 && errno == ENOSYS) {
    // Kernels before 5.11: millisecond timeouts, rounded up so we never spin early.
    n = epoll_wait(epfd_, events, 256, static_cast<int>((timeout_ns + 999'999) / 1'000'000));
  }
  for (int i = 0; i < n; ++i) {
    Conn& c = conns_[events[i].data.u32];
    if (!c.alive) continue;
    if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) OnReadable(c);
    if (c.alive && (events[i].events & EPOLLOUT)) Flush(c);
  }
}

void Worker::OnReadable(Conn& c) {
  while (true) {
    const ssize_t r = recv(c.fd, in_buf_.get(), kInBufSize, 0);
    if (r > 0) {
      const int64_t now = NowNs();
      bool unexpected = false;
      const bool ok = c.reader.Feed(in_buf_.get(), static_cast<size_t>(r), [&](ReplyKind kind) {
        if (c.ring_count == 0) {
          unexpected = true;
        } else {
          OnReply(c, kind, now);
        }
      });
      if (!ok) {
        Lost(c, absl::StrCat("protocol error: ", c.reader.protocol_error()));
        return;
      }
      if (unexpected) {
        Lost(c, "reply without a request");
        return;
      }
      if (static_cast<size_t>(r) < kInBufSize) break;
      continue;
    }
    if (r == 0) {
      Lost(c, "closed by the server");
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) break;
    Lost(c, ErrnoText(errno));
    return;
  }
  if (!rate_mode_ && c.ring_count == 0 && !stopping_) SendBatch(c);
}

void Worker::OnReply(Conn& c, ReplyKind kind, int64_t now) {
  const InFlight f = c.ring[c.ring_head];
  if (++c.ring_head == ring_size_) c.ring_head = 0;
  --c.ring_count;
  c.waiting_since_ns = now;
  if (f.cmd == kPreloadCmd) {
    ++result_.preload_keys;
    preloaded_.store(result_.preload_keys, std::memory_order_relaxed);
    if (kind == ReplyKind::kError) {
      ++result_.preload_errors;
      RecordError(c.reader.last_error());
      AddFailures(1);
    }
    return;
  }
  CommandStats& s = result_.commands[f.cmd];
  const uint64_t latency = now > f.start_ns ? static_cast<uint64_t>(now - f.start_ns) : 0;
  s.hist.Record(latency);
  ++s.replies;
  if (kind == ReplyKind::kNil) {
    ++s.nils;
  } else if (kind == ReplyKind::kError) {
    ++s.errors;
    RecordError(c.reader.last_error());
    AddFailures(1);
  }
  result_.last_reply_ns = now;
  if (progress_) {
    interval_hist_.Record(latency);
    ++interval_replies_;
  }
}

void Worker::RecordError(std::string_view message) {
  auto& m = result_.error_messages;
  if (auto it = m.find(AV(message)); it != m.end()) {
    ++it->second;
  } else if (m.size() < kMaxErrorMessages) {
    m.emplace(std::string(message), 1);
  } else {
    ++m["(other error messages)"];
  }
}

void Worker::AddFailures(uint64_t n) {
  interval_failures_ += n;
  const int64_t total =
      shared_->failures.fetch_add(static_cast<int64_t>(n)) + static_cast<int64_t>(n);
  if (opts_.max_errors >= 0 && total > opts_.max_errors) shared_->stop.store(true);
}

bool Worker::Flush(Conn& c) {
  while (c.out_off < c.out.size()) {
    const ssize_t w = send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (w > 0) {
      c.out_off += static_cast<size_t>(w);
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) {
      if (!c.want_out) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u32 = static_cast<uint32_t>(&c - conns_.data());
        epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
        c.want_out = true;
      }
      return true;
    }
    Lost(c, ErrnoText(errno));
    return false;
  }
  c.out.Clear();
  c.out_off = 0;
  if (c.want_out) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(&c - conns_.data());
    epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
    c.want_out = false;
  }
  return true;
}

uint32_t Worker::PickCommand() {
  const size_t n = shared_->commands.size();
  if (n == 1) return 0;
  const uint64_t slot = mix_slot_++;
  if (opts_.commands.empty()) {
    // Built-in SET (0) and GET (1), both with non-zero weight.
    return RatioSlotIsFirst(slot, opts_.ratio_set, opts_.ratio_get) ? 0 : 1;
  }
  return static_cast<uint32_t>(slot % n);
}

void Worker::RenderRequest(Conn& c, int64_t start_ns) {
  uint32_t cmd;
  const CommandTemplate* t;
  uint64_t key = 0;
  if (phase_ == Phase::kPreload) {
    cmd = kPreloadCmd;
    t = &shared_->preload_tmpl;
    key = preload_next_++;
  } else {
    cmd = PickCommand();
    t = &shared_->commands[cmd].tmpl;
    if (t->uses_key()) key = keys_.Next(rng_);
    ++result_.commands[cmd].sent;
  }
  TemplateValues v;
  if (t->uses_key()) {
    char* begin = key_buf_.data();
    char* end = WriteDecimal(begin + opts_.key_prefix.size(), key);
    v.key = std::string_view(begin, static_cast<size_t>(end - begin));
  }
  if (t->uses_data()) {
    const uint64_t size =
        opts_.data_min == opts_.data_max
            ? opts_.data_min
            : absl::Uniform(absl::IntervalClosedClosed, rng_, opts_.data_min, opts_.data_max);
    v.data = std::string_view(shared_->data.data(), size);
  }
  if (t->uses_expiry()) {
    const uint64_t ttl =
        opts_.expiry_min == opts_.expiry_max
            ? opts_.expiry_min
            : absl::Uniform(absl::IntervalClosedClosed, rng_, opts_.expiry_min, opts_.expiry_max);
    char* end = WriteDecimal(expiry_buf_, ttl);
    v.expiry = std::string_view(expiry_buf_, static_cast<size_t>(end - expiry_buf_));
  }
  t->Render(c.out, v);
  uint32_t tail = c.ring_head + c.ring_count;
  if (tail >= ring_size_) tail -= ring_size_;
  c.ring[tail] = InFlight{start_ns, cmd};
  ++c.ring_count;
}

void Worker::SendBatch(Conn& c) {
  uint64_t n;
  if (phase_ == Phase::kPreload) {
    n = std::min<uint64_t>(batch_, preload_end_ - preload_next_);
  } else {
    n = std::min<uint64_t>(batch_, quota_);
    if (shared_->end_ns != 0 && NowNs() >= shared_->end_ns) n = 0;
  }
  if (n == 0 || !c.alive) return;
  if (phase_ == Phase::kMeasure) quota_ -= n;
  for (uint64_t i = 0; i < n; ++i) RenderRequest(c, 0);
  // Timestamp after rendering, right before the write: the batch's clock starts when it
  // leaves, so deep pipelines are not charged for our own rendering.
  const int64_t t = NowNs();
  uint32_t pos = c.ring_head + c.ring_count - static_cast<uint32_t>(n);
  if (pos >= ring_size_) pos -= ring_size_;
  for (uint64_t i = 0; i < n; ++i) {
    c.ring[pos].start_ns = t;
    if (++pos == ring_size_) pos = 0;
  }
  c.waiting_since_ns = t;
  Flush(c);
}

void Worker::SendDue(Conn& c, int64_t now) {
  if (!c.alive) return;
  const bool was_idle = c.ring_count == 0;
  const int64_t end_ns = shared_->end_ns;
  uint32_t sent = 0;
  while (c.ring_count < batch_ && quota_ > 0) {
    const int64_t t = c.schedule.IntendedTime(c.next_seq);
    if (t > now || (end_ns != 0 && t >= end_ns)) break;
    // Latency will count from t, the intended time, however late this write is.
    RenderRequest(c, t);
    ++c.next_seq;
    --quota_;
    ++sent;
  }
  if (sent == 0) return;
  if (was_idle) c.waiting_since_ns = now;
  Flush(c);
}

void Worker::Lost(Conn& c, std::string_view why) {
  if (!c.alive) return;
  c.alive = false;
  close(c.fd);
  c.fd = -1;
  const uint64_t unanswered = c.ring_count;
  uint32_t pos = c.ring_head;
  for (uint32_t i = 0; i < c.ring_count; ++i) {
    const uint32_t cmd = c.ring[pos].cmd;
    if (cmd == kPreloadCmd) {
      ++result_.preload_errors;
    } else {
      ++result_.commands[cmd].lost;
    }
    if (++pos == ring_size_) pos = 0;
  }
  c.ring_count = 0;
  c.out.Clear();
  c.out_off = 0;
  ++result_.connections_lost;
  if (result_.connection_events.size() < kMaxConnectionEvents) {
    result_.connection_events.push_back(absl::StrFormat(
        "connection %d lost: %s (%d requests unanswered)", c.index, why, unanswered));
  }
  AddFailures(1 + unanswered);
}

void Worker::Housekeeping(int64_t now) {
  if (!stopping_) {
    bool done = shared_->stop.load(std::memory_order_relaxed);
    if (phase_ == Phase::kPreload) {
      done |= preload_next_ >= preload_end_;
    } else {
      done |= quota_ == 0 || (shared_->end_ns != 0 && now >= shared_->end_ns);
    }
    if (done) {
      stopping_ = true;
      drain_deadline_ns_ = now + static_cast<int64_t>(opts_.timeout_s * 1e9);
    }
  }
  if (now < next_housekeeping_ns_) return;
  next_housekeeping_ns_ = now + kHousekeepingNs;
  const int64_t timeout_ns = static_cast<int64_t>(opts_.timeout_s * 1e9);
  for (Conn& c : conns_) {
    if (c.alive && c.ring_count > 0 && now - c.waiting_since_ns > timeout_ns) {
      Lost(c, absl::StrFormat("no reply for %g s", opts_.timeout_s));
    }
  }
  if (progress_ && now >= next_publish_ns_) {
    Publish();
    next_publish_ns_ = now + 4 * kHousekeepingNs;
  }
}

bool Worker::AllIdle() const {
  for (const Conn& c : conns_) {
    if (c.alive && c.ring_count > 0) return false;
  }
  return true;
}

void Worker::Publish() {
  {
    absl::MutexLock lock(&mu_);
    mailbox_hist_.Merge(interval_hist_);
    mailbox_.replies += interval_replies_;
    mailbox_.failures += interval_failures_;
  }
  interval_hist_.Reset();
  interval_replies_ = 0;
  interval_failures_ = 0;
}

Worker::Progress Worker::TakeInterval(LatencyHistogram* merge_into) {
  absl::MutexLock lock(&mu_);
  merge_into->Merge(mailbox_hist_);
  mailbox_hist_.Reset();
  Progress p = mailbox_;
  mailbox_ = Progress{};
  return p;
}

}  // namespace shoal::bench
