// io_uring plumbing for one worker: the ring, its pool of receive buffers, and one function per
// kind of request the worker submits (accept, receive, send, poll, cancel).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"

struct io_uring;
struct io_uring_cqe;
struct io_uring_sqe;
struct io_uring_buf_ring;

namespace shoal {

class Uring {
 public:
  // What a completion is for: the low three bits of its user_data; the rest is an 8-byte aligned
  // pointer to the object it concerns (a connection, a listener), or 0.
  enum Op : uint64_t { kRecv = 1, kSend = 2, kAccept = 3, kPoll = 4, kCancel = 5 };
  static uint64_t Tag(const void* p, Op op) { return reinterpret_cast<uint64_t>(p) | op; }
  static Op OpOf(uint64_t tag) { return static_cast<Op>(tag & 7); }
  template <typename T>
  static T* PtrOf(uint64_t tag) {
    return reinterpret_cast<T*>(tag & ~uint64_t{7});
  }

  // Whether this kernel gives what the worker loop needs (a single-issuer ring with deferred task
  // work, provided-buffer rings), tried once on a throw-away ring; if not, *why says what failed.
  // *batch_wait, when given, tells whether the kernel also has batch waits (see Wait).
  static bool Supported(std::string* why, bool* batch_wait = nullptr);
  // A ring owned by the calling thread, the only one that may submit to it; nullptr and *why
  // on failure.
  static std::unique_ptr<Uring> Create(std::string* why);
  ~Uring();
  Uring(const Uring&) = delete;
  Uring& operator=(const Uring&) = delete;

  // Requests, queued until the next Wait. Each has exactly one completion, which is how callers
  // count what is still in flight; the caller re-arms a receive, accept or poll that completed.
  // Into a buffer of the pool. poll_first: the socket was just read empty, so skip the receive
  // attempt that would fail and wait for data at once.
  void Recv(int fd, uint64_t tag, bool poll_first = false);
  void Send(int fd, const char* data, size_t n, uint64_t tag);
  void Accept(int fd, uint64_t tag);
  void PollIn(int fd, uint64_t tag);
  // Cancels every request on fd, or the request carrying `target`; the cancel itself completes
  // with `tag`.
  void CancelFd(int fd, uint64_t tag);
  void CancelTag(uint64_t target, uint64_t tag);
  void CancelAll(uint64_t tag);

  // Lends buffers, submits the queued requests and waits up to timeout_ms for a completion.
  // Returns false on a ring error the loop cannot go on from (errno says which).
  // With want > 1 and batch_us > 0 (and a kernel that has batch waits, 6.12), it sleeps until
  // `want` completions are there besides those of the sends it submits, or batch_us have passed
  // with at least one: fewer wake-ups per request when many clients are active, at most
  // batch_us of added wait.
  bool Wait(int timeout_ms, unsigned want = 1, unsigned batch_us = 0);
  // Calls fn for every completion there is (including any that fn's own requests produce).
  void ForEachCompletion(absl::FunctionRef<void(const io_uring_cqe&)> fn);
  // Completions waiting to be seen.
  unsigned Ready() const;
  // Calls fn for every waiting completion and leaves them waiting (a look ahead).
  void PeekCompletions(absl::FunctionRef<void(const io_uring_cqe&)> fn);
  // The bytes a receive completion's buffer holds (cqe.res of them), without taking it.
  const char* PeekBuffer(const io_uring_cqe& cqe) const;

  // Receive buffers. A receive completion names the buffer its bytes are in; the caller hands
  // it back once it has used the bytes. Buffers are reused most recently returned first, and
  // only as many are lent to the kernel as were needed at once (the pool grows when the kernel
  // runs out), so the pages the pool keeps resident follow the load.
  //
  // The buffer a receive completion filled, now the caller's until ReturnBuffer; nullptr if the
  // completion carries none.
  const char* TakeBuffer(const io_uring_cqe& cqe, unsigned* id);
  void ReturnBuffer(unsigned id) { free_.push_back(static_cast<uint16_t>(id)); }
  // A receive ended for lack of buffers: lend more from now on.
  void NeedMoreBuffers();
  // An idle worker: lend the starting number again, and give every page of the pool back to the
  // system, lent or not.
  void ReleaseIdleBuffers();

  // One page: a small request touches one page of memory, and a pool that reuses the buffers it
  // lent last keeps as few pages resident as the load needs.
  static constexpr size_t kBufferSize = 4096;
  static constexpr unsigned kMaxBuffers = 4096;  // a power of two: the size of the buffer ring
  static constexpr unsigned kStartLent = 64;

 private:
  Uring() = default;
  io_uring_sqe* Sqe();
  void LendBuffers();

  std::unique_ptr<io_uring> ring_;
  io_uring_buf_ring* buf_ring_ = nullptr;
  char* region_ = nullptr;             // kMaxBuffers * kBufferSize bytes, reserved, touched on use
  std::vector<uint16_t> free_;         // buffers neither lent nor in use; the back is reused first
  unsigned lent_ = 0;                  // buffers in the kernel's ring
  unsigned lend_target_ = kStartLent;  // how many to keep lent
  unsigned sends_queued_ = 0;          // sends queued since the last Wait
  bool batch_wait_ = false;            // the kernel has IORING_FEAT_MIN_TIMEOUT
  bool no_iowait_ = false;             // the kernel has IORING_FEAT_NO_IOWAIT
};

}  // namespace shoal
