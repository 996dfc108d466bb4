// Tests for Config: defaults, command line and config file, CONFIG GET/SET, ParseMemorySize.
#include "server/config.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shoal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr uint64_t kMb = 1024 * 1024;

// Runs ParseCommandLine over "shoal-server" plus args; returns its result and what it printed.
struct ParseResult {
  int code;
  std::string out;
  std::string err;
};

ParseResult Parse(Config* config, std::vector<std::string> args) {
  args.insert(args.begin(), "shoal-server");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = config->ParseCommandLine(static_cast<int>(args.size()), argv.data());
  std::string err = ::testing::internal::GetCapturedStderr();
  std::string out = ::testing::internal::GetCapturedStdout();
  return {code, std::move(out), std::move(err)};
}

// Parses args that must be accepted.
void MustParse(Config* config, std::vector<std::string> args) {
  const ParseResult r = Parse(config, std::move(args));
  ASSERT_EQ(r.code, -1) << r.err;
  ASSERT_EQ(r.err, "");
}

std::string GetOne(const Config& config, std::string_view name) {
  const std::string_view patterns[] = {name};
  auto pairs = config.Get(patterns);
  if (pairs.size() != 1) return absl::StrCat("<", pairs.size(), " results>");
  return pairs[0].second;
}

absl::Status Set(Config* config,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  std::vector<std::pair<std::string_view, std::string_view>> v(pairs);
  return config->Set(v);
}

std::string SetError(Config* config,
                     std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  absl::Status s = Set(config, pairs);
  return s.ok() ? "OK" : std::string(s.message());
}

