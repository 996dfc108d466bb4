// shoal-bench output: the summary table, the JSON document and the percentile dump.
#include "tools/shoal-bench/report.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/shoal-bench/keygen.h"

namespace shoal::bench {

namespace {

double Ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

std::string Num(double v) { return absl::StrFormat("%.9g", v); }

std::string PercentileKey(double p) { return absl::StrCat("p", p); }  // p50, p99.9, p99.99

std::string ModeText(const Options& o) {
  return o.rate > 0 ? absl::StrFormat("fixed rate %.0f/s (latency from intended send time)", o.rate)
                    : std::string("max-rate (closed loop)");
}

uint64_t Hits(const RunResult& r) {
  uint64_t n = 0;
  for (const CommandResult& c : r.commands) {
    if (c.counts_hits) n += c.replies - c.errors - c.nils;
  }
  return n;
}

uint64_t Misses(const RunResult& r) {
  uint64_t n = 0;
  for (const CommandResult& c : r.commands) {
    if (c.counts_hits) n += c.nils;
  }
  return n;
}

std::string LatencyJson(const LatencyHistogram& h) {
  std::string s = absl::StrCat("{\"min\": ", Num(Ms(h.min())), ", \"mean\": ", Num(h.mean() / 1e6),
                               ", \"stddev\": ", Num(h.stddev() / 1e6));
  for (double p : kReportedPercentiles) {
    absl::StrAppend(&s, ", \"", PercentileKey(p), "\": ", Num(Ms(h.ValueAtPercentile(p))));
  }
  absl::StrAppend(&s, ", \"max\": ", Num(Ms(h.max())), "}");
  return s;
}

std::string HistogramJson(const LatencyHistogram& h) {
  std::string s = absl::StrCat(
      "{\"unit\": \"ns\", \"significant_digits\": 3, \"lowest_ns\": 1, \"highest_ns\": ",
      LatencyHistogram::kMaxValue, ", \"count\": ", h.count(), ", \"overflow\": ", h.overflow(),
      ", \"buckets\": [");
  bool first = true;
  h.ForEachBucket([&](uint64_t lo, uint64_t hi, uint64_t n) {
    absl::StrAppend(&s, first ? "" : ", ", "[", lo, ", ", hi, ", ", n, "]");
    first = false;
  });
  absl::StrAppend(&s, "]}");
  return s;
}

}  // namespace

std::string JsonEscape(std::string_view in) {
  std::string out = "\"";
  for (unsigned char c : in) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          // Keeps the document valid JSON whatever bytes a server put in an error.
          absl::StrAppend(&out, absl::StrFormat("\\u%04x", c));
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string SummaryText(const RunResult& r) {
  const Options& o = r.options;
  std::string s;
  absl::StrAppendFormat(&s, "shoal-bench: %s, %d thread%s x %d clients, pipeline %d, %s\n",
                        o.target(), o.threads, o.threads == 1 ? "" : "s", o.clients, o.pipeline,
                        ModeText(o));
  absl::StrAppendFormat(
      &s, "keys %s%d..%d %s, values %s bytes%s, seed %d\n", o.key_prefix, o.key_min, o.key_max,
      KeyPatternName(o.key_dist),
      o.data_min == o.data_max ? absl::StrCat(o.data_min)
                               : absl::StrCat(o.data_min, "-", o.data_max),
      o.expiry ? absl::StrFormat(", TTL %d-%d s", o.expiry_min, o.expiry_max) : "", o.seed);
  if (o.preload) {
    absl::StrAppendFormat(&s, "preload: %d keys in %.2f s, %d errors\n", r.preload_keys,
                          r.preload_s, r.preload_errors);
  }
  absl::StrAppendFormat(&s, "run: %d replies in %.3f s = %.0f ops/s\n\n", r.replies, r.elapsed_s,
                        r.ops_per_sec);
  absl::StrAppendFormat(&s, "%-12s %12s %12s %9s %10s %10s", "command", "ops/s", "replies",
                        "errors", "hits", "misses");
  for (double p : kReportedPercentiles) absl::StrAppendFormat(&s, " %9s", PercentileKey(p));
  absl::StrAppendFormat(&s, " %9s  (latency ms)\n", "max");
  auto row = [&](std::string_view name, uint64_t replies, uint64_t errors, std::string hits,
                 std::string misses, const LatencyHistogram& h) {
    absl::StrAppendFormat(&s, "%-12s %12.0f %12d %9d %10s %10s", name,
                          r.elapsed_s > 0 ? static_cast<double>(replies) / r.elapsed_s : 0.0,
                          replies, errors, hits, misses);
    for (double p : kReportedPercentiles)
      absl::StrAppendFormat(&s, " %9.3f", Ms(h.ValueAtPercentile(p)));
    absl::StrAppendFormat(&s, " %9.3f\n", Ms(h.max()));
  };
  for (const CommandResult& c : r.commands) {
    row(c.label, c.replies, c.errors + c.lost,
        c.counts_hits ? absl::StrCat(c.replies - c.errors - c.nils) : "-",
        c.counts_hits ? absl::StrCat(c.nils) : "-", c.hist);
  }
  const bool any_get = Hits(r) + Misses(r) > 0;
  row("ALL", r.replies, r.error_replies + r.lost_requests, any_get ? absl::StrCat(Hits(r)) : "-",
      any_get ? absl::StrCat(Misses(r)) : "-", r.overall);
  if (r.failures() > 0) {
    absl::StrAppendFormat(
        &s, "\nerrors: %d (error replies %d, unanswered requests %d, connections lost %d",
        r.failures(), r.error_replies, r.lost_requests, r.connections_lost);
    if (r.preload_errors > 0) absl::StrAppendFormat(&s, ", preload %d", r.preload_errors);
    absl::StrAppend(&s, ")\n");
  }
  for (const auto& [msg, n] : r.error_messages) absl::StrAppendFormat(&s, "  %10d x %s\n", n, msg);
  for (const std::string& e : r.connection_events) absl::StrAppend(&s, "  ", e, "\n");
  if (r.overall.overflow() > 0) {
    absl::StrAppendFormat(&s, "note: %d latencies above 60 s were recorded as 60 s\n",
                          r.overall.overflow());
  }
  if (o.rate > 0 && r.replies > 0 && (r.ops_per_sec < 0.97 * o.rate || r.unsent > 0)) {
    absl::StrAppendFormat(
        &s,
        "note: %.0f of the requested %.0f requests/s were achieved; requests waited "
        "in the client (that wait is part of their latency) and %d scheduled ones "
        "were never sent\n",
        r.ops_per_sec, o.rate, r.unsent);
  }
  if (r.aborted) absl::StrAppend(&s, "run stopped early: ", r.abort_reason, "\n");
  return s;
}

std::string ToJson(const RunResult& r) {
  const Options& o = r.options;
  std::vector<std::string> cmds;
  for (const std::string& c : o.commands) cmds.push_back(JsonEscape(c));
  std::string s = "{\n";
  absl::StrAppend(&s, "  \"tool\": \"shoal-bench\",\n");
  absl::StrAppend(
      &s, "  \"config\": {", "\"target\": ", JsonEscape(o.target()),
      ", \"host\": ", JsonEscape(o.host), ", \"port\": ", o.port,
      ", \"unix\": ", JsonEscape(o.unix_path), ", \"db\": ", o.db,
      ", \"resp3\": ", o.resp3 ? "true" : "false",
      ", \"auth\": ", o.auth.empty() ? "false" : "true", ", \"threads\": ", o.threads,
      ", \"clients_per_thread\": ", o.clients, ", \"connections\": ", o.connections(),
      ", \"pipeline\": ", o.pipeline, ", \"requests\": ",
      o.requests == Options::kUnlimited ? std::string("null") : absl::StrCat(o.requests),
      ", \"duration_s\": ", Num(o.duration_s),
      ", \"mode\": ", o.rate > 0 ? "\"fixed-rate\"" : "\"max-rate\"", ", \"rate\": ", Num(o.rate),
      ", \"ratio\": [", o.ratio_set, ", ", o.ratio_get, "]", ", \"data_size\": [", o.data_min, ", ",
      o.data_max, "]", ", \"key_prefix\": ", JsonEscape(o.key_prefix), ", \"key_min\": ", o.key_min,
      ", \"key_max\": ", o.key_max, ", \"key_pattern\": ", JsonEscape(KeyPatternName(o.key_dist)));
  if (o.expiry) {
    absl::StrAppend(&s, ", \"expiry_range\": [", o.expiry_min, ", ", o.expiry_max, "]");
  } else {
    absl::StrAppend(&s, ", \"expiry_range\": null");
  }
  absl::StrAppend(&s, ", \"commands\": [", absl::StrJoin(cmds, ", "), "]",
                  ", \"preload\": ", o.preload ? "true" : "false",
                  ", \"max_errors\": ", o.max_errors, ", \"seed\": ", o.seed,
                  ", \"timeout_s\": ", Num(o.timeout_s), "},\n");
  absl::StrAppend(&s, "  \"preload\": {\"keys\": ", r.preload_keys,
                  ", \"errors\": ", r.preload_errors, ", \"seconds\": ", Num(r.preload_s), "},\n");
  const uint64_t hits = Hits(r), misses = Misses(r);
  absl::StrAppend(
      &s, "  \"totals\": {\"elapsed_s\": ", Num(r.elapsed_s), ", \"sent\": ", r.sent,
      ", \"replies\": ", r.replies, ", \"ops_per_sec\": ", Num(r.ops_per_sec),
      ", \"errors\": ", r.failures(), ", \"error_replies\": ", r.error_replies,
      ", \"lost_requests\": ", r.lost_requests, ", \"connections_lost\": ", r.connections_lost,
      ", \"unsent\": ", r.unsent, ", \"hits\": ", hits, ", \"misses\": ", misses,
      ", \"hit_ratio\": ",
      hits + misses ? Num(static_cast<double>(hits) / static_cast<double>(hits + misses)) : "null",
      ", \"aborted\": ", r.aborted ? "true" : "false",
      ", \"abort_reason\": ", JsonEscape(r.abort_reason), "},\n");
  absl::StrAppend(&s, "  \"commands\": [");
  bool first = true;
  for (const CommandResult& c : r.commands) {
    absl::StrAppend(&s, first ? "\n" : ",\n", "    {\"name\": ", JsonEscape(c.label),
                    ", \"template\": ", JsonEscape(c.template_text), ", \"sent\": ", c.sent,
                    ", \"replies\": ", c.replies, ", \"ops_per_sec\": ",
                    Num(r.elapsed_s > 0 ? static_cast<double>(c.replies) / r.elapsed_s : 0),
                    ", \"errors\": ", c.errors, ", \"lost\": ", c.lost, ", \"nils\": ", c.nils);
    if (c.counts_hits) {
      absl::StrAppend(&s, ", \"hits\": ", c.replies - c.errors - c.nils, ", \"misses\": ", c.nils);
    }
    absl::StrAppend(&s, ",\n     \"latency_ms\": ", LatencyJson(c.hist),
                    ",\n     \"histogram\": ", HistogramJson(c.hist), "}");
    first = false;
  }
  absl::StrAppend(&s, "\n  ],\n");
  absl::StrAppend(&s, "  \"overall\": {\"latency_ms\": ", LatencyJson(r.overall),
                  ",\n    \"histogram\": ", HistogramJson(r.overall), "},\n");
  absl::StrAppend(&s, "  \"error_messages\": [");
  first = true;
  for (const auto& [msg, n] : r.error_messages) {
    absl::StrAppend(&s, first ? "" : ", ", "{\"message\": ", JsonEscape(msg), ", \"count\": ", n,
                    "}");
    first = false;
  }
  absl::StrAppend(&s, "],\n  \"connection_events\": [");
  first = true;
  for (const std::string& e : r.connection_events) {
    absl::StrAppend(&s, first ? "" : ", ", JsonEscape(e));
    first = false;
  }
  absl::StrAppend(&s, "]\n}\n");
  return s;
}

std::string PercentileDistribution(const LatencyHistogram& h) {
  std::string s = "       Value     Percentile TotalCount 1/(1-Percentile)\n\n";
  const uint64_t total = h.count();
  if (total > 0) {
    // Walk percentiles 0, 10, ..., 50, 55, ..., 75, 77.5, ...: five steps per halving of the
    // remaining distance to 100%, until the last sample is reached.
    constexpr int kTicksPerHalf = 5;
    for (int half = 0; half < 60; ++half) {
      const double lo = 100.0 * (1.0 - std::ldexp(1.0, -half));
      const double step = 100.0 * std::ldexp(1.0, -half - 1) / kTicksPerHalf;
      bool reached_max = false;
      for (int i = 0; i < kTicksPerHalf; ++i) {
        const double p = lo + step * i;
        const uint64_t v = h.ValueAtPercentile(p);
        const uint64_t at = h.CountAtOrBelow(v);
        if (at >= total) {
          reached_max = true;
          break;
        }
        absl::StrAppendFormat(&s, "%12.3f %14.12f %10d %14.2f\n", Ms(v), p / 100.0, at,
                              1.0 / (1.0 - p / 100.0));
      }
      if (reached_max) break;
    }
    absl::StrAppendFormat(&s, "%12.3f %14.12f %10d\n", Ms(h.max()), 1.0, total);
  }
  absl::StrAppendFormat(&s, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", h.mean() / 1e6,
                        h.stddev() / 1e6);
  absl::StrAppendFormat(&s, "#[Max     = %12.3f, Total count    = %12d]\n", Ms(h.max()), total);
  absl::StrAppendFormat(&s, "#[Buckets = %12d, SubBuckets     = %12d]\n",
                        LatencyHistogram::kBucketCount, LatencyHistogram::kSubBucketCount);
  return s;
}

absl::Status WriteFile(const std::string& path, std::string_view content) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return absl::UnavailableError(absl::StrCat(path, ": ", std::strerror(errno)));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  if (std::fclose(f) != 0 || !ok) {
    return absl::DataLossError(absl::StrCat(path, ": write failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace shoal::bench
