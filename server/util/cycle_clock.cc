// Cheap elapsed-time measurement: TSC reads calibrated against the steady clock.
#include "server/util/cycle_clock.h"

#include <chrono>
#include <thread>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace shoal {

uint64_t CycleNow() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
#endif
}

namespace {
double Calibrate() {
  auto t0 = std::chrono::steady_clock::now();
  uint64_t c0 = CycleNow();
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto t1 = std::chrono::steady_clock::now();
  uint64_t c1 = CycleNow();
  double us = std::chrono::duration<double, std::micro>(t1 - t0).count();
  double per = us > 0 ? static_cast<double>(c1 - c0) / us : 1.0;
  return per > 0 ? per : 1.0;
}
}  // namespace

double CyclesPerMicrosecond() {
  static const double per = Calibrate();
  return per;
}

}  // namespace shoal
