// Runs a whole shoal-bench benchmark: spawns workers, syncs phases, shows progress, merges results.
#include "tools/shoal-bench/runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/shoal-bench/text.h"
#include "tools/shoal-bench/worker.h"

namespace shoal::bench {

namespace {

std::atomic<bool> g_stop_requested{false};

absl::StatusOr<CommandTemplate> MustParse(std::string_view text) {
  auto t = CommandTemplate::Parse(text);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--command \"", AV(text), "\": ", t.status().message()));
  }
  return t;
}

absl::Status BuildCommands(SharedRunState& s) {
  const Options& o = s.opts;
  if (o.commands.empty()) {
    if (o.ratio_set > 0) {
      auto t = MustParse(o.expiry ? "SET __key__ __data__ EX __expiry__" : "SET __key__ __data__");
      if (!t.ok()) return t.status();
      s.commands.push_back(CommandSpec{*std::move(t), "SET", false});
    }
    if (o.ratio_get > 0) {
      auto t = MustParse("GET __key__");
      if (!t.ok()) return t.status();
      s.commands.push_back(CommandSpec{*std::move(t), "GET", true});
    }
  } else {
    absl::flat_hash_map<std::string, int> seen;
    for (const std::string& text : o.commands) {
      auto t = MustParse(text);
      if (!t.ok()) return t.status();
      std::string label = t->name();
      const int n = ++seen[label];
      if (n > 1) absl::StrAppend(&label, "#", n);
      const bool is_get = t->name() == "GET";
      s.commands.push_back(CommandSpec{*std::move(t), std::move(label), is_get});
    }
  }
  auto preload = MustParse("SET __key__ __data__");
  if (!preload.ok()) return preload.status();
  s.preload_tmpl = *std::move(preload);
  // Printable, random-looking values: compressible-by-accident data would flatter servers
  // that compress, and binary junk makes redis-cli output unreadable.
  Rng rng = MakeRng(o.seed, uint64_t{1} << 40);
  s.data.resize(o.data_max);
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (char& c : s.data) c = kAlphabet[absl::Uniform<size_t>(rng, 0, sizeof(kAlphabet) - 1)];
  return absl::OkStatus();
}

std::string FormatMs(uint64_t ns) { return absl::StrFormat("%.3f", static_cast<double>(ns) / 1e6); }

}  // namespace

void RequestStop() { g_stop_requested.store(true); }

