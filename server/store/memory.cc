// What the allocator and the kernel say about this process' memory.
#include "server/store/memory.h"

#include "server/store/entry_arena.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

#ifdef SHOAL_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#include <malloc.h>
// From the sanitizer runtime (its header is not always installed).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#else
#include <malloc.h>
#endif

namespace shoal {

uint64_t UsedMemory() {
#ifdef SHOAL_HAVE_JEMALLOC
  uint64_t epoch = 1;
  size_t sz = sizeof(epoch);
  mallctl("epoch", &epoch, &sz, &epoch, sz);
  size_t allocated = 0;
  sz = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &sz, nullptr, 0) == 0) return allocated;
  return 0;
#else
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  uint64_t v = __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 mi = mallinfo2();
  uint64_t v = mi.uordblks + mi.hblkhd;
#endif
  // Sanitizer builds may not report allocator statistics; RSS is the honest upper bound then.
  return v ? v : RssBytes();
#endif
}

uint64_t RssBytes() {
  FILE* f = fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  int n = fscanf(f, "%lu %lu", &size, &resident);
  fclose(f);
  if (n != 2) return 0;
  return static_cast<uint64_t>(resident) * sysconf(_SC_PAGESIZE);
}

void ReleaseThreadCache() {
#ifdef SHOAL_HAVE_JEMALLOC
  mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
#endif
  entry_arena::FlushThreadCache();
}

void ReleaseIdleMemory() {
  ReleaseThreadCache();
#ifdef SHOAL_HAVE_JEMALLOC
  auto purge = [](unsigned arena) {
    char name[32];
    std::snprintf(name, sizeof(name), "arena.%u.purge", arena);
    mallctl(name, nullptr, nullptr, nullptr, 0);
  };
  unsigned arena = 0;
  size_t sz = sizeof(arena);
  if (mallctl("thread.arena", &arena, &sz, nullptr, 0) == 0) purge(arena);
  if (entry_arena::ArenaIndex(&arena)) purge(arena);
#endif
}

#ifdef SHOAL_HAVE_JEMALLOC
namespace {
constexpr int kMaxCountedThreads = 1024;
struct ThreadCounters {
  std::atomic<const uint64_t*> allocated{nullptr};
  std::atomic<const uint64_t*> deallocated{nullptr};
};
ThreadCounters g_counted[kMaxCountedThreads];
std::atomic<int> g_num_counted{0};
std::atomic<int64_t> g_offset{0};  // calibrated total minus the counters' sum at that moment
std::atomic<bool> g_calibrated{false};

// Bytes the registered threads allocated minus freed, since they started. Each counter is written
// only by its own thread; an aligned 64-bit load sees one of its values.
int64_t CountedNet() {
  int64_t net = 0;
  const int n = std::min(g_num_counted.load(std::memory_order_acquire), kMaxCountedThreads);
  for (int i = 0; i < n; ++i) {
    const uint64_t* a = g_counted[i].allocated.load(std::memory_order_acquire);
    const uint64_t* d = g_counted[i].deallocated.load(std::memory_order_relaxed);
    if (a && d) {
      net += static_cast<int64_t>(__atomic_load_n(a, __ATOMIC_RELAXED)) -
             static_cast<int64_t>(__atomic_load_n(d, __ATOMIC_RELAXED));
    }
  }
  return net;
}
}  // namespace

void RegisterMemoryThread() {
  uint64_t* a = nullptr;
  uint64_t* d = nullptr;
  size_t sz = sizeof(a);
  if (mallctl("thread.allocatedp", &a, &sz, nullptr, 0) != 0) return;
  sz = sizeof(d);
  if (mallctl("thread.deallocatedp", &d, &sz, nullptr, 0) != 0) return;
  // A slot is claimed first and filled after; readers skip slots not filled yet.
  const int i = g_num_counted.fetch_add(1, std::memory_order_acq_rel);
  if (i >= kMaxCountedThreads) return;  // uncounted: still right after each calibration
  g_counted[i].deallocated.store(d, std::memory_order_relaxed);
  g_counted[i].allocated.store(a, std::memory_order_release);
  g_calibrated.store(false, std::memory_order_relaxed);
}

void CalibrateUsedMemory() {
  const int64_t before = CountedNet();
  const int64_t total = static_cast<int64_t>(UsedMemory());
  // What the counted threads did while the total was read is split evenly either side.
  const int64_t after = CountedNet();
  g_offset.store(total - (before + after) / 2, std::memory_order_relaxed);
  g_calibrated.store(true, std::memory_order_relaxed);
}

uint64_t UsedMemoryFast() {
  if (!g_calibrated.load(std::memory_order_relaxed)) CalibrateUsedMemory();
  const int64_t v = g_offset.load(std::memory_order_relaxed) + CountedNet();
  return v > 0 ? static_cast<uint64_t>(v) : 0;
}
#else
void RegisterMemoryThread() {}
void CalibrateUsedMemory() {}
uint64_t UsedMemoryFast() { return UsedMemory(); }
#endif

namespace {
std::atomic<uint64_t> g_startup{0};
}  // namespace

void RecordStartupMemory() { g_startup.store(UsedMemory(), std::memory_order_relaxed); }
uint64_t StartupMemory() { return g_startup.load(std::memory_order_relaxed); }

AllocatorStats GetAllocatorStats() {
  AllocatorStats s;
#ifdef SHOAL_HAVE_JEMALLOC
  uint64_t epoch = 1;
  size_t sz = sizeof(epoch);
  mallctl("epoch", &epoch, &sz, &epoch, sz);
  const char* names[] = {"stats.allocated", "stats.active", "stats.resident", "stats.metadata"};
  uint64_t* out[] = {&s.allocated, &s.active, &s.resident, &s.metadata};
  for (int i = 0; i < 4; ++i) {
    size_t v = 0;
    sz = sizeof(v);
    if (mallctl(names[i], &v, &sz, nullptr, 0) == 0) *out[i] = v;
  }
#else
  s.allocated = s.active = UsedMemory();
  s.resident = RssBytes();
#endif
  return s;
}

std::string MallocStats() {
#ifdef SHOAL_HAVE_JEMALLOC
  std::string out;
  malloc_stats_print(
      [](void* arg, const char* text) { static_cast<std::string*>(arg)->append(text); }, &out,
      nullptr);
  return out;
#else
  return "Stats not supported for the current allocator\n";
#endif
}

bool PurgeAllocator() {
#ifdef SHOAL_HAVE_JEMALLOC
  // MALLCTL_ARENAS_ALL (4096): every arena.
  return mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0) == 0;
#else
  return true;
#endif
}

std::string AllocatorName() {
#ifdef SHOAL_HAVE_JEMALLOC
  const char* v = nullptr;
  size_t sz = sizeof(v);
  if (mallctl("version", &v, &sz, nullptr, 0) == 0 && v) {
    std::string s(v);
    auto dash = s.find('-');
    return "jemalloc-" + s.substr(0, dash);
  }
  return "jemalloc";
#else
  return "libc";
#endif
}

}  // namespace shoal
