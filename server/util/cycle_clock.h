// Cheap elapsed-time measurement for per-command statistics.
#pragma once

#include <cstdint>

namespace shoal {

// A raw tick count: the TSC on x86-64 (constant and non-stop on every CPU this targets; ~25 ns to
// read even under a hypervisor, where clock_gettime on a paravirtual clock costs ~60 ns), the
// steady clock elsewhere.
uint64_t CycleNow();
// Ticks per microsecond, calibrated against the steady clock once, on first use (~10 ms).
double CyclesPerMicrosecond();

}  // namespace shoal
