// How used memory divides, as Redis reports it (MEMORY STATS, INFO memory), for what Shoal has.
#pragma once

#include <cstdint>
#include <vector>

#include "server/store/memory.h"

namespace shoal {

struct CommandContext;

struct MemoryBreakdown {
  AllocatorStats allocator;  // allocator.allocated is the used memory
  uint64_t startup = 0;      // in use when the server came up
  std::vector<uint64_t> db_tables;  // bucket-array bytes per db
  uint64_t tables = 0;              // their sum
  uint64_t keys = 0;
  uint64_t used() const { return allocator.allocated; }
  uint64_t overhead() const { return startup + tables; }
  uint64_t dataset() const { return used() > overhead() ? used() - overhead() : 0; }
  uint64_t net() const { return used() > startup ? used() - startup : 0; }
};

// Reads the allocator once and every shard's tables under their locks.
MemoryBreakdown ComputeMemoryBreakdown(CommandContext& ctx);

inline double Ratio(uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / b : 0.0; }
inline int64_t Diff(uint64_t a, uint64_t b) {
  return static_cast<int64_t>(a) - static_cast<int64_t>(b);
}

}  // namespace shoal
