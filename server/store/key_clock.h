// Per-key access metadata for OBJECT IDLETIME / OBJECT FREQ and the eviction policies: what the
// 32-bit Entry::atime holds depends on the policy family, as Redis' 24-bit lru field does.
//   kLru:  the key clock (KeyTicks(), hundredths of a second) at the last access.
//   kLfu:  (minutes & 0xffff) << 8 | a logarithmic access counter (0..255) that grows
//          with probability 1 / ((counter - 5) * lfu-log-factor + 1) per access and loses one
//          per lfu-decay-time minutes without access, and the minute of its last update.
//   kFifo: the key clock when the key was created; accesses leave it.
// Redis' LRU clock counts seconds: a cache whose content turns over within a second (a small
// maxmemory under heavy writes) then has every key equally idle and LRU degrades to random.
// The key clock counts hundredths, read once per batch of commands (a coarse monotonic clock,
// no syscall), and wraps after 497 days; idle times up to 248 days are told apart.
// Switching policy at run time reinterprets what keys hold until they are next accessed, as in
// Redis.
#pragma once

#include <cstdint>

#include "server/store/value.h"

namespace shoal {

enum class KeyClock : uint8_t { kLru, kLfu, kFifo };

inline constexpr uint32_t kLfuInitCounter = 5;
inline constexpr uint32_t kKeyTicksPerSecond = 100;

// The key clock as this thread last read it; a worker refreshes it for every batch it reads and
// in its cron. Threads that never refresh read the clock on each call.
uint32_t KeyTicks();
void RefreshKeyClock();

// Installed from the configuration (maxmemory-policy, lfu-log-factor, lfu-decay-time).
void SetKeyClock(KeyClock mode, int lfu_log_factor, int lfu_decay_time);
KeyClock CurrentKeyClock();

// atime for a key being created.
uint32_t NewKeyAtime();
// Records an access to e.
void TouchKey(Entry* e);
// The LFU counter after the decay owed since its last update (OBJECT FREQ); kLfu mode only.
uint32_t LfuCounter(const Entry* e);
// Ticks since the last access (kLru) or since creation (kFifo); 0 for a stamp a little ahead of
// this thread's clock (another worker read the clock later).
uint32_t IdleTicks(const Entry* e);
inline uint32_t IdleSeconds(const Entry* e) { return IdleTicks(e) / kKeyTicksPerSecond; }

// RESTORE's IDLETIME / FREQ, as Redis applies them: under an LFU policy a given freq (0..255,
// -1: none) becomes the counter, stamped now; under any other policy a given idle time in seconds
// (-1: none) dates the last access (fifo: the creation) that far back, up to the ~248 days the
// clock tells apart. The option that does not fit the policy is ignored. A fresh clock otherwise.
void SetRestoredKeyClock(Entry* e, int64_t lfu_freq, int64_t idle_seconds);

}  // namespace shoal
