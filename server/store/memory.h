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
// ReleaseThreadCache, then the free pages of the calling thread's arena and of the keyspace arena
// go back to the OS at once instead of after the decay time (a second): a worker that has gone
// idle keeps no memory that serves only a burst.
void ReleaseIdleMemory();

// Allocated bytes cheaply enough to check before every command when maxmemory is set (reading
// jemalloc's total costs ~13 us): the total at the last calibration plus what the registered
// threads have allocated minus freed since, from jemalloc's per-thread counters. The workers
// register (they do nearly all allocating and freeing) and calibrate from their cron, so what
// other threads do shows up within one cron period. Builds without jemalloc read UsedMemory().
void RegisterMemoryThread();

// What the allocator holds: bytes handed out, in active pages, resident, and its own metadata.
struct AllocatorStats {
  uint64_t allocated = 0, active = 0, resident = 0, metadata = 0;
};
AllocatorStats GetAllocatorStats();
// The allocator's statistics report as text (MEMORY MALLOC-STATS).
std::string MallocStats();
// Returns every arena's unused dirty pages to the OS now (MEMORY PURGE); false on failure.
bool PurgeAllocator();
// UsedMemory() once the server is up, before any client (MEMORY STATS' startup.allocated).
void RecordStartupMemory();
uint64_t StartupMemory();
void CalibrateUsedMemory();
uint64_t UsedMemoryFast();
}  // namespace shoal
