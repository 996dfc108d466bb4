// io_uring plumbing for one worker (see uring.h).
#include "server/net/uring.h"

#include <liburing.h>
#include <poll.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace shoal {

namespace {

constexpr unsigned kSqEntries = 4096;
constexpr unsigned kCqEntries = 16384;
constexpr int kBufferGroup = 0;
// Kernel 6.12's batch wait (min_wait_usec in io_uring_getevents_arg, where older headers have
// `pad`); Debian 12's liburing 2.3 predates it.
constexpr unsigned kFeatMinTimeout = 1U << 15;
// Kernel 6.15's IORING_FEAT_NO_IOWAIT and IORING_ENTER_NO_IOWAIT, newer than liburing 2.3 too.
constexpr unsigned kFeatNoIowait = 1U << 17;
constexpr unsigned kEnterNoIowait = 1U << 7;

std::string Errno(const char* what, int err) { return std::string(what) + ": " + strerror(err); }

}  // namespace

std::unique_ptr<Uring> Uring::Create(std::string* why) {
  std::unique_ptr<Uring> u(new Uring());
  u->ring_ = std::make_unique<io_uring>();
  io_uring_params p{};
  // One thread submits and reaps; completions' task work runs only when it asks for them, so
  // the kernel never interrupts the worker to finish a receive, and nothing writes into a
  // buffer the worker did not just wait for.
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
  p.cq_entries = kCqEntries;
  int rc = io_uring_queue_init_params(kSqEntries, u->ring_.get(), &p);
  if (rc < 0) {
    *why = Errno("io_uring_setup", -rc);
    u->ring_.reset();
    return nullptr;
  }
  u->batch_wait_ = (p.features & kFeatMinTimeout) != 0;
  u->no_iowait_ = (p.features & kFeatNoIowait) != 0;
  const size_t ring_bytes = kMaxBuffers * sizeof(io_uring_buf);
  void* br = mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (br == MAP_FAILED) {
    *why = Errno("mmap of the buffer ring", errno);
    return nullptr;
  }
  u->buf_ring_ = static_cast<io_uring_buf_ring*>(br);
  io_uring_buf_ring_init(u->buf_ring_);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(br);
  reg.ring_entries = kMaxBuffers;
  reg.bgid = kBufferGroup;
  rc = io_uring_register_buf_ring(u->ring_.get(), &reg, 0);
  if (rc < 0) {
    *why = Errno("io_uring_register_buf_ring", -rc);
    return nullptr;
  }
  // Reserved, not committed: a page costs memory only once a receive has written into it.
  void* region = mmap(nullptr, size_t{kMaxBuffers} * kBufferSize, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (region == MAP_FAILED) {
    *why = Errno("mmap of the receive buffers", errno);
    return nullptr;
  }
  u->region_ = static_cast<char*>(region);
  u->free_.reserve(kMaxBuffers);
  for (unsigned i = kMaxBuffers; i-- > 0;) u->free_.push_back(static_cast<uint16_t>(i));
  return u;
}

bool Uring::Supported(std::string* why, bool* batch_wait) {
  std::unique_ptr<Uring> u = Create(why);
  if (!u) return false;
  if (batch_wait) *batch_wait = u->batch_wait_;
  // Deferred task work (which Create asked for) came with kernel 6.1; the probe still checks the
  // operations themselves, in case a kernel filters some.
  io_uring_probe* probe = io_uring_get_probe_ring(u->ring_.get());
  if (probe == nullptr) {
    *why = "io_uring probe failed";
    return false;
  }
  bool ok = true;
  for (int op : {IORING_OP_RECV, IORING_OP_SEND, IORING_OP_ACCEPT, IORING_OP_POLL_ADD,
                 IORING_OP_ASYNC_CANCEL}) {
    if (!io_uring_opcode_supported(probe, op)) {
      *why = "io_uring lacks opcode " + std::to_string(op);
      ok = false;
    }
  }
  io_uring_free_probe(probe);
  return ok;
}

Uring::~Uring() {
  if (ring_) {
    if (buf_ring_) io_uring_unregister_buf_ring(ring_.get(), kBufferGroup);
    io_uring_queue_exit(ring_.get());
  }
  if (buf_ring_) munmap(buf_ring_, kMaxBuffers * sizeof(io_uring_buf));
  if (region_) munmap(region_, size_t{kMaxBuffers} * kBufferSize);
}

io_uring_sqe* Uring::Sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(ring_.get());
  while (sqe == nullptr) {
    // The submission queue is full: hand what is queued to the kernel to make room.
    io_uring_submit(ring_.get());
    sqe = io_uring_get_sqe(ring_.get());
  }
  return sqe;
}

void Uring::Recv(int fd, uint64_t tag, bool poll_first) {
  // Single-shot, re-armed by the caller after each completion. The multishot form was measured
  // here to miss the final completion when a client sent a few bytes and reset the connection
  // right after (about 1 connection in 400, Linux 6.18): the connection then lived on, unseen.
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_recv(sqe, fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufferGroup;
  if (poll_first) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
  io_uring_sqe_set_data64(sqe, tag);
}

void Uring::Send(int fd, const char* data, size_t n, uint64_t tag) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_send(sqe, fd, data, n, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, tag);
  ++sends_queued_;
}

