// Locks: SpinMutex for the keyspace shards; for every other structure shared between threads,
// absl::Mutex, or a std::shared_mutex with the same interface in ThreadSanitizer builds.
//
// Debian's Abseil is not built with TSan, so TSan cannot see absl::Mutex's own synchronization
// and would report every access guarded by one as a race; libstdc++'s mutexes go through pthread,
// which TSan intercepts. Code names shoal::Mutex / MutexLock / ReaderMutexLock and works the same
// under both.
#pragma once

#include <sched.h>
#include <time.h>

#include <atomic>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

#if defined(__SANITIZE_THREAD__)
#include <shared_mutex>
#endif

namespace shoal {

// The shard lock. A shard is locked for one command at a time (or a run of them under EXEC), a
// few hundred nanoseconds, by at most `threads` workers; absl::Mutex's Unlock is a locked
// compare-and-swap, which waits for every store the command made to reach the cache (7-8% of a
// worker's time under pipelined SETs, in `perf annotate`), while this lock's Unlock is a plain
// release store. Waiters spin briefly, then yield the CPU, then sleep 20 µs at a time, so a long
// holder (FLUSHALL, KEYS on a large keyspace) costs the waiting worker little more than a blocked
// mutex would. std::atomic is visible to ThreadSanitizer, so TSan builds check it as it is.
class ABSL_LOCKABLE SpinMutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    for (int spins = 0;; ++spins) {
      if (!locked_.load(std::memory_order_relaxed) &&
          !locked_.exchange(true, std::memory_order_acquire)) {
        return;
      }
      if (spins < 128) {
        CpuRelax();
      } else if (spins < 256) {
        sched_yield();
      } else {
        // A long holder (FLUSHALL, KEYS, a big *STORE): stop taking a core from it and the rest.
        timespec pause{0, 20'000};
        nanosleep(&pause, nullptr);
      }
    }
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() { locked_.store(false, std::memory_order_release); }

 private:
  static void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }
  std::atomic<bool> locked_{false};
};

// Holds an exclusive lock of M (anything with Lock/Unlock) for its scope.
template <typename M>
class ABSL_SCOPED_LOCKABLE ScopedLock {
 public:
  explicit ScopedLock(M* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~ScopedLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  ScopedLock(const ScopedLock&) = delete;
  ScopedLock& operator=(const ScopedLock&) = delete;

 private:
  M* mu_;
};

using SpinMutexLock = ScopedLock<SpinMutex>;

#if defined(__SANITIZE_THREAD__)

class ABSL_LOCKABLE Mutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { m_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { m_.unlock(); }
  void ReaderLock() ABSL_SHARED_LOCK_FUNCTION() { m_.lock_shared(); }
  void ReaderUnlock() ABSL_UNLOCK_FUNCTION() { m_.unlock_shared(); }

 private:
  std::shared_mutex m_;
};

using MutexLock = ScopedLock<Mutex>;

class ABSL_SCOPED_LOCKABLE ReaderMutexLock {
 public:
  explicit ReaderMutexLock(Mutex* mu) ABSL_SHARED_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->ReaderLock();
  }
  ~ReaderMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->ReaderUnlock(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  Mutex* mu_;
};

#else

using Mutex = absl::Mutex;
using MutexLock = absl::MutexLock;
using ReaderMutexLock = absl::ReaderMutexLock;

#endif

}  // namespace shoal
