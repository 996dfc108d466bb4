// Per-key access metadata for OBJECT IDLETIME / OBJECT FREQ and the eviction policies: what the
// 32-bit Entry::atime holds depends on the policy family, as Redis' 24-bit lru field does.
//   kLru:  the access clock (LruClock(), seconds) of the last access.
//   kLfu:  (minutes & 0xffff) << 8 | counter: a logarithmic access counter (0..255) that grows
//          with probability 1 / ((counter - 5) * lfu-log-factor + 1) per access and loses one
//          per lfu-decay-time minutes without access, and the minute of its last update.
//   kFifo: the access clock when the key was created; accesses leave it.
// Switching policy at run time reinterprets what keys hold until they are next accessed, as in
// Redis.
#pragma once

#include <cstdint>

#include "server/store/value.h"

namespace shoal {

enum class KeyClock : uint8_t { kLru, kLfu, kFifo };

inline constexpr uint32_t kLfuInitCounter = 5;

// Installed from the configuration (maxmemory-policy, lfu-log-factor, lfu-decay-time).
void SetKeyClock(KeyClock mode, int lfu_log_factor, int lfu_decay_time);
KeyClock CurrentKeyClock();

// atime for a key being created.
uint32_t NewKeyAtime();
// Records an access to e.
void TouchKey(Entry* e);
// The LFU counter after the decay owed since its last update (OBJECT FREQ); kLfu mode only.
uint32_t LfuCounter(const Entry* e);
// Seconds since the last access (kLru) or since creation (kFifo).
uint32_t IdleSeconds(const Entry* e);

}  // namespace shoal
