// Fixed-rate (open-loop) request schedule: when each request of a connection is meant to go out.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_RATE_H_
#define SHOAL_TOOLS_SHOAL_BENCH_RATE_H_

#include <cstdint>

namespace shoal::bench {

// In fixed-rate mode the total rate is split evenly over all connections and each
// connection's requests are spaced 1/rate_per_connection apart, with connections phase-
// shifted so the combined stream is evenly spaced too. A request's latency is measured from
// its intended time, not from when it was actually written: if the server stalls, the
// requests that should have gone out during the stall are charged the time they waited to
// be sent. A closed-loop tool instead sends nothing during a stall and records it as one
// slow sample — the "coordinated omission" that hides stalls in percentiles.
class RateSchedule {
 public:
  RateSchedule() = default;
  // total_rate: requests per second over all `connections`; `index` is this connection's
  // place among them; times are nanoseconds on the monotonic clock.
  RateSchedule(double total_rate, int connections, int index, int64_t start_ns);

  // Intended send time of this connection's request number i (0-based). Computed from i,
  // not accumulated, so rounding never drifts.
  int64_t IntendedTime(uint64_t i) const {
    return start_ns_ + static_cast<int64_t>(phase_ns_ + static_cast<double>(i) * interval_ns_);
  }
  // How many requests (numbered from 0) are due at `now_ns`.
  uint64_t DueCount(int64_t now_ns) const;

  double interval_ns() const { return interval_ns_; }
  int64_t start_ns() const { return start_ns_; }

 private:
  int64_t start_ns_ = 0;
  double phase_ns_ = 0;
  double interval_ns_ = 0;
};

// The deterministic SET/GET interleaving for --ratio S:G: a cycle of S+G slots in which the
// S SETs are spread as evenly as possible (1:3 gives G G G S, 2:3 gives G G S G S), so any
// window of the run sees the requested mix, not long runs of one command.
bool RatioSlotIsFirst(uint64_t slot, uint32_t first, uint32_t second);

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_RATE_H_
