// shoal-bench: load generator for Shoal and any other RESP server.
#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include "CLI/CLI.hpp"
#include "tools/shoal-bench/options.h"
#include "tools/shoal-bench/report.h"
#include "tools/shoal-bench/runner.h"

namespace {

void OnSignal(int) { shoal::bench::RequestStop(); }

}  // namespace

int main(int argc, char** argv) {
  using namespace shoal::bench;
  CLI::App app{
      "shoal-bench: benchmark a RESP server (Shoal, Redis, ...) with SET/GET mixes or any "
      "command template, in max-rate or fixed-rate mode."};
  Options opts;
  RawOptions raw;
  AddOptions(app, &opts, &raw);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (absl::Status s = FinishOptions(app, raw, &opts); !s.ok()) {
    std::fprintf(stderr, "shoal-bench: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  opts.progress = isatty(STDOUT_FILENO) == 1;

  // Ctrl-C ends the run early but still prints (and writes) what was measured.
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<RunResult> result = RunBenchmark(opts);
  if (!result.ok()) {
    std::fprintf(stderr, "shoal-bench: %s\n", std::string(result.status().message()).c_str());
    return 2;
  }
  std::fputs(SummaryText(*result).c_str(), stdout);
  std::fflush(stdout);
  int rc = 0;
  if (!opts.json_path.empty()) {
    if (absl::Status s = WriteFile(opts.json_path, ToJson(*result)); !s.ok()) {
      std::fprintf(stderr, "shoal-bench: %s\n", std::string(s.message()).c_str());
      rc = 2;
    }
  }
  if (!opts.hdr_path.empty()) {
    if (absl::Status s = WriteFile(opts.hdr_path, PercentileDistribution(result->overall));
        !s.ok()) {
      std::fprintf(stderr, "shoal-bench: %s\n", std::string(s.message()).c_str());
      rc = 2;
    }
  }
  if (opts.max_errors >= 0 && result->failures() > static_cast<uint64_t>(opts.max_errors)) {
    std::fprintf(stderr, "shoal-bench: %llu errors exceed --max-errors %lld\n",
                 static_cast<unsigned long long>(result->failures()),
                 static_cast<long long>(opts.max_errors));
    return 1;
  }
  if (result->connections_lost >= static_cast<uint64_t>(opts.connections())) {
    std::fprintf(stderr, "shoal-bench: all connections were lost\n");
    return 1;
  }
  return rc;
}
