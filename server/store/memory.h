// What the allocator and the kernel say about this process' memory (INFO memory).
#pragma once

#include <cstdint>
#include <string>

namespace shoal {
uint64_t UsedMemory();  // bytes allocated by the application, from jemalloc's stats
uint64_t RssBytes();    // resident set size from /proc/self/statm
std::string AllocatorName();
}  // namespace shoal
