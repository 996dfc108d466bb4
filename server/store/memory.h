// What the allocator and the kernel say about this process' memory (INFO memory).
#pragma once

#include <cstdint>
#include <string>

namespace shoal {
uint64_t UsedMemory();  // bytes allocated by the application, from jemalloc's stats
uint64_t RssBytes();    // resident set size from /proc/self/statm
std::string AllocatorName();
// Returns the calling thread's allocator cache (freed blocks kept for reuse by this thread) to the
// shared arenas, where whole free pages are given back to the OS after the decay time. A worker
// calls it once it has gone idle: a burst of growing and shrinking buffers (a list loaded by
// RPUSH reallocs every node through each size class) otherwise leaves up to a megabyte cached
// per thread.
void ReleaseThreadCache();
}  // namespace shoal
