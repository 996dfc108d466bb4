// shoal-bench's command-line options: the settings struct, CLI11 wiring and validation.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_OPTIONS_H_
#define SHOAL_TOOLS_SHOAL_BENCH_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tools/shoal-bench/keygen.h"

namespace shoal::bench {

struct Options {
  // Where to connect and how to talk.
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_path;  // Wins over host/port when set.
  std::string user;
  std::string auth;
  int db = 0;
  bool resp3 = false;

  // Load shape.
  int threads = 1;
  int clients = 50;  // Per thread.
  int pipeline = 1;
  uint64_t requests = 100000;  // Total over all connections; kUnlimited with --duration only.
  double duration_s = 0;       // 0: no time limit.
  double rate = 0;             // Requests/s over all connections; 0: max-rate closed loop.
  uint32_t ratio_set = 1;
  uint32_t ratio_get = 10;
  uint64_t data_min = 100;
  uint64_t data_max = 100;
  std::string key_prefix = "key:";
  uint64_t key_min = 1;
  uint64_t key_max = 1000000;
  KeyDistribution key_dist;
  bool expiry = false;
  uint64_t expiry_min = 0;
  uint64_t expiry_max = 0;
  std::vector<std::string> commands;  // Templates; empty: SET/GET by --ratio.
  bool preload = false;

  // Output and limits.
  std::string json_path;
  std::string hdr_path;
  int64_t max_errors = 0;  // Negative: unlimited.
  uint64_t seed = 0;       // Resolved to a random one when not given; reported for reruns.
  double timeout_s = 10;   // A connection with requests outstanding and no reply this long is lost.
  bool progress = false;   // Live line on stdout; main() turns it on for terminals only.

  static constexpr uint64_t kUnlimited = UINT64_MAX;

  int connections() const { return threads * clients; }
  std::string target() const;
};

// Holds option values that need parsing after CLI11 is done with them.
struct RawOptions {
  std::string ratio = "1:10";
  std::string data_size = "100";
  std::string key_pattern = "uniform";
  std::string expiry_range;
};

// Registers every option (with help text) on `app`.
void AddOptions(CLI::App& app, Options* opts, RawOptions* raw);
// Parses the raw strings, resolves defaults that depend on which options were given, and
// validates everything. Call after app.parse().
absl::Status FinishOptions(const CLI::App& app, const RawOptions& raw, Options* opts);

// "N" or "MIN-MAX" (inclusive).
absl::StatusOr<std::pair<uint64_t, uint64_t>> ParseRange(std::string_view text,
                                                         std::string_view what);
// "SET:GET", e.g. "1:10"; either side may be 0, not both.
absl::StatusOr<std::pair<uint32_t, uint32_t>> ParseRatio(std::string_view text);

// Help text shown after the option list: modes, latency accounting, output.
extern const char kHelpFooter[];

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_OPTIONS_H_
