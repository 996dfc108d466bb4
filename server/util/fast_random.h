// A fast per-thread pseudo-random generator (xorshift64*): expiry jitter, RANDOMKEY, eviction
// sampling, the LFU counter's coin tosses. Not for anything that must be unpredictable.
#pragma once

#include <chrono>
#include <cstdint>

namespace shoal {

inline uint64_t FastRandom() {
  thread_local uint64_t state = [] {
    uint64_t seed = static_cast<uint64_t>(
                        std::chrono::steady_clock::now().time_since_epoch().count()) ^
                    reinterpret_cast<uintptr_t>(&state);
    return seed ? seed : 0x9E3779B97F4A7C15ull;
  }();
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}

}  // namespace shoal