void Uring::Accept(int fd, uint64_t tag) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_accept(sqe, fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, tag);
}

void Uring::PollIn(int fd, uint64_t tag) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_poll_add(sqe, fd, POLLIN);
  io_uring_sqe_set_data64(sqe, tag);
}

void Uring::CancelFd(int fd, uint64_t tag) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
  io_uring_sqe_set_data64(sqe, tag);
}

void Uring::CancelTag(uint64_t target, uint64_t tag) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_cancel64(sqe, target, 0);
  io_uring_sqe_set_data64(sqe, tag);
}

void Uring::CancelAll(uint64_t tag) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
  io_uring_sqe_set_data64(sqe, tag);
}

void Uring::LendBuffers() {
  const int mask = io_uring_buf_ring_mask(kMaxBuffers);
  int added = 0;
  while (lent_ < lend_target_ && !free_.empty()) {
    const unsigned id = free_.back();
    free_.pop_back();
    io_uring_buf_ring_add(buf_ring_, region_ + size_t{id} * kBufferSize, kBufferSize,
                          static_cast<unsigned short>(id), mask, added++);
    ++lent_;
  }
  if (added) io_uring_buf_ring_advance(buf_ring_, added);
}

const char* Uring::TakeBuffer(const io_uring_cqe& cqe, unsigned* id) {
  if (!(cqe.flags & IORING_CQE_F_BUFFER)) return nullptr;
  *id = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
  --lent_;
  return region_ + size_t{*id} * kBufferSize;
}

void Uring::NeedMoreBuffers() { lend_target_ = std::min(kMaxBuffers, lend_target_ * 2); }

void Uring::ReleaseIdleBuffers() {
  lend_target_ = kStartLent;
  // Every page goes back, the lent ones too: the kernel writes a lent buffer before it hands it
  // over, and a page given back is simply faulted in again then. (Between completions the worker
  // holds no buffer, so nothing it reads is dropped.)
  madvise(region_, size_t{kMaxBuffers} * kBufferSize, MADV_DONTNEED);
}

bool Uring::Wait(int timeout_ms, unsigned want, unsigned batch_us) {
  LendBuffers();
  __kernel_timespec ts{};
  ts.tv_sec = timeout_ms / 1000;
  ts.tv_nsec = static_cast<long long>(timeout_ms % 1000) * 1000000;
  const unsigned sends = sends_queued_;
  sends_queued_ = 0;
  // Submit what is queued (the sends and re-armed receives of the round) and wait in one call.
  io_uring_sq& sq = ring_->sq;
  const unsigned tail = sq.sqe_tail;
  if (sq.sqe_head != tail) {
    sq.sqe_head = tail;
    __atomic_store_n(sq.ktail, tail, __ATOMIC_RELEASE);
  }
  const unsigned to_submit = tail - __atomic_load_n(sq.khead, __ATOMIC_ACQUIRE);
  io_uring_getevents_arg arg{};
  arg.ts = reinterpret_cast<uint64_t>(&ts);
  unsigned wait_nr = 1;
  if (want > 1 && batch_us > 0 && batch_wait_ && timeout_ms != 0) {
    // Wait for `want` completions besides the sends being submitted (a send to a socket with
    // room completes during the submission), but for no more than batch_us once one is there.
    arg.pad = batch_us;  // min_wait_usec
    wait_nr = sends + want;
  }
  unsigned flags = IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG;
  // A worker always has requests in flight (its accepts, its mailbox poll, a receive per
  // connection), so by default the kernel would count every wait of it as waiting for I/O: an
  // idle server would show as iowait in top, blocked in /proc/stat and as I/O pressure.
  if (no_iowait_) flags |= kEnterNoIowait;
  const int rc = io_uring_enter2(ring_->ring_fd, to_submit, wait_nr, flags,
                                 reinterpret_cast<sigset_t*>(&arg), sizeof(arg));  // -errno
  if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
    errno = -rc;
    return false;
  }
  return true;
}

void Uring::ForEachCompletion(absl::FunctionRef<void(const io_uring_cqe&)> fn) {
  unsigned head;
  unsigned seen = 0;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(ring_.get(), head, cqe) {
    fn(*cqe);
    ++seen;
  }
  io_uring_cq_advance(ring_.get(), seen);
}

const char* Uring::PeekBuffer(const io_uring_cqe& cqe) const {
  if (!(cqe.flags & IORING_CQE_F_BUFFER)) return nullptr;
  return region_ + size_t{cqe.flags >> IORING_CQE_BUFFER_SHIFT} * kBufferSize;
}

unsigned Uring::Ready() const { return io_uring_cq_ready(ring_.get()); }

void Uring::PeekCompletions(absl::FunctionRef<void(const io_uring_cqe&)> fn) {
  unsigned head;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(ring_.get(), head, cqe) fn(*cqe);
}

}  // namespace shoal
