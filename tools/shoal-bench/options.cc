// shoal-bench's command-line options: CLI11 wiring, parsing of compound values, validation.
#include "tools/shoal-bench/options.h"

#include <cmath>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/shoal-bench/text.h"

namespace shoal::bench {

const char kHelpFooter[] = R"(
MODES
  Max-rate (default): closed loop. Every connection sends a batch of --pipeline requests
  in one write, waits for all replies, and sends the next batch at once. Latency is the
  time from the batch's write to each reply. This finds the highest throughput, but like
  every closed-loop tool it under-reports stalls: while the server is stuck, nothing is
  sent, so a 200 ms stall costs one slow sample per connection, not 200 ms worth of them.

  Fixed-rate (--rate N): open loop. The N requests/s are split evenly over all
  connections, each request gets an intended send time on a fixed schedule, and it is
  sent when that time comes (up to --pipeline outstanding per connection). Latency is
  measured from the INTENDED time, not from the actual write, so requests that should
  have been sent during a stall are charged the time they waited: this corrects
  "coordinated omission", and the percentiles show what users at that rate would see.

LATENCY
  Every reply's latency goes into a log-linear histogram with 3 significant digits
  (relative error < 0.1%) from 1 ns to 60 s, per command and overall; threads' histograms
  are merged at the end. Reported: p50 p90 p99 p99.9 p99.99 max, in milliseconds.

KEYS, VALUES, COMMANDS
  Keys are --key-prefix followed by a number from --key-min..--key-max drawn by
  --key-pattern: uniform; sequential (each thread walks the range from its own start);
  zipf[:S] (key-min is rank 1, P(rank k) ~ 1/k^S, default S 0.99); gaussian[:F] (mean at
  the middle of the range, standard deviation F times its width, default 1/6; draws outside
  the range are redrawn). Without --command the mix is SET key value [EX ttl] and GET key
  by --ratio SET:GET, interleaved evenly. Each --command TEMPLATE (repeatable; requests go
  round-robin over them) is split like redis-cli does and may use __key__, __data__
  (a --data-size value) and __expiry__ (seconds from --expiry-range) in any argument.
  GET replies are counted as hits (a value) or misses (nil).
  --preload first SETs every key of the range once (without TTL), unmeasured; with
  --requests 0 it only preloads.

OUTPUT
  A live progress line once a second when stdout is a terminal; a summary table at the
  end; --json FILE with the configuration, all counters, percentiles and the non-empty
  histogram buckets; --hdr-out FILE with a percentile distribution for plotting
  (HdrHistogram text layout, values in ms). Error replies are counted and the most
  frequent messages shown; lost connections are reported. The exit status is 1 when
  errors (error replies + unanswered requests + lost connections) exceed --max-errors,
  in which case the run also stops early; 2 for usage or connection set-up failures.
)";

std::string Options::target() const {
  if (!unix_path.empty()) return absl::StrCat("unix:", unix_path);
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> ParseRange(std::string_view text_sv,
                                                         std::string_view what_sv) {
  const absl::string_view text = AV(text_sv), what = AV(what_sv);
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  uint64_t lo = 0, hi = 0;
  if (parts.size() == 1 && absl::SimpleAtoi(parts[0], &lo)) return std::pair{lo, lo};
  if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &lo) && absl::SimpleAtoi(parts[1], &hi)) {
    if (lo > hi) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": MIN is larger than MAX in '", text, "'"));
    }
    return std::pair{lo, hi};
  }
  return absl::InvalidArgumentError(absl::StrCat(what, ": want N or MIN-MAX, got '", text, "'"));
}

absl::StatusOr<std::pair<uint32_t, uint32_t>> ParseRatio(std::string_view text_sv) {
  const absl::string_view text = AV(text_sv);
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  uint32_t s = 0, g = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &s) || !absl::SimpleAtoi(parts[1], &g)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--ratio: want SET:GET such as 1:10, got '", text, "'"));
  }
  if (s == 0 && g == 0) return absl::InvalidArgumentError("--ratio: SET and GET cannot both be 0");
  if (uint64_t{s} + g > 1'000'000) return absl::InvalidArgumentError("--ratio: terms too large");
  return std::pair{s, g};
}

