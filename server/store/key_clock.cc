#include "server/store/key_clock.h"

#include <time.h>

#include <algorithm>
#include <atomic>

#include "server/util/fast_random.h"

namespace shoal {

namespace {

std::atomic<KeyClock> g_mode{KeyClock::kLru};
std::atomic<int> g_log_factor{10};
std::atomic<int> g_decay_minutes{1};

thread_local uint32_t tls_ticks = 0;

uint32_t ReadTicks() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  const uint64_t t = static_cast<uint64_t>(ts.tv_sec) * kKeyTicksPerSecond +
                     static_cast<uint64_t>(ts.tv_nsec) / (1'000'000'000 / kKeyTicksPerSecond);
  return static_cast<uint32_t>(t) + 1;  // 0 never appears right after boot
}

uint32_t MinutesNow() { return (KeyTicks() / (60 * kKeyTicksPerSecond)) & 0xffff; }

// Minutes from `then` to now on the 16-bit minute clock, which wraps every ~45 days.
uint32_t MinutesSince(uint32_t then) {
  uint32_t now = MinutesNow();
  return now >= then ? now - then : 0x10000 - then + now;
}

// The counter's growth is a coin toss per access.
double RandomUnit() { return static_cast<double>(FastRandom() >> 11) * 0x1p-53; }

uint32_t DecayedCounter(uint32_t meta) {
  uint32_t counter = meta & 0xff;
  int decay = g_decay_minutes.load(std::memory_order_relaxed);
  uint32_t periods = decay > 0 ? MinutesSince(meta >> 8) / static_cast<uint32_t>(decay) : 0;
  return periods > counter ? 0 : counter - periods;
}

}  // namespace

uint32_t KeyTicks() { return tls_ticks ? tls_ticks : ReadTicks(); }
void RefreshKeyClock() { tls_ticks = ReadTicks(); }

void SetKeyClock(KeyClock mode, int lfu_log_factor, int lfu_decay_time) {
  g_log_factor.store(lfu_log_factor, std::memory_order_relaxed);
  g_decay_minutes.store(lfu_decay_time, std::memory_order_relaxed);
  g_mode.store(mode, std::memory_order_relaxed);
}

KeyClock CurrentKeyClock() { return g_mode.load(std::memory_order_relaxed); }

uint32_t NewKeyAtime() {
  if (CurrentKeyClock() == KeyClock::kLfu) return MinutesNow() << 8 | kLfuInitCounter;
  return KeyTicks();
}

void TouchKey(Entry* e) {
  switch (CurrentKeyClock()) {
    case KeyClock::kLru:
      e->atime = KeyTicks();
      return;
    case KeyClock::kFifo:
      return;
    case KeyClock::kLfu: {
      uint32_t counter = DecayedCounter(e->atime);
      if (counter < 255) {
        double base = counter > kLfuInitCounter ? counter - kLfuInitCounter : 0;
        double p = 1.0 / (base * g_log_factor.load(std::memory_order_relaxed) + 1);
        if (RandomUnit() < p) ++counter;
      }
      e->atime = MinutesNow() << 8 | counter;
      return;
    }
  }
}

void SetRestoredKeyClock(Entry* e, int64_t lfu_freq, int64_t idle_seconds) {
  e->atime = NewKeyAtime();
  if (CurrentKeyClock() == KeyClock::kLfu) {
    if (lfu_freq >= 0) {
      e->atime = MinutesNow() << 8 | static_cast<uint32_t>(std::min<int64_t>(lfu_freq, 255));
    }
    return;
  }
  if (idle_seconds < 0) return;
  // IdleTicks reads the difference as a signed 32-bit count of ticks.
  constexpr int64_t kMaxIdleTicks = INT32_MAX;
  const int64_t ticks = idle_seconds > kMaxIdleTicks / kKeyTicksPerSecond
                            ? kMaxIdleTicks
                            : idle_seconds * kKeyTicksPerSecond;
  e->atime = KeyTicks() - static_cast<uint32_t>(ticks);
}

uint32_t LfuCounter(const Entry* e) { return DecayedCounter(e->atime); }

uint32_t IdleTicks(const Entry* e) {
  const int32_t idle = static_cast<int32_t>(KeyTicks() - e->atime);
  return idle > 0 ? static_cast<uint32_t>(idle) : 0;
}

}  // namespace shoal
