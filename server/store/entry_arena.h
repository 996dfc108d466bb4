// Where keyspace entries are allocated, and how the keyspace table names them.
//
// With jemalloc, entries come from an arena of their own whose memory lies in one reserved range
// of address space, so a 32-bit handle (the entry's offset in the range, in 16-byte units) names
// any of them: the keyspace table's buckets and the entries' chain links take 4 bytes instead of
// 8, about 4 bytes per key in the bucket array and 4 more in every entry. The range is 64 GiB:
// the most a single instance holds in keys and values. Builds without jemalloc (the sanitizer
// builds) take entries from malloc and name them by pointers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace shoal {

struct Entry;

#ifdef SHOAL_HAVE_JEMALLOC
#define SHOAL_ENTRY_HANDLES 1
using EntryLink = uint32_t;
#else
using EntryLink = Entry*;
#endif

namespace entry_arena {

// Memory for one entry (16-byte aligned), or nullptr when the range is full.
void* Allocate(size_t size);
void Free(void* p);
size_t UsableSize(const void* p);
// Returns the calling thread's cache of freed entries to the arena (an idle worker).
void FlushThreadCache();
// The jemalloc arena entries come from, once the first one is allocated (false before that, and
// in builds without the arena).
bool ArenaIndex(unsigned* index);
// Whether a read of memory the allocator has been given back may be done without a fault: true
// when jemalloc retains the address space it maps instead of unmapping it (opt.retain, the
// default on 64-bit Linux) and the kernel overcommits (otherwise jemalloc decommits retained
// pages by mapping them inaccessible). The lock-free chain prefetch (DbTable::PrefetchChain)
// reads a bucket array another worker may just have freed, and does so only then.
bool StaleReadsSafe();
// Bytes the range can hold (0 without the range).
size_t Capacity();
// Writes are refused with an OOM error once used memory nears the capacity (2% short of it:
// used memory counts more than entries, and jemalloc keeps some slack), before an allocation
// could fail. The workers' cron reports used memory; Full() is a relaxed load.
void NoteUsedMemory(uint64_t used_memory);
bool Full();

#ifdef SHOAL_ENTRY_HANDLES
inline constexpr int kHandleShift = 4;
// The range's start, set before the first entry is allocated and never changed.
extern char* g_base;
inline EntryLink ToLink(const Entry* e) {
  return e == nullptr ? 0
                      : static_cast<EntryLink>(
                            (reinterpret_cast<const char*>(e) - g_base) >> kHandleShift);
}
inline Entry* FromLink(EntryLink l) {
  return l == 0 ? nullptr : reinterpret_cast<Entry*>(g_base + (uintptr_t{l} << kHandleShift));
}
#else
inline EntryLink ToLink(const Entry* e) { return const_cast<Entry*>(e); }
inline Entry* FromLink(EntryLink l) { return l; }
#endif

}  // namespace entry_arena
}  // namespace shoal