void AddOptions(CLI::App& app, Options* o, RawOptions* raw) {
  app.add_option("--host", o->host, "Server host name or address")->capture_default_str();
  app.add_option("-p,--port", o->port, "Server TCP port")->capture_default_str();
  app.add_option("--unix", o->unix_path, "Connect to this unix socket instead of TCP");
  app.add_option("--user", o->user, "ACL user name for --auth (AUTH user password)");
  app.add_option("-a,--auth", o->auth, "Password sent with AUTH (or HELLO 3 AUTH) on connect");
  app.add_option("--db", o->db, "Database number to SELECT on connect")->capture_default_str();
  app.add_flag("--resp3", o->resp3, "Switch connections to RESP3 with HELLO 3");

  app.add_option("-t,--threads", o->threads, "Client threads, one event loop each")
      ->capture_default_str();
  app.add_option("-c,--clients", o->clients, "Connections per thread")->capture_default_str();
  app.add_option("-P,--pipeline", o->pipeline,
                 "Requests per batch (max-rate) or outstanding per connection (--rate)")
      ->capture_default_str();
  app.add_option("-n,--requests", o->requests,
                 "Total requests to send (default 100000 unless --duration is given)");
  app.add_option("--duration", o->duration_s, "Run for this many seconds (may be fractional)");
  app.add_option("--rate", o->rate,
                 "Fixed total rate in requests/s (open loop, latency from intended send "
                 "time); 0 = max-rate closed loop")
      ->capture_default_str();
  app.add_option("--ratio", raw->ratio, "SET:GET mix when no --command is given")
      ->capture_default_str();
  app.add_option("-d,--data-size", raw->data_size, "Value size in bytes: N or MIN-MAX (uniform)")
      ->capture_default_str();
  app.add_option("--key-prefix", o->key_prefix, "Prefix of every key")->capture_default_str();
  app.add_option("--key-min", o->key_min, "Smallest key number")->capture_default_str();
  app.add_option("--key-max", o->key_max, "Largest key number")->capture_default_str();
  app.add_option("--key-pattern", raw->key_pattern,
                 "uniform | sequential | zipf[:exponent] | gaussian[:sigma-fraction]")
      ->capture_default_str();
  app.add_option("--expiry-range", raw->expiry_range,
                 "TTL in seconds for SETs (and __expiry__): N or MIN-MAX, uniform");
  app.add_option("--command", o->commands,
                 "Command template, repeatable; __key__, __data__, __expiry__ are replaced "
                 "per request, e.g. \"HSET h:__key__ f __data__\"")
      ->allow_extra_args(false);
  app.add_flag("--preload", o->preload, "SET every key in --key-min..--key-max before measuring");

  app.add_option("--json", o->json_path, "Write the full results (incl. histograms) as JSON");
  app.add_option("--hdr-out", o->hdr_path, "Write the overall latency percentile distribution");
  app.add_option("--max-errors", o->max_errors,
                 "Stop and exit 1 once errors exceed this (-1: never)")
      ->capture_default_str();
  app.add_option("--seed", o->seed, "Random seed for keys and sizes (default: random, reported)");
  app.add_option("--timeout", o->timeout_s,
                 "Seconds without a reply before a connection with requests outstanding is "
                 "declared lost")
      ->capture_default_str();
  app.footer(kHelpFooter);
}

absl::Status FinishOptions(const CLI::App& app, const RawOptions& raw, Options* o) {
  auto ratio = ParseRatio(raw.ratio);
  if (!ratio.ok()) return ratio.status();
  o->ratio_set = ratio->first;
  o->ratio_get = ratio->second;

  auto size = ParseRange(raw.data_size, "--data-size");
  if (!size.ok()) return size.status();
  o->data_min = size->first;
  o->data_max = size->second;
  if (o->data_max > 512ull << 20) return absl::InvalidArgumentError("--data-size: at most 512 MiB");

  auto pattern = ParseKeyPattern(raw.key_pattern);
  if (!pattern.ok()) return pattern.status();
  o->key_dist = *pattern;

  if (!raw.expiry_range.empty()) {
    auto ex = ParseRange(raw.expiry_range, "--expiry-range");
    if (!ex.ok()) return ex.status();
    if (ex->first == 0) return absl::InvalidArgumentError("--expiry-range: TTLs start at 1 second");
    o->expiry = true;
    o->expiry_min = ex->first;
    o->expiry_max = ex->second;
  }

  const bool requests_given = app.count("--requests") > 0;
  const bool duration_given = app.count("--duration") > 0;
  if (duration_given && !requests_given) o->requests = Options::kUnlimited;

  if (o->threads < 1 || o->threads > 1024) return absl::InvalidArgumentError("--threads: 1..1024");
  if (o->clients < 1 || o->clients > 100000)
    return absl::InvalidArgumentError("--clients: 1..100000");
  if (o->pipeline < 1 || o->pipeline > 65536)
    return absl::InvalidArgumentError("--pipeline: 1..65536");
  if (o->port < 1 || o->port > 65535) return absl::InvalidArgumentError("--port: 1..65535");
  if (o->db < 0) return absl::InvalidArgumentError("--db: must be >= 0");
  if (!(o->duration_s >= 0) || !std::isfinite(o->duration_s)) {
    return absl::InvalidArgumentError("--duration: must be >= 0");
  }
  if (!(o->rate >= 0) || !std::isfinite(o->rate))
    return absl::InvalidArgumentError("--rate: must be >= 0");
  if (!(o->timeout_s > 0)) return absl::InvalidArgumentError("--timeout: must be > 0");
  if (o->key_min > o->key_max)
    return absl::InvalidArgumentError("--key-min is larger than --key-max");
  if (o->key_max >= (uint64_t{1} << 62)) return absl::InvalidArgumentError("--key-max: below 2^62");
  if (o->key_prefix.size() > 1024) return absl::InvalidArgumentError("--key-prefix: too long");
  if (o->seed == 0) {
    absl::BitGen gen;
    o->seed = absl::Uniform<uint64_t>(absl::IntervalClosedClosed, gen, 1, UINT64_MAX);
  }
  return absl::OkStatus();
}

}  // namespace shoal::bench
