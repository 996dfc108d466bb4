// Fixed-rate request schedule and ratio interleaving.
#include "tools/shoal-bench/rate.h"

#include <cmath>

namespace shoal::bench {

RateSchedule::RateSchedule(double total_rate, int connections, int index, int64_t start_ns)
    : start_ns_(start_ns) {
  const double per_conn = total_rate / connections;
  interval_ns_ = 1e9 / per_conn;
  phase_ns_ = interval_ns_ * index / connections;
}

uint64_t RateSchedule::DueCount(int64_t now_ns) const {
  const double since = static_cast<double>(now_ns - start_ns_) - phase_ns_;
  if (since < 0) return 0;
  uint64_t n = static_cast<uint64_t>(std::floor(since / interval_ns_)) + 1;
  // Floating point may put the boundary one off; settle it with IntendedTime itself.
  while (n > 0 && IntendedTime(n - 1) > now_ns) --n;
  while (IntendedTime(n) <= now_ns) ++n;
  return n;
}

bool RatioSlotIsFirst(uint64_t slot, uint32_t first, uint32_t second) {
  const uint64_t cycle = uint64_t{first} + second;
  if (cycle == 0 || first == 0) return false;
  if (second == 0) return true;
  // Slot s is a "first" when floor((s+1)*F/C) steps up: F evenly spaced hits per cycle.
  const uint64_t s = slot % cycle;
  return ((s + 1) * first) / cycle != (s * first) / cycle;
}

}  // namespace shoal::bench