// A file under the test's temp dir, removed at the end of the test.
class TempFile {
 public:
  TempFile(std::string_view name, std::string_view contents)
      : path_(::testing::TempDir() + "/" + std::to_string(getpid()) + "_" + std::string(name)) {
    std::ofstream(path_) << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ConfigTest, Defaults) {
  Config c;
  EXPECT_EQ(c.port(), 6379);
  EXPECT_THAT(c.bind(), ElementsAre("127.0.0.1"));
  EXPECT_EQ(c.unixsocket(), "");
  EXPECT_EQ(c.unixsocketperm(), 0);
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_EQ(c.threads(), std::max(cores, 1));
  EXPECT_EQ(c.databases(), 16);
  EXPECT_EQ(c.requirepass(), "");
  EXPECT_FALSE(c.has_requirepass());
  EXPECT_EQ(c.maxclients(), 10000);
  EXPECT_EQ(c.timeout(), 0);
  EXPECT_EQ(c.loglevel(), "notice");
  EXPECT_EQ(c.logfile(), "");
  EXPECT_EQ(c.proto_max_bulk_len(), 512 * kMb);
  EXPECT_EQ(c.client_query_buffer_limit(), 1024 * kMb);
  EXPECT_EQ(c.output_limit_normal().hard, 0u);
  EXPECT_EQ(c.output_limit_normal().soft, 0u);
  EXPECT_EQ(c.output_limit_normal().soft_seconds, 0);
  EXPECT_EQ(c.output_limit_replica().hard, 256 * kMb);
  EXPECT_EQ(c.output_limit_replica().soft, 64 * kMb);
  EXPECT_EQ(c.output_limit_replica().soft_seconds, 60);
  EXPECT_EQ(c.output_limit_pubsub().hard, 32 * kMb);
  EXPECT_EQ(c.output_limit_pubsub().soft, 8 * kMb);
  EXPECT_EQ(c.output_limit_pubsub().soft_seconds, 60);
  EXPECT_EQ(c.expire_jitter_pct(), 0);
  EXPECT_EQ(c.hz(), 10);
  EXPECT_EQ(c.maxmemory(), 0u);
  EXPECT_EQ(c.maxmemory_policy(), "noeviction");
  EXPECT_EQ(c.dir(), ".");
  EXPECT_EQ(c.io_engine(), "auto");
  EXPECT_EQ(c.io_batch_wait_us(), 0);

  // An empty command line changes nothing.
  MustParse(&c, {});
  EXPECT_EQ(c.port(), 6379);
  EXPECT_EQ(c.hz(), 10);
}

TEST(ConfigTest, DefaultsAsConfigGetFormatsThem) {
  Config c;
  EXPECT_EQ(GetOne(c, "port"), "6379");
  EXPECT_EQ(GetOne(c, "bind"), "127.0.0.1");
  EXPECT_EQ(GetOne(c, "unixsocket"), "");
  EXPECT_EQ(GetOne(c, "unixsocketperm"), "0");
  EXPECT_EQ(GetOne(c, "databases"), "16");
  EXPECT_EQ(GetOne(c, "requirepass"), "");
  EXPECT_EQ(GetOne(c, "maxclients"), "10000");
  EXPECT_EQ(GetOne(c, "timeout"), "0");
  EXPECT_EQ(GetOne(c, "loglevel"), "notice");
  EXPECT_EQ(GetOne(c, "logfile"), "");
  EXPECT_EQ(GetOne(c, "proto-max-bulk-len"), "536870912");
  EXPECT_EQ(GetOne(c, "client-query-buffer-limit"), "1073741824");
  EXPECT_EQ(GetOne(c, "client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(GetOne(c, "expire-jitter-pct"), "0");
  EXPECT_EQ(GetOne(c, "hz"), "10");
  EXPECT_EQ(GetOne(c, "maxmemory"), "0");
  EXPECT_EQ(GetOne(c, "maxmemory-policy"), "noeviction");
  EXPECT_EQ(GetOne(c, "save"), "");
  EXPECT_EQ(GetOne(c, "appendonly"), "no");
  // Like Redis, dir is reported as an absolute path.
  EXPECT_EQ(GetOne(c, "dir"), std::filesystem::current_path().string());
  EXPECT_EQ(GetOne(c, "threads"), std::to_string(c.threads()));
  EXPECT_EQ(GetOne(c, "io-engine"), "auto");
  EXPECT_EQ(GetOne(c, "io-batch-wait-us"), "0");
}

TEST(ConfigTest, CommandLineSetsEveryOption) {
  Config c;
  const std::string dir = ::testing::TempDir();
  // clang-format off
  MustParse(&c, {"--port", "6380",
                 "--bind", "127.0.0.1", "::1",
                 "--unixsocket", "/tmp/shoal.sock",
                 "--unixsocketperm", "700",
                 "--threads", "3",
                 "--databases", "32",
                 "--requirepass", "s3cret",
                 "--maxclients", "50",
                 "--timeout", "300",
                 "--loglevel", "WARNING",
                 "--logfile", "/tmp/shoal.log",
                 "--proto-max-bulk-len", "1mb",
                 "--client-query-buffer-limit", "2GB",
                 "--client-output-buffer-limit", "normal", "1mb", "2mb", "3", "pubsub", "1k", "2kb", "4",
                 "--expire-jitter-pct", "25",
                 "--hz", "100",
                 "--maxmemory", "100m",
                 "--maxmemory-policy", "allkeys-fifo",
                 "--save", "3600", "1", "300", "100",
                 "--appendonly", "no",
                 "--dir", dir,
                 "--io-engine", "EPOLL",
                 "--io-batch-wait-us", "250"});
  // clang-format on
  EXPECT_EQ(c.port(), 6380);
  EXPECT_THAT(c.bind(), ElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(c.unixsocket(), "/tmp/shoal.sock");
  EXPECT_EQ(c.unixsocketperm(), 0700);
  EXPECT_EQ(GetOne(c, "unixsocketperm"), "700");
  EXPECT_EQ(c.threads(), 3);
  EXPECT_EQ(c.databases(), 32);
  EXPECT_EQ(c.requirepass(), "s3cret");
  EXPECT_TRUE(c.has_requirepass());
  EXPECT_EQ(c.maxclients(), 50);
  EXPECT_EQ(c.timeout(), 300);
  EXPECT_EQ(c.loglevel(), "warning");
  EXPECT_EQ(c.logfile(), "/tmp/shoal.log");
  EXPECT_EQ(c.proto_max_bulk_len(), kMb);
  EXPECT_EQ(c.client_query_buffer_limit(), 2048 * kMb);
  EXPECT_EQ(c.output_limit_normal().hard, kMb);
  EXPECT_EQ(c.output_limit_normal().soft, 2 * kMb);
  EXPECT_EQ(c.output_limit_normal().soft_seconds, 3);
  EXPECT_EQ(c.output_limit_pubsub().hard, 1000u);
  EXPECT_EQ(c.output_limit_pubsub().soft, 2048u);
  EXPECT_EQ(c.output_limit_pubsub().soft_seconds, 4);
  EXPECT_EQ(c.output_limit_replica().hard, 256 * kMb);  // not named, so unchanged
  EXPECT_EQ(c.expire_jitter_pct(), 25);
  EXPECT_EQ(c.hz(), 100);
  EXPECT_EQ(c.maxmemory(), 100000000u);
  EXPECT_EQ(c.maxmemory_policy(), "allkeys-fifo");
  EXPECT_EQ(GetOne(c, "save"), "3600 1 300 100");
  EXPECT_EQ(GetOne(c, "appendonly"), "no");
  EXPECT_EQ(c.dir(), dir);
  EXPECT_EQ(c.io_engine(), "epoll");
  EXPECT_EQ(c.io_batch_wait_us(), 250);
  EXPECT_EQ(GetOne(c, "bind"), "127.0.0.1 ::1");
  EXPECT_EQ(GetOne(c, "client-output-buffer-limit"),
            "normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 1000 2048 4");
}

TEST(ConfigTest, CommandLineForms) {
  Config c;
  // --name=value, quoted multi-word values, a repeated option keeping its last value, and the
  // empty save that redis-benchmark setups pass.
  MustParse(&c,
            {"--port=7000", "--bind", "127.0.0.1 ::1", "--hz", "5", "--hz", "7",
             "--client-output-buffer-limit", "replica 1 2 3", "--save", "", "--maxmemory", "1GB"});
  EXPECT_EQ(c.port(), 7000);
  EXPECT_THAT(c.bind(), ElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(c.hz(), 7);
  EXPECT_EQ(c.output_limit_replica().hard, 1u);
  EXPECT_EQ(c.output_limit_replica().soft, 2u);
  EXPECT_EQ(c.output_limit_replica().soft_seconds, 3);
  EXPECT_EQ(GetOne(c, "save"), "");
  EXPECT_EQ(c.maxmemory(), 1024 * kMb);
}

TEST(ConfigTest, HzIsClampedLikeRedis) {
  Config c;
  MustParse(&c, {"--hz", "1000"});
  EXPECT_EQ(c.hz(), 500);
  Config d;
  MustParse(&d, {"--hz", "0"});
  EXPECT_EQ(d.hz(), 1);
}

TEST(ConfigTest, ConfigFileAndCommandLineOverride) {
  TempFile file("shoal.toml",
                "# Shoal test config\n"
                "port = 6390\n"
                "bind = \"127.0.0.1 ::1\"\n"
                "maxmemory = \"64mb\"\n"
                "maxmemory-policy = \"allkeys-lru\"\n"
                "client-output-buffer-limit = \"normal 0 0 0 pubsub 32mb 8mb 60\"\n"
                "save = \"\"\n"
                "hz = 20  # comment after a value\n"
                "requirepass = 'from-file'\n");
  Config c;
  MustParse(&c, {"--config", file.path(), "--hz", "30", "--port", "6391"});
  EXPECT_EQ(c.port(), 6391);
  EXPECT_EQ(c.hz(), 30);
  EXPECT_THAT(c.bind(), ElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(c.maxmemory(), 64 * kMb);
  EXPECT_EQ(c.maxmemory_policy(), "allkeys-lru");
  EXPECT_EQ(c.output_limit_pubsub().hard, 32 * kMb);
  EXPECT_EQ(c.output_limit_pubsub().soft, 8 * kMb);
  EXPECT_EQ(c.requirepass(), "from-file");

  Config d;
  MustParse(&d, {"--config", file.path()});
  EXPECT_EQ(d.port(), 6390);
  EXPECT_EQ(d.hz(), 20);

  // TOML arrays work for the list-like options.
  TempFile arrays("arrays.toml",
                  "bind = [\"127.0.0.1\", \"::1\"]\nsave = [\"3600 1\", \"300 100\"]\n");
  Config e;
  MustParse(&e, {"--config", arrays.path()});
  EXPECT_THAT(e.bind(), ElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(GetOne(e, "save"), "3600 1 300 100");
}

TEST(ConfigTest, ConfigFileErrors) {
  TempFile unknown("unknown.toml", "port = 6390\nfoo = 3\n");
  Config c;
  ParseResult r = Parse(&c, {"--config", unknown.path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "shoal-server: unknown option 'foo' in config file '" + unknown.path() + "'\n");

  TempFile bad("bad.toml", "port = 70000\n");
  r = Parse(&c, {"--config", bad.path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "shoal-server: invalid value '70000' for 'port': must be an integer between 0 and "
            "65535\n");

  TempFile section("section.toml", "[server]\nport = 6390\n");
  r = Parse(&c, {"--config", section.path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "shoal-server: unknown section '[server]' in config file '" + section.path() + "'\n");

  r = Parse(&c, {"--config", "/nonexistent/shoal.toml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "shoal-server: cannot read config file '/nonexistent/shoal.toml'\n");
  EXPECT_EQ(c.port(), 6379);  // nothing was applied
}

TEST(ConfigTest, UnknownOptionsAndArguments) {
  Config c;
  ParseResult r = Parse(&c, {"--foo", "1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "shoal-server: unknown option '--foo'\n");

  r = Parse(&c, {"--port", "6380", "--foo=1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "shoal-server: unknown option '--foo'\n");

  r = Parse(&c, {"stray"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "shoal-server: unexpected argument 'stray'\n");

  r = Parse(&c, {"--hz"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "shoal-server: option '--hz' requires a value\n");
  EXPECT_EQ(c.port(), 6379);
}

TEST(ConfigTest, BadValuesExitWithOneLine) {
  struct BadCase {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<BadCase> cases = {
      {{"--port", "70000"},
       "invalid value '70000' for 'port': must be an integer between 0 and 65535"},
      {{"--port", "abc"}, "invalid value 'abc' for 'port': must be an integer between 0 and 65535"},
      {{"--port", "-1"}, "invalid value '-1' for 'port': must be an integer between 0 and 65535"},
      {{"--threads", "0"},
       "invalid value '0' for 'threads': must be an integer between 1 and 1024"},
      {{"--databases", "0"},
       "invalid value '0' for 'databases': must be an integer between 1 and 2147483647"},
      {{"--expire-jitter-pct", "101"},
       "invalid value '101' for 'expire-jitter-pct': must be an integer between 0 and 100"},
      {{"--maxmemory", "12xb"},
       "invalid value '12xb' for 'maxmemory': must be a size between 0 and 18446744073709551615 "
       "bytes (units k, kb, m, mb, g, gb allowed)"},
      {{"--proto-max-bulk-len", "100"},
       "invalid value '100' for 'proto-max-bulk-len': must be a size between 1048576 and "
       "9223372036854775807 bytes (units k, kb, m, mb, g, gb allowed)"},
      {{"--maxclients", "0"},
       "invalid value '0' for 'maxclients': must be an integer between 1 and 4294967295"},
      {{"--timeout", "1.5"},
       "invalid value '1.5' for 'timeout': must be an integer between 0 and 2147483647"},
      {{"--loglevel", "loud"},
       "invalid value 'loud' for 'loglevel': must be one of debug, verbose, notice, warning"},
      {{"--maxmemory-policy", "lru"},
       "invalid value 'lru' for 'maxmemory-policy': must be one of volatile-lru, volatile-lfu, "
       "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction, "
       "allkeys-fifo, volatile-fifo"},
      {{"--client-output-buffer-limit", "normal", "1", "2"},
       "invalid value 'normal 1 2' for 'client-output-buffer-limit': must be groups of "
       "'<class> <hard> <soft> <soft-seconds>'"},
      {{"--client-output-buffer-limit", "master 1 2 3"},
       "invalid value 'master 1 2 3' for 'client-output-buffer-limit': has unknown client class "
       "'master' (must be normal, replica or pubsub)"},
      {{"--unixsocketperm", "999"},
       "invalid value '999' for 'unixsocketperm': must be an octal permission mode between 0 and "
       "777"},
      {{"--save", "3600"},
       "invalid value '3600' for 'save': must be empty or pairs of '<seconds> <changes>'"},
      {{"--appendonly", "yes"},
       "invalid value 'yes' for 'appendonly': must be 'no' (Shoal has no append-only file yet)"},
      {{"--dir", "/nonexistent/dir"},
       "invalid value '/nonexistent/dir' for 'dir': must be an existing directory"},
      {{"--bind", ""}, "invalid value '' for 'bind': must list at least one address"},
      {{"--io-engine", "kqueue"},
       "invalid value 'kqueue' for 'io-engine': must be auto, io_uring or epoll"},
      {{"--io-batch-wait-us", "10001"},
       "invalid value '10001' for 'io-batch-wait-us': must be an integer between 0 and 10000"},
  };
  for (const BadCase& bc : cases) {
    Config c;
    std::vector<std::string> args = bc.args;
    args.insert(args.begin(), {"--hz", "20"});  // a good option before it is not applied
    const ParseResult r = Parse(&c, args);
    EXPECT_EQ(r.code, 2) << bc.args[0];
    EXPECT_EQ(r.err, "shoal-server: " + bc.message + "\n");
    EXPECT_EQ(c.hz(), 10) << bc.args[0];
  }
}

TEST(ConfigTest, HelpAndVersion) {
  Config c;
  ParseResult r = Parse(&c, {"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("--maxmemory-policy"));
  EXPECT_THAT(r.out, HasSubstr("--config"));
  EXPECT_EQ(r.err, "");
  r = Parse(&c, {"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("v="));
  EXPECT_EQ(r.err, "");
}

TEST(ConfigTest, GetWithGlobs) {
  Config c;
  const std::string_view max[] = {"max*"};
  EXPECT_THAT(c.Get(max), UnorderedElementsAre(Pair("maxclients", "10000"), Pair("maxmemory", "0"),
                                               Pair("maxmemory-policy", "noeviction"),
                                               Pair("maxmemory-samples", "5")));
  // Redis 7.0's defaults for the encoding thresholds, under both names (as Redis lists them).
  const std::string_view hash[] = {"hash-max-*"};
  EXPECT_THAT(c.Get(hash), UnorderedElementsAre(Pair("hash-max-listpack-entries", "512"),
                                                Pair("hash-max-listpack-value", "64"),
                                                Pair("hash-max-ziplist-entries", "512"),
                                                Pair("hash-max-ziplist-value", "64")));
  // Matching ignores case; a glob answers with canonical names.
  const std::string_view upper[] = {"MAXMEM*"};
  EXPECT_THAT(c.Get(upper),
              UnorderedElementsAre(Pair("maxmemory", "0"), Pair("maxmemory-policy", "noeviction"),
                                   Pair("maxmemory-samples", "5")));
  // An exact name answers with the caller's spelling, as Redis 7.0 does.
  const std::string_view exact[] = {"PORT"};
  EXPECT_THAT(c.Get(exact), ElementsAre(Pair("PORT", "6379")));
  const std::string_view none[] = {"nosuch"};
  EXPECT_THAT(c.Get(none), IsEmpty());
  const std::string_view none_glob[] = {"nosuch*"};
  EXPECT_THAT(c.Get(none_glob), IsEmpty());
  // Several patterns: each parameter at most once.
  const std::string_view several[] = {"hz", "h?", "HZ", "appendonly", "save"};
  EXPECT_THAT(c.Get(several),
              ElementsAre(Pair("hz", "10"), Pair("appendonly", "no"), Pair("save", "")));
  const std::string_view all[] = {"*"};
  EXPECT_EQ(c.Get(all).size(), 46u);
  const std::string_view sets[] = {"client-o*"};
  EXPECT_THAT(c.Get(sets),
              ElementsAre(Pair("client-output-buffer-limit",
                               "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 "
                               "60")));
}

TEST(ConfigTest, SetEachRuntimeOption) {
  Config c;
  std::vector<std::string> changed;
  c.set_on_change([&](std::string_view name) { changed.emplace_back(name); });

  ASSERT_TRUE(Set(&c, {{"requirepass", "pw"}}).ok());
  EXPECT_EQ(c.requirepass(), "pw");
  EXPECT_TRUE(c.has_requirepass());
  ASSERT_TRUE(Set(&c, {{"requirepass", ""}}).ok());
  EXPECT_FALSE(c.has_requirepass());

  ASSERT_TRUE(Set(&c, {{"maxclients", "123"}}).ok());
  EXPECT_EQ(c.maxclients(), 123);
  EXPECT_EQ(c.tracking_table_max_keys(), 1000000);
  ASSERT_TRUE(Set(&c, {{"tracking-table-max-keys", "10"}}).ok());
  EXPECT_EQ(c.tracking_table_max_keys(), 10);
  EXPECT_EQ(GetOne(c, "tracking-table-max-keys"), "10");
  EXPECT_FALSE(Set(&c, {{"tracking-table-max-keys", "-1"}}).ok());
  ASSERT_TRUE(Set(&c, {{"timeout", "60"}}).ok());
  EXPECT_EQ(c.timeout(), 60);
  ASSERT_TRUE(Set(&c, {{"loglevel", "DEBUG"}}).ok());
  EXPECT_EQ(c.loglevel(), "debug");
  EXPECT_EQ(GetOne(c, "loglevel"), "debug");
  ASSERT_TRUE(Set(&c, {{"proto-max-bulk-len", "2mb"}}).ok());
  EXPECT_EQ(c.proto_max_bulk_len(), 2 * kMb);
  ASSERT_TRUE(Set(&c, {{"client-query-buffer-limit", "1048576"}}).ok());
  EXPECT_EQ(c.client_query_buffer_limit(), kMb);
  ASSERT_TRUE(Set(&c, {{"client-output-buffer-limit", "Normal 1mb 2mb 3 slave 4 5 6"}}).ok());
  EXPECT_EQ(c.output_limit_normal().hard, kMb);
  EXPECT_EQ(c.output_limit_replica().hard, 4u);
  EXPECT_EQ(c.output_limit_replica().soft_seconds, 6);
  EXPECT_EQ(c.output_limit_pubsub().hard, 32 * kMb);
  EXPECT_EQ(GetOne(c, "client-output-buffer-limit"),
            "normal 1048576 2097152 3 slave 4 5 6 pubsub 33554432 8388608 60");
  // The last group for a class wins; an empty value changes nothing.
  ASSERT_TRUE(Set(&c, {{"client-output-buffer-limit", "pubsub 1 1 1 pubsub 2 2 2"}}).ok());
  EXPECT_EQ(c.output_limit_pubsub().hard, 2u);
  ASSERT_TRUE(Set(&c, {{"client-output-buffer-limit", ""}}).ok());
  EXPECT_EQ(c.output_limit_pubsub().hard, 2u);
  ASSERT_TRUE(Set(&c, {{"expire-jitter-pct", "100"}}).ok());
  EXPECT_EQ(c.expire_jitter_pct(), 100);
  ASSERT_TRUE(Set(&c, {{"io-batch-wait-us", "10000"}}).ok());
  EXPECT_EQ(c.io_batch_wait_us(), 10000);
  EXPECT_FALSE(Set(&c, {{"io-batch-wait-us", "10001"}}).ok());
  EXPECT_EQ(c.io_batch_wait_us(), 10000);
  ASSERT_TRUE(Set(&c, {{"hz", "1000"}}).ok());
  EXPECT_EQ(c.hz(), 500);
  ASSERT_TRUE(Set(&c, {{"hz", "0"}}).ok());
  EXPECT_EQ(c.hz(), 1);
  ASSERT_TRUE(Set(&c, {{"maxmemory", "1gb"}}).ok());
  EXPECT_EQ(c.maxmemory(), 1024 * kMb);
  EXPECT_EQ(GetOne(c, "maxmemory"), "1073741824");
  ASSERT_TRUE(Set(&c, {{"maxmemory-policy", "VOLATILE-FIFO"}}).ok());
  EXPECT_EQ(c.maxmemory_policy(), "volatile-fifo");
  ASSERT_TRUE(Set(&c, {{"save", "3600 1 0300 100"}}).ok());
  EXPECT_EQ(GetOne(c, "save"), "3600 1 300 100");
  ASSERT_TRUE(Set(&c, {{"save", ""}}).ok());
  EXPECT_EQ(GetOne(c, "save"), "");
  ASSERT_TRUE(Set(&c, {{"appendonly", "NO"}}).ok());
  EXPECT_EQ(GetOne(c, "appendonly"), "no");

  EXPECT_THAT(changed, ::testing::Contains("loglevel"));
  EXPECT_EQ(changed.size(), 20u);  // one per successful Set above
  // Names are case-insensitive and the callback gets the canonical one.
  changed.clear();
  ASSERT_TRUE(Set(&c, {{"LogLevel", "notice"}, {"HZ", "10"}}).ok());
  EXPECT_THAT(changed, ElementsAre("loglevel", "hz"));
  EXPECT_EQ(c.loglevel(), "notice");
}

TEST(ConfigTest, SetErrorsMatchRedis) {
  Config c;
  EXPECT_EQ(SetError(&c, {{"foo", "bar"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  // Names are checked before values, and the unknown name is echoed as given.
  EXPECT_EQ(SetError(&c, {{"hz", "abc"}, {"Foo", "bar"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'Foo'");
  EXPECT_EQ(SetError(&c, {{"hz", "5"}, {"hz", "6"}}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter");
  EXPECT_EQ(SetError(&c, {{"HZ", "abc"}}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be "
            "parsed into an integer");
  EXPECT_EQ(SetError(&c, {{"hz", "-5"}}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between "
            "0 and 2147483647 inclusive");
  for (const char* strict : {"05", "+5", " 5", "5.5", ""}) {
    EXPECT_THAT(SetError(&c, {{"hz", strict}}), HasSubstr("couldn't be parsed into an integer"))
        << strict;
  }
  EXPECT_EQ(SetError(&c, {{"maxclients", "0"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be "
            "between 1 and 4294967295 inclusive");
  EXPECT_EQ(SetError(&c, {{"timeout", "-1"}}),
            "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be "
            "between 0 and 2147483647 inclusive");
  EXPECT_EQ(SetError(&c, {{"expire-jitter-pct", "101"}}),
            "ERR CONFIG SET failed (possibly related to argument 'expire-jitter-pct') - argument "
            "must be between 0 and 100 inclusive");
  EXPECT_EQ(SetError(&c, {{"loglevel", "foo"}}),
            "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be "
            "one of the following: debug, verbose, notice, warning");
  EXPECT_EQ(SetError(&c, {{"maxmemory-policy", "foo"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction, "
            "allkeys-fifo, volatile-fifo");
  EXPECT_EQ(SetError(&c, {{"maxmemory", "12xb"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
            "memory value");
  EXPECT_EQ(SetError(&c, {{"maxmemory", "-1"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
            "memory value");
  EXPECT_EQ(SetError(&c, {{"proto-max-bulk-len", "100"}}),
            "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument "
            "must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(SetError(&c, {{"client-query-buffer-limit", "100"}}),
            "ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - "
            "argument must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(SetError(&c, {{"client-output-buffer-limit", "normal 1 2"}}),
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(SetError(&c, {{"client-output-buffer-limit", "normal  1 2 3"}}),
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(SetError(&c, {{"client-output-buffer-limit", "master 1 2 3"}}),
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Invalid client class specified in buffer limit configuration.");
  for (const char* bad : {"normal 1x 2 3", "normal 1 2 abc", "pubsub 1 2 -1"}) {
    EXPECT_EQ(SetError(&c, {{"client-output-buffer-limit", bad}}),
              "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
              "Error in hard, soft or soft_seconds setting in buffer limit configuration.")
        << bad;
  }
  for (const char* bad : {"abc", "1 2 3", "0 1", "-1 1", "  1    2 "}) {
    EXPECT_EQ(SetError(&c, {{"save", bad}}),
              "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
              "parameters")
        << bad;
  }
  EXPECT_EQ(SetError(&c, {{"appendonly", "maybe"}}),
            "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be "
            "'yes' or 'no'");
  EXPECT_EQ(SetError(&c, {{"appendonly", "yes"}}),
            "ERR CONFIG SET failed (possibly related to argument 'appendonly') - appendonly yes is "
            "not supported yet");
  EXPECT_EQ(SetError(&c, {}), "ERR wrong number of arguments for 'config|set' command");
  // Nothing above changed anything.
  EXPECT_EQ(c.hz(), 10);
  EXPECT_EQ(c.maxmemory(), 0u);
  EXPECT_EQ(GetOne(c, "client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
}

TEST(ConfigTest, SetImmutable) {
  Config c;
  for (const char* name :
       {"port", "bind", "unixsocket", "unixsocketperm", "threads", "databases", "logfile", "dir",
        "io-engine"}) {
    EXPECT_EQ(SetError(&c, {{name, "1"}}),
              std::string("ERR CONFIG SET failed (possibly related to argument '") + name +
                  "') - can't set immutable config");
  }
  // Immutability is checked with the names, before values: the first offending pair wins.
  EXPECT_EQ(SetError(&c, {{"hz", "7"}, {"Databases", "2"}}),
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config");
  EXPECT_EQ(SetError(&c, {{"databases", "2"}, {"foo", "bar"}}),
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config");
  EXPECT_EQ(c.hz(), 10);
}

TEST(ConfigTest, MultiPairSetIsAllOrNothing) {
  Config c;
  int calls = 0;
  c.set_on_change([&](std::string_view) { ++calls; });
  EXPECT_EQ(SetError(&c, {{"hz", "50"},
                          {"maxmemory", "1mb"},
                          {"requirepass", "x"},
                          {"client-output-buffer-limit", "normal 1 1 1"},
                          {"maxmemory", "x"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate "
            "parameter");
  EXPECT_EQ(SetError(&c, {{"hz", "50"},
                          {"maxmemory", "1mb"},
                          {"requirepass", "x"},
                          {"client-output-buffer-limit", "normal 1 1 1"},
                          {"timeout", "x"}}),
            "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be "
            "parsed into an integer");
  EXPECT_EQ(c.hz(), 10);
  EXPECT_EQ(c.maxmemory(), 0u);
  EXPECT_FALSE(c.has_requirepass());
  EXPECT_EQ(c.output_limit_normal().hard, 0u);
  EXPECT_EQ(calls, 0);

  ASSERT_TRUE(Set(&c, {{"hz", "50"},
                       {"maxmemory", "1mb"},
                       {"requirepass", "x"},
                       {"client-output-buffer-limit", "normal 1 1 1"}})
                  .ok());
  EXPECT_EQ(c.hz(), 50);
  EXPECT_EQ(c.maxmemory(), kMb);
  EXPECT_EQ(c.requirepass(), "x");
  EXPECT_EQ(c.output_limit_normal().hard, 1u);
  EXPECT_EQ(calls, 4);
}

TEST(ConfigTest, SetKeepsCommandLineValues) {
  Config c;
  MustParse(
      &c, {"--port", "6400", "--maxmemory", "5mb", "--client-output-buffer-limit", "pubsub 1 2 3"});
  ASSERT_TRUE(Set(&c, {{"client-output-buffer-limit", "normal 4 5 6"}}).ok());
  EXPECT_EQ(c.port(), 6400);
  EXPECT_EQ(c.maxmemory(), 5 * kMb);
  EXPECT_EQ(GetOne(c, "client-output-buffer-limit"),
            "normal 4 5 6 slave 268435456 67108864 60 pubsub 1 2 3");
}

TEST(ConfigTest, ConcurrentReadersDuringSet) {
  Config c;
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      uint64_t sum = 0;
      while (!stop.load()) {
        sum += c.maxmemory() + static_cast<uint64_t>(c.hz()) + c.output_limit_normal().hard;
        sum += c.requirepass().size() + c.loglevel().size() + (c.has_requirepass() ? 1 : 0);
        const std::string_view all[] = {"*"};
        sum += c.Get(all).size();
      }
      EXPECT_GT(sum, 0u);
    });
  }
  for (int i = 0; i < 2000; ++i) {
    const std::string n = std::to_string(i % 100 + 1);
    ASSERT_TRUE(Set(&c, {{"maxmemory", n},
                         {"hz", n},
                         {"requirepass", n},
                         {"loglevel", i % 2 ? "debug" : "warning"}})
                    .ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
}

TEST(ParseMemorySizeTest, Cases) {
  struct SizeCase {
    const char* text;
    bool ok;
    uint64_t value;
  };
  const SizeCase cases[] = {
      {"0", true, 0},
      {"100", true, 100},
      {"0100", true, 100},
      {"1b", true, 1},
      {"1B", true, 1},
      {"1k", true, 1000},
      {"1K", true, 1000},
      {"1kb", true, 1024},
      {"1KB", true, 1024},
      {"1kB", true, 1024},
      {"2m", true, 2000000},
      {"2mb", true, 2 * kMb},
      {"512mb", true, 512 * kMb},
      {"3g", true, 3000000000ull},
      {"1gb", true, 1024 * kMb},
      {"1GB", true, 1024 * kMb},
      {"18446744073709551615", true, UINT64_MAX},
      {"17179869183gb", true, 17179869183ull << 30},
      {"17179869184gb", false, 0},  // 2^64: Redis wraps to 0, Shoal refuses
      {"18446744073709551616", false, 0},
      {"", false, 0},
      {"k", false, 0},
      {"kb", false, 0},
      {"-1", false, 0},
      {"+1", false, 0},
      {" 1", false, 0},
      {"1 ", false, 0},
      {"1 kb", false, 0},
      {"1.5mb", false, 0},
      {"12xb", false, 0},
      {"1kbb", false, 0},
      {"1t", false, 0},
      {"1tb", false, 0},
      {"0x10", false, 0},
      {"mb1", false, 0},
  };
  for (const SizeCase& sc : cases) {
    uint64_t v = 12345;
    EXPECT_EQ(ParseMemorySize(sc.text, &v), sc.ok) << sc.text;
    if (sc.ok) {
      EXPECT_EQ(v, sc.value) << sc.text;
    }
  }
}

}  // namespace
}  // namespace shoal

namespace shoal {
namespace {

// CONFIG GET notify-keyspace-events answers in Redis 7.0's letter order (checked against
// redis-server 7.0.15; the integration suite compares the two servers as well).
TEST(NotifyFlagsTest, ParseAndFormatLikeRedis) {
  const std::pair<const char*, const char*> cases[] = {
      {"KEA", "AKE"}, {"Kx", "xK"},   {"Elg", "glE"},           {"", ""},
      {"A$", "A"},    {"Ex", "xE"},   {"KEg$lshzxetdmn", "AKEm"}, {"KEn", "nKE"}};
  for (auto [in, want] : cases) {
    int f = -1;
    ASSERT_TRUE(ParseNotifyFlags(in, &f)) << in;
    EXPECT_EQ(FormatNotifyFlags(f), want) << in;
  }
  int f = 0;
  EXPECT_FALSE(ParseNotifyFlags("KEQ", &f));
  EXPECT_FALSE(ParseNotifyFlags("a", &f));
  ASSERT_TRUE(ParseNotifyFlags("Eg", &f));
  EXPECT_EQ(f, kNotifyKeyevent | kNotifyGeneric);
}

}  // namespace
}  // namespace shoal
