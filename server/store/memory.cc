// What the allocator and the kernel say about this process' memory.
#include "server/store/memory.h"

#include <unistd.h>

#include <cstdio>

#ifdef SHOAL_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif defined(__SANITIZE_ADDRESS__)
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
#if defined(__SANITIZE_ADDRESS__)
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