absl::StatusOr<RunResult> RunBenchmark(const Options& opts) {
  g_stop_requested.store(false);
  auto shared = std::make_unique<SharedRunState>(opts.threads);
  shared->opts = opts;
  if (absl::Status s = BuildCommands(*shared); !s.ok()) return s;

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < opts.threads; ++i)
    workers.push_back(std::make_unique<Worker>(shared.get(), i));
  std::atomic<int> finished{0};
  const int64_t t0 = NowNs();
  std::vector<std::thread> threads;
  for (auto& w : workers) {
    threads.emplace_back([&w, &finished] {
      w->Run();
      finished.fetch_add(1);
    });
  }

  // Connecting and preloading. The progress line counts preloaded keys.
  const uint64_t preload_total = opts.preload ? opts.key_max - opts.key_min + 1 : 0;
  int64_t next_line = t0 + 1'000'000'000;
  while (!shared->ready.try_wait()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (g_stop_requested.load()) shared->stop.store(true);
    if (opts.progress && opts.preload && NowNs() >= next_line) {
      next_line += 1'000'000'000;
      uint64_t done = 0;
      for (auto& w : workers) done += w->preloaded();
      std::printf("\r\x1b[Kpreloading: %llu / %llu keys", static_cast<unsigned long long>(done),
                  static_cast<unsigned long long>(preload_total));
      std::fflush(stdout);
    }
  }
  absl::Status setup = absl::OkStatus();
  for (auto& w : workers) {
    if (!w->result().setup.ok()) {
      setup = w->result().setup;
      break;
    }
  }
  shared->start_ns = NowNs();
  shared->end_ns =
      opts.duration_s > 0 ? shared->start_ns + static_cast<int64_t>(opts.duration_s * 1e9) : 0;
  shared->go.Notify();

  // Measuring. Once a second, collect what workers handed over and print a line.
  LatencyHistogram interval;
  int64_t last_line = shared->start_ns;
  next_line = shared->start_ns + 1'000'000'000;
  while (finished.load() < opts.threads) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (g_stop_requested.load()) shared->stop.store(true);
    const int64_t now = NowNs();
    if (!opts.progress || now < next_line) continue;
    next_line += 1'000'000'000;
    interval.Reset();
    uint64_t replies = 0, failures = 0;
    for (auto& w : workers) {
      const Worker::Progress p = w->TakeInterval(&interval);
      replies += p.replies;
      failures += p.failures;
    }
    const double secs = static_cast<double>(now - last_line) / 1e9;
    last_line = now;
    std::printf("\r\x1b[K[%6.1fs] %10.0f ops/s  p50 %s ms  p99 %s ms  errors %llu",
                static_cast<double>(now - shared->start_ns) / 1e9,
                static_cast<double>(replies) / secs,
                FormatMs(interval.ValueAtPercentile(50)).c_str(),
                FormatMs(interval.ValueAtPercentile(99)).c_str(),
                static_cast<unsigned long long>(failures));
    std::fflush(stdout);
  }
  for (std::thread& t : threads) t.join();
  if (opts.progress) {
    std::printf("\r\x1b[K");
    std::fflush(stdout);
  }
  if (!setup.ok()) return setup;

  RunResult r;
  r.options = opts;
  for (const CommandSpec& spec : shared->commands) {
    CommandResult c;
    c.label = spec.label;
    c.template_text = spec.tmpl.text();
    c.counts_hits = spec.counts_hits;
    r.commands.push_back(std::move(c));
  }
  absl::flat_hash_map<std::string, uint64_t> messages;
  int64_t last_reply = 0;
  int64_t preload_end = t0;
  for (auto& w : workers) {
    ThreadResult& tr = w->result();
    for (size_t i = 0; i < tr.commands.size(); ++i) {
      CommandResult& c = r.commands[i];
      const CommandStats& s = tr.commands[i];
      c.sent += s.sent;
      c.replies += s.replies;
      c.errors += s.errors;
      c.nils += s.nils;
      c.lost += s.lost;
      c.hist.Merge(s.hist);
    }
    for (const auto& [msg, n] : tr.error_messages) messages[msg] += n;
    for (std::string& e : tr.connection_events) r.connection_events.push_back(std::move(e));
    r.connections_lost += tr.connections_lost;
    r.preload_keys += tr.preload_keys;
    r.preload_errors += tr.preload_errors;
    r.unsent += tr.unsent;
    last_reply = std::max(last_reply, tr.last_reply_ns);
    preload_end = std::max(preload_end, tr.preload_end_ns);
  }
  for (const CommandResult& c : r.commands) {
    r.overall.Merge(c.hist);
    r.sent += c.sent;
    r.replies += c.replies;
    r.error_replies += c.errors;
    r.lost_requests += c.lost;
  }
  r.error_messages.assign(messages.begin(), messages.end());
  std::sort(r.error_messages.begin(), r.error_messages.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  const int64_t end = last_reply > shared->start_ns ? last_reply : NowNs();
  r.elapsed_s = static_cast<double>(end - shared->start_ns) / 1e9;
  r.ops_per_sec = r.elapsed_s > 0 ? static_cast<double>(r.replies) / r.elapsed_s : 0;
  r.preload_s = opts.preload ? static_cast<double>(preload_end - t0) / 1e9 : 0;
  if (g_stop_requested.load()) {
    r.aborted = true;
    r.abort_reason = "interrupted";
  } else if (opts.max_errors >= 0 && r.failures() > static_cast<uint64_t>(opts.max_errors)) {
    r.aborted = shared->stop.load();
    r.abort_reason = absl::StrCat("errors exceeded --max-errors ", opts.max_errors);
  } else if (r.connections_lost >= static_cast<uint64_t>(opts.connections())) {
    r.aborted = true;
    r.abort_reason = "all connections lost";
  }
  return r;
}

}  // namespace shoal::bench
