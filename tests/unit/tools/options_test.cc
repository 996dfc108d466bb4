// Tests of shoal-bench's option parsing: ranges, ratios, defaults that depend on what was given.
#include "tools/shoal-bench/options.h"

#include <string>

#include "gtest/gtest.h"

namespace shoal::bench {
namespace {

absl::StatusOr<Options> Parse(const std::string& line) {
  CLI::App app;
  Options o;
  RawOptions raw;
  AddOptions(app, &o, &raw);
  try {
    app.parse(line, false);
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  if (absl::Status s = FinishOptions(app, raw, &o); !s.ok()) return s;
  return o;
}

TEST(ParseRange, SingleAndPair) {
  EXPECT_EQ(*ParseRange("100", "x"), (std::pair<uint64_t, uint64_t>{100, 100}));
  EXPECT_EQ(*ParseRange("10-1000", "x"), (std::pair<uint64_t, uint64_t>{10, 1000}));
  EXPECT_FALSE(ParseRange("1000-10", "x").ok());
  EXPECT_FALSE(ParseRange("a-b", "x").ok());
  EXPECT_FALSE(ParseRange("1-2-3", "x").ok());
  EXPECT_FALSE(ParseRange("", "x").ok());
}

TEST(ParseRatio, Terms) {
  EXPECT_EQ(*ParseRatio("1:10"), (std::pair<uint32_t, uint32_t>{1, 10}));
  EXPECT_EQ(*ParseRatio("0:1"), (std::pair<uint32_t, uint32_t>{0, 1}));
  EXPECT_FALSE(ParseRatio("0:0").ok());
  EXPECT_FALSE(ParseRatio("1").ok());
  EXPECT_FALSE(ParseRatio("1:x").ok());
}

TEST(Options, Defaults) {
  auto o = Parse("");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 6379);
  EXPECT_EQ(o->threads, 1);
  EXPECT_EQ(o->clients, 50);
  EXPECT_EQ(o->pipeline, 1);
  EXPECT_EQ(o->requests, 100000u);
  EXPECT_EQ(o->ratio_set, 1u);
  EXPECT_EQ(o->ratio_get, 10u);
  EXPECT_EQ(o->data_min, 100u);
  EXPECT_EQ(o->key_dist.pattern, KeyPattern::kUniform);
  EXPECT_FALSE(o->expiry);
  EXPECT_NE(o->seed, 0u);  // Drawn at random, reported so the run can be repeated.
}

TEST(Options, EverythingGiven) {
  auto o = Parse(
      "--host localhost -p 7000 --threads 2 -c 8 -P 16 --duration 1.5 --rate 5000 --ratio 1:3 "
      "-d 10-20 --key-prefix k: --key-min 5 --key-max 50 --key-pattern zipf:1.2 "
      "--expiry-range 60-120 --command \"HSET h:__key__ f __data__\" --command GET --preload "
      "--auth pw --user u --db 3 --resp3 --json out.json --hdr-out out.hdr --max-errors 7 "
      "--seed 99 --timeout 3");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "localhost");
  EXPECT_EQ(o->port, 7000);
  EXPECT_EQ(o->connections(), 16);
  EXPECT_EQ(o->pipeline, 16);
  EXPECT_EQ(o->requests, Options::kUnlimited);  // --duration alone: run by time.
  EXPECT_DOUBLE_EQ(o->duration_s, 1.5);
  EXPECT_DOUBLE_EQ(o->rate, 5000);
  EXPECT_EQ(o->ratio_get, 3u);
  EXPECT_EQ(o->data_min, 10u);
  EXPECT_EQ(o->data_max, 20u);
  EXPECT_EQ(o->key_prefix, "k:");
  EXPECT_EQ(o->key_min, 5u);
  EXPECT_EQ(o->key_max, 50u);
  EXPECT_DOUBLE_EQ(o->key_dist.zipf_exponent, 1.2);
  EXPECT_TRUE(o->expiry);
  EXPECT_EQ(o->expiry_min, 60u);
  EXPECT_EQ(o->expiry_max, 120u);
  ASSERT_EQ(o->commands.size(), 2u);
  EXPECT_EQ(o->commands[0], "HSET h:__key__ f __data__");
  EXPECT_EQ(o->commands[1], "GET");
  EXPECT_TRUE(o->preload);
  EXPECT_EQ(o->auth, "pw");
  EXPECT_EQ(o->user, "u");
  EXPECT_EQ(o->db, 3);
  EXPECT_TRUE(o->resp3);
  EXPECT_EQ(o->json_path, "out.json");
  EXPECT_EQ(o->hdr_path, "out.hdr");
  EXPECT_EQ(o->max_errors, 7);
  EXPECT_EQ(o->seed, 99u);
  EXPECT_DOUBLE_EQ(o->timeout_s, 3);
}

TEST(Options, RequestsAndDurationBothLimit) {
  auto o = Parse("-n 500 --duration 2");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->requests, 500u);
  EXPECT_DOUBLE_EQ(o->duration_s, 2);
  auto p = Parse("--preload -n 0");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->requests, 0u);
}

TEST(Options, Rejects) {
  for (const char* bad : {"--threads 0", "-c 0", "-P 0", "--ratio 0:0", "-d 5-1",
                          "--key-min 9 --key-max 3", "--key-pattern zipf:x", "--expiry-range 0-5",
                          "--rate -1", "--duration -1", "--port 70000", "--timeout 0", "--bogus"}) {
    EXPECT_FALSE(Parse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace shoal::bench
