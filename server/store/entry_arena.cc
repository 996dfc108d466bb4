// Where keyspace entries are allocated (see entry_arena.h).
#include "server/store/entry_arena.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

#ifdef SHOAL_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#include <sys/mman.h>

#include <cstring>
#include <mutex>

#include "spdlog/spdlog.h"
#else
#include <malloc.h>
#endif

namespace shoal {
namespace entry_arena {

#ifdef SHOAL_ENTRY_HANDLES

char* g_base = nullptr;

namespace {

// 2^32 handles of 16 bytes.
constexpr size_t kRangeBytes = size_t{1} << (32 + kHandleShift);
// Handle 0 means "no entry": the range's first bytes are never handed out.
constexpr size_t kReservedHead = size_t{2} << 20;

std::once_flag g_once;
unsigned g_arena = 0;
bool g_needs_mprotect = false;  // the range was reserved inaccessible (strict overcommit)
std::mutex g_mu;
char* g_next = nullptr;  // bump pointer: jemalloc retains extents and reuses them itself
char* g_end = nullptr;

// jemalloc asks the arena's extent hooks for memory; these hand out consecutive pieces of the
// range and never take them back (jemalloc keeps, reuses and purges what it was given).
void* ExtentAlloc(extent_hooks_t*, void* new_addr, size_t size, size_t alignment, bool* zero,
                  bool* commit, unsigned) {
  if (new_addr != nullptr) return nullptr;  // only asked to grow in place: not supported
  std::lock_guard<std::mutex> lock(g_mu);
  const uintptr_t align = alignment ? alignment : 4096;
  const uintptr_t p = (reinterpret_cast<uintptr_t>(g_next) + align - 1) & ~(align - 1);
  if (p + size > reinterpret_cast<uintptr_t>(g_end)) return nullptr;
  if (g_needs_mprotect && mprotect(reinterpret_cast<void*>(p), size, PROT_READ | PROT_WRITE) != 0) {
    return nullptr;
  }
  g_next = reinterpret_cast<char*>(p + size);
  *zero = true;  // never handed out before: fresh zero pages
  *commit = true;
  return reinterpret_cast<void*>(p);
}
bool ExtentDalloc(extent_hooks_t*, void*, size_t, bool, unsigned) { return true; }  // keep it
void ExtentDestroy(extent_hooks_t*, void* addr, size_t size, bool, unsigned) {
  madvise(addr, size, MADV_DONTNEED);
}
bool ExtentCommit(extent_hooks_t*, void*, size_t, size_t, size_t, unsigned) { return false; }
bool ExtentDecommit(extent_hooks_t*, void*, size_t, size_t, size_t, unsigned) {
  return true;  // not supported: jemalloc purges instead
}
bool ExtentPurgeLazy(extent_hooks_t*, void* addr, size_t, size_t offset, size_t length,
                     unsigned) {
  return madvise(static_cast<char*>(addr) + offset, length, MADV_FREE) != 0;
}
bool ExtentPurgeForced(extent_hooks_t*, void* addr, size_t, size_t offset, size_t length,
                       unsigned) {
  return madvise(static_cast<char*>(addr) + offset, length, MADV_DONTNEED) != 0;
}
bool ExtentSplit(extent_hooks_t*, void*, size_t, size_t, size_t, bool, unsigned) { return false; }
bool ExtentMerge(extent_hooks_t*, void*, size_t, void*, size_t, bool, unsigned) { return false; }

extent_hooks_t g_hooks = {ExtentAlloc,     ExtentDalloc,      ExtentDestroy,
                          ExtentCommit,    ExtentDecommit,    ExtentPurgeLazy,
                          ExtentPurgeForced, ExtentSplit,     ExtentMerge};

void Init() {
  void* range = mmap(nullptr, kRangeBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (range == MAP_FAILED) {
    // Strict overcommit counts a writable mapping whole: reserve it inaccessible and open each
    // piece as jemalloc takes it.
    range = mmap(nullptr, kRangeBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
    g_needs_mprotect = true;
  }
  if (range == MAP_FAILED) {
    spdlog::critical("cannot reserve {} GiB of address space for the keyspace: {}",
                     kRangeBytes >> 30, strerror(errno));
    std::abort();
  }
  g_base = static_cast<char*>(range);
  g_next = g_base + kReservedHead;
  g_end = g_base + kRangeBytes;
  extent_hooks_t* hooks = &g_hooks;
  size_t sz = sizeof(g_arena);
  if (mallctl("arenas.create", &g_arena, &sz, &hooks, sizeof(hooks)) != 0) {
    spdlog::critical("cannot create the keyspace arena");
    std::abort();
  }
}

// An explicit tcache per thread for the arena: the thread's default tcache mixes arenas, and a
// cached block from another arena would lie outside the range.
struct ThreadCache {
  unsigned id = 0;
  bool ok = false;
  ThreadCache() {
    size_t sz = sizeof(id);
    ok = mallctl("tcache.create", &id, &sz, nullptr, 0) == 0;
  }
  ~ThreadCache() {
    if (ok) mallctl("tcache.destroy", nullptr, nullptr, &id, sizeof(id));
    ok = false;  // an entry freed later on this thread bypasses the cache
  }
  int flags() const { return ok ? MALLOCX_TCACHE(id) : MALLOCX_TCACHE_NONE; }
};
thread_local ThreadCache t_cache;

}  // namespace

void* Allocate(size_t size) {
  std::call_once(g_once, Init);
  return mallocx(size, MALLOCX_ARENA(g_arena) | t_cache.flags());
}

void Free(void* p) {
  if (p != nullptr) dallocx(p, t_cache.flags());
}

size_t UsableSize(const void* p) { return sallocx(const_cast<void*>(p), 0); }

void FlushThreadCache() {
  if (t_cache.ok) mallctl("tcache.flush", nullptr, nullptr, &t_cache.id, sizeof(t_cache.id));
}

bool StaleReadsSafe() {
  static const bool safe = [] {
    bool retain = false;
    size_t sz = sizeof(retain);
    if (mallctl("opt.retain", &retain, &sz, nullptr, 0) != 0 || !retain) return false;
    // Under strict overcommit jemalloc decommits retained pages by mapping them inaccessible, and
    // a read there would fault.
    FILE* f = std::fopen("/proc/sys/vm/overcommit_memory", "r");
    if (f == nullptr) return false;
    int mode = 2;
    const bool read = std::fscanf(f, "%d", &mode) == 1;
    std::fclose(f);
    return read && mode != 2;
  }();
  return safe;
}

bool ArenaIndex(unsigned* index) {
  if (g_base == nullptr) return false;  // no entry allocated yet
  *index = g_arena;
  return true;
}

size_t Capacity() { return kRangeBytes - kReservedHead; }

namespace {
std::atomic<bool> g_full{false};
}  // namespace

void NoteUsedMemory(uint64_t used_memory) {
  g_full.store(used_memory > Capacity() / 50 * 49, std::memory_order_relaxed);
}

bool Full() { return g_full.load(std::memory_order_relaxed); }

#else  // !SHOAL_ENTRY_HANDLES

void* Allocate(size_t size) { return std::malloc(size); }
void Free(void* p) { std::free(p); }
size_t UsableSize(const void* p) { return malloc_usable_size(const_cast<void*>(p)); }
void FlushThreadCache() {}
bool ArenaIndex(unsigned*) { return false; }
bool StaleReadsSafe() { return false; }
size_t Capacity() { return 0; }
void NoteUsedMemory(uint64_t) {}
bool Full() { return false; }

#endif

}  // namespace entry_arena
}  // namespace shoal
