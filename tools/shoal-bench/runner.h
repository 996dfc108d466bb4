// Runs a whole shoal-bench benchmark: threads, preload, measurement, merged results.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_RUNNER_H_
#define SHOAL_TOOLS_SHOAL_BENCH_RUNNER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/shoal-bench/histogram.h"
#include "tools/shoal-bench/options.h"

namespace shoal::bench {

struct CommandResult {
  std::string label;
  std::string template_text;
  bool counts_hits = false;
  uint64_t sent = 0;
  uint64_t replies = 0;
  uint64_t errors = 0;
  uint64_t nils = 0;
  uint64_t lost = 0;
  LatencyHistogram hist;
};

struct RunResult {
  Options options;
  std::vector<CommandResult> commands;
  LatencyHistogram overall;
  uint64_t sent = 0;
  uint64_t replies = 0;
  uint64_t error_replies = 0;
  uint64_t lost_requests = 0;
  uint64_t connections_lost = 0;
  uint64_t unsent = 0;   // Fixed rate: due before the end but never sent (client backlog).
  double elapsed_s = 0;  // From the common start to the last reply.
  double ops_per_sec = 0;
  uint64_t preload_keys = 0;
  uint64_t preload_errors = 0;
  double preload_s = 0;
  std::vector<std::pair<std::string, uint64_t>> error_messages;  // Most frequent first.
  std::vector<std::string> connection_events;
  bool aborted = false;
  std::string abort_reason;

  // Error replies + unanswered requests + lost connections: what --max-errors limits.
  uint64_t failures() const {
    return error_replies + lost_requests + connections_lost + preload_errors;
  }
};

// Runs the benchmark described by `opts` (already validated by FinishOptions). Fails only
// when the run could not start (bad template, cannot connect, handshake refused); errors
// during the run are in the result.
absl::StatusOr<RunResult> RunBenchmark(const Options& opts);

// Asks a running benchmark to stop early and report what it has (async-signal-safe).
void RequestStop();

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_RUNNER_H_
