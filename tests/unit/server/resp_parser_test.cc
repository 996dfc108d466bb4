// Tests for the RESP request parser; expected results were checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/resp/parser.h"

// Counts heap allocations so tests can prove the parser does not allocate where it must not.
// Replacing the global operator new is the standard hook for this; it only counts. noinline keeps
// GCC from pairing the inlined malloc/free with new/delete expressions and warning about it.
namespace {
std::atomic<size_t> g_alloc_count{0};
std::atomic<size_t> g_alloc_bytes{0};
}  // namespace

__attribute__((noinline)) void* operator new(size_t n) {
  g_alloc_count.fetch_add(1, std::memory_order_relaxed);
  g_alloc_bytes.fetch_add(n, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void* operator new[](size_t n) { return operator new(n); }
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, size_t) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace shoal::resp {
namespace {

using Args = std::vector<std::string>;

// One parse outcome, comparable across different ways of feeding the same bytes.
struct Outcome {
  ParseResult result;
  Args args;
  size_t consumed = 0;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

Outcome Capture(const RequestParser& p, ParseResult r) {
  Outcome o{r, {}, 0, {}};
  if (r == ParseResult::kCommand) {
    for (std::string_view a : p.args()) o.args.emplace_back(a);
    o.consumed = p.consumed();
  } else if (r == ParseResult::kError) {
    o.error = std::string(p.error());
  }
  return o;
}

// Parses every command in `input` (fed whole), stopping at the first error or partial command.
std::vector<Outcome> ParseAll(std::string_view input, const ParserLimits& limits = {}) {
  RequestParser p;
  p.set_limits(limits);
  std::vector<Outcome> out;
  while (true) {
    const ParseResult r = p.Parse(input);
    out.push_back(Capture(p, r));
    if (r != ParseResult::kCommand) break;
    input.remove_prefix(p.consumed());
  }
  return out;
}

// Parses a single command that must be complete.
Args ParseOne(std::string_view input) {
  RequestParser p;
  const ParseResult r = p.Parse(input);
  EXPECT_EQ(r, ParseResult::kCommand) << "error: " << p.error();
  EXPECT_EQ(p.consumed(), input.size());
  Args args;
  for (std::string_view a : p.args()) args.emplace_back(a);
  return args;
}

std::string ParseError(std::string_view input, const ParserLimits& limits = {}) {
  RequestParser p;
  p.set_limits(limits);
  const ParseResult r = p.Parse(input);
  EXPECT_EQ(r, ParseResult::kError) << "input: " << input;
  return std::string(p.error());
}

std::string Multibulk(const Args& args) {
  std::string s = absl::StrCat("*", args.size(), "\r\n");
  for (const std::string& a : args) absl::StrAppend(&s, "$", a.size(), "\r\n", a, "\r\n");
  return s;
}

TEST(RespParserTest, Multibulk) {
  EXPECT_EQ(ParseOne("*1\r\n$4\r\nPING\r\n"), Args({"PING"}));
  EXPECT_EQ(ParseOne("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"), Args({"SET", "k", ""}));
}

TEST(RespParserTest, MultibulkBinaryPayload) {
  const std::string value("a\r\nb\0c\r\n*1\r\n$", 13);
  EXPECT_EQ(ParseOne(Multibulk({"SET", "k", value})), Args({"SET", "k", value}));
}

TEST(RespParserTest, EmptyMultibulk) {
  for (std::string_view in : {"*0\r\n", "*-1\r\n", "*-5\r\n"}) {
    RequestParser p;
    ASSERT_EQ(p.Parse(in), ParseResult::kCommand) << in;
    EXPECT_TRUE(p.args().empty());
    EXPECT_EQ(p.consumed(), in.size());
  }
}

// Redis skips the two bytes after a payload and the byte after a header's '\r' unchecked.
TEST(RespParserTest, LenientTerminatorsLikeRedis) {
  auto all = ParseAll("*1\r\n$4\r\nPINGXX*1\r\n$4\r\nPING\r\n");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].args, Args({"PING"}));
  EXPECT_EQ(all[1].args, Args({"PING"}));
  EXPECT_EQ(all[2].result, ParseResult::kNeedMore);
  EXPECT_EQ(ParseOne("*1\rX$4\r\nPING\r\n"), Args({"PING"}));
  EXPECT_EQ(ParseOne("*1\r\n$4\rXPING\r\n"), Args({"PING"}));

  RequestParser p;
  EXPECT_EQ(p.Parse("*1\r\n$4\r\nPING\r"), ParseResult::kNeedMore);
}

TEST(RespParserTest, Inline) {
  EXPECT_EQ(ParseOne("PING\r\n"), Args({"PING"}));
  EXPECT_EQ(ParseOne("PING\n"), Args({"PING"}));
  EXPECT_EQ(ParseOne("  SET   k  v  \r\n"), Args({"SET", "k", "v"}));
  // Only the '\r' right before '\n' is part of the terminator; others separate arguments.
  EXPECT_EQ(ParseOne("ECHO a\rb\r\n"), Args({"ECHO", "a", "b"}));
  EXPECT_EQ(ParseOne("PING\r\r\n"), Args({"PING"}));
  // '\v' and '\f' are skipped between arguments but kept inside one.
  EXPECT_EQ(ParseOne("ECHO a\vb\r\n"), Args({"ECHO", "a\vb"}));
  EXPECT_EQ(ParseOne("\v ECHO\f a\r\n"), Args({"ECHO\f", "a"}));
  // A line starting with anything but '*' is inline.
  EXPECT_EQ(ParseOne(" *1\r\n"), Args({"*1"}));
}

TEST(RespParserTest, EmptyInlineLines) {
  auto all = ParseAll("\r\n\n   \r\nPING\n");
  ASSERT_EQ(all.size(), 5u);
  EXPECT_TRUE(all[0].args.empty());
  EXPECT_EQ(all[0].consumed, 2u);
  EXPECT_TRUE(all[1].args.empty());
  EXPECT_EQ(all[1].consumed, 1u);
  EXPECT_TRUE(all[2].args.empty());
  EXPECT_EQ(all[2].consumed, 5u);
  EXPECT_EQ(all[3].args, Args({"PING"}));
  EXPECT_EQ(all[4].result, ParseResult::kNeedMore);
}

TEST(RespParserTest, InlineQuoting) {
  struct Case {
    std::string_view line;  // sent with "\r\n" appended
    Args want;
  };
  const Case cases[] = {
      {R"(ECHO "a\x41\n\"b")", {"ECHO", "aA\n\"b"}},
      {R"(ECHO "\r\t\b\a\\")", {"ECHO", "\r\t\b\a\\"}},
      {R"(ECHO "\xff\x00\xAb")", {"ECHO", std::string("\xff\0\xab", 3)}},
      {R"(ECHO "\xZZ" "\q" "\x4")", {"ECHO", "xZZ", "q", "x4"}},
      {R"(ECHO 'a\'b' 'a\nb' 'x\\y')", {"ECHO", "a'b", "a\\nb", "x\\\\y"}},
      {R"(ECHO foo"bar baz" x'y')", {"ECHO", "foobar baz", "xy"}},
      {R"(ECHO "" '')", {"ECHO", "", ""}},
      {"ECHO \"a\"\v", {"ECHO", "a"}},
      {"ECHO \"a b\"\tc", {"ECHO", "a b", "c"}},
      {"SET \"k\" 'v'", {"SET", "k", "v"}},
  };
  for (const Case& c : cases)
    EXPECT_EQ(ParseOne(absl::StrCat(std::string(c.line), "\r\n")), c.want) << c.line;
}

TEST(RespParserTest, InlineUnbalancedQuotes) {
  for (std::string_view in : {"ECHO \"a\"b\r\n", "ECHO \"ab\r\n", "ECHO 'ab'c\r\n", "ECHO 'ab\r\n",
                              "ECHO \"a\\\"\r\n", "ECHO \"\"\"\"\n"}) {
    EXPECT_EQ(ParseError(in), "ERR Protocol error: unbalanced quotes in request") << in;
  }
}

TEST(RespParserTest, InlineNulIsAnOrdinaryByte) {
  EXPECT_EQ(ParseOne(std::string_view("SET k\0x v\n", 10)),
            Args({"SET", std::string("k\0x", 3), "v"}));
}

// Plain inline arguments point into the caller's buffer; unescaped ones into the parser.
TEST(RespParserTest, InlineArgumentStorage) {
  const std::string in = "SET plain \"esc\\n\"\r\n";
  RequestParser p;
  ASSERT_EQ(p.Parse(in), ParseResult::kCommand);
  ASSERT_EQ(p.args().size(), 3u);
  EXPECT_EQ(p.args()[1].data(), in.data() + 4);
  EXPECT_EQ(p.args()[2], "esc\n");
  EXPECT_FALSE(p.args()[2].data() >= in.data() && p.args()[2].data() < in.data() + in.size());
}

const std::vector<std::string>& SampleCommands() {
  static const auto* cmds = new std::vector<std::string>{
      Multibulk({"SET", "key:000001", std::string(100, 'v')}),
      Multibulk({"GET", "k"}),
      Multibulk({"SET", "bin", std::string("\r\n\0\r\n$3\r\n", 9)}),
      Multibulk({"X", ""}),
      "*0\r\n",
      "*-1\r\n",
      "*1\r\n$4\r\nPINGXX",
      "PING\r\n",
      "PING\n",
      "\r\n",
      "\n",
      "   \r\n",
      "SET \"a b\\x41\" 'c\\'d' e\r\n",
      "ECHO foo\"bar\"\n",
  };
  return *cmds;
}

// Every prefix of a command needs more; resuming with the whole command (at a new address)
// gives the same result as parsing it in one go.
TEST(RespParserTest, EverySplitPoint) {
  for (const std::string& cmd : SampleCommands()) {
    const Args want = ParseOne(cmd);
    for (size_t k = 0; k < cmd.size(); ++k) {
      RequestParser p;
      const std::string prefix = cmd.substr(0, k);
      ASSERT_EQ(p.Parse(prefix), ParseResult::kNeedMore) << cmd << " split at " << k;
      const std::string full = cmd;  // a different buffer holding the same bytes
      ASSERT_EQ(p.Parse(full), ParseResult::kCommand) << cmd << " split at " << k;
      EXPECT_EQ(p.consumed(), cmd.size());
      Args got;
      for (std::string_view a : p.args()) got.emplace_back(a);
      EXPECT_EQ(got, want) << cmd << " split at " << k;
    }
  }
}

TEST(RespParserTest, ByteByByte) {
  for (const std::string& cmd : SampleCommands()) {
    RequestParser p;
    std::string buf;
    for (size_t k = 0; k + 1 < cmd.size(); ++k) {
      buf.push_back(cmd[k]);
      ASSERT_EQ(p.Parse(buf), ParseResult::kNeedMore) << cmd << " at " << k;
    }
    buf = cmd;
    ASSERT_EQ(p.Parse(buf), ParseResult::kCommand) << cmd;
    EXPECT_EQ(p.consumed(), cmd.size());
  }
}

TEST(RespParserTest, PipelinedCommands) {
  std::string buf;
  for (int i = 0; i < 1000; ++i) {
    buf += i % 3 == 2 ? absl::StrCat("GET key:", i, "\r\n")
                      : Multibulk({"SET", absl::StrCat("key:", i), std::to_string(i * 7)});
  }
  RequestParser p;
  std::string_view rest = buf;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(p.Parse(rest), ParseResult::kCommand) << i;
    if (i % 3 == 2) {
      ASSERT_EQ(p.args().size(), 2u);
      EXPECT_EQ(p.args()[0], "GET");
    } else {
      ASSERT_EQ(p.args().size(), 3u);
      EXPECT_EQ(p.args()[2], std::to_string(i * 7));
    }
    EXPECT_EQ(p.args()[1], absl::StrCat("key:", i));
    rest.remove_prefix(p.consumed());
  }
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(p.Parse(rest), ParseResult::kNeedMore);
}

TEST(RespParserTest, ProtocolErrors) {
  struct Case {
    std::string_view in;
    std::string_view error;
  };
  const Case cases[] = {
      {"*-0\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*01\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*+1\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1\n$4\r\nPING\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*11x\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*2147483648\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*99999999999999999999\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$4foo\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$ 4\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$\r\n", "ERR Protocol error: invalid bulk length"},
      {"*2\r\n$3foo\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\nX\r\n", "ERR Protocol error: expected '$', got 'X'"},
      {"*2\r\n$1\r\na\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"},
      // Redis maps the CR/LF in its error text to spaces.
      {"*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"*1\r\n\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"ECHO \"x\r\n", "ERR Protocol error: unbalanced quotes in request"},
  };
  for (const Case& c : cases) EXPECT_EQ(ParseError(c.in), c.error) << c.in;
}

TEST(RespParserTest, ErrorIsStickyUntilReset) {
  RequestParser p;
  ASSERT_EQ(p.Parse("*x\r\n"), ParseResult::kError);
  EXPECT_EQ(p.Parse("PING\r\n"), ParseResult::kError);
  EXPECT_EQ(p.error(), "ERR Protocol error: invalid multibulk length");
  p.Reset();
  EXPECT_TRUE(p.error().empty());
  ASSERT_EQ(p.Parse("PING\r\n"), ParseResult::kCommand);
  EXPECT_EQ(p.args()[0], "PING");
}

TEST(RespParserTest, TooBigInline) {
  const std::string at_limit(65536, 'a');
  RequestParser p;
  EXPECT_EQ(p.Parse(at_limit), ParseResult::kNeedMore);
  EXPECT_EQ(ParseError(absl::StrCat(at_limit, "a")), "ERR Protocol error: too big inline request");
  // As in Redis, a long line whose newline is already here is accepted.
  EXPECT_EQ(ParseOne(absl::StrCat(std::string(70000, 'a'), "\n")).at(0).size(), 70000u);
}

TEST(RespParserTest, TooBigCountStrings) {
  EXPECT_EQ(ParseError(absl::StrCat("*1", std::string(65535, '1'))),
            "ERR Protocol error: too big mbulk count string");
  EXPECT_EQ(ParseError(absl::StrCat("*1\r\n$1", std::string(65536, '1'))),
            "ERR Protocol error: too big bulk count string");
  {
    // The limit counts from the start of the bulk header line.
    RequestParser p;
    EXPECT_EQ(p.Parse(absl::StrCat("*1\r\n$1", std::string(65534, '1'))), ParseResult::kNeedMore);
  }
  // With a '\r' in sight the line is just an invalid number.
  EXPECT_EQ(ParseError(absl::StrCat("*1", std::string(70000, '1'), "\r\n")),
            "ERR Protocol error: invalid multibulk length");
}

TEST(RespParserTest, ConfiguredLimits) {
  ParserLimits limits;
  limits.max_bulk_len = 10;
  limits.max_multibulk_len = 3;
  limits.max_inline_len = 8;
  {
    RequestParser p;
    p.set_limits(limits);
    EXPECT_EQ(p.Parse("*3\r\n$10\r\n"), ParseResult::kNeedMore);
  }
  EXPECT_EQ(ParseError("*1\r\n$11\r\n", limits), "ERR Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("*4\r\n", limits), "ERR Protocol error: invalid multibulk length");
  EXPECT_EQ(ParseError("123456789", limits), "ERR Protocol error: too big inline request");
  EXPECT_EQ(ParseError("*123456789", limits), "ERR Protocol error: too big mbulk count string");
}

TEST(RespParserTest, UnauthenticatedLimits) {
  ParserLimits limits;
  limits.authenticated = false;
  {
    RequestParser p;
    p.set_limits(limits);
    EXPECT_EQ(p.Parse("*10\r\n$16384\r\n"), ParseResult::kNeedMore);
  }
  EXPECT_EQ(ParseError("*11\r\n", limits), "ERR Protocol error: unauthenticated multibulk length");
  EXPECT_EQ(ParseError("*10\r\n$16385\r\n", limits),
            "ERR Protocol error: unauthenticated bulk length");
  // A malformed number is reported as such before the authentication check.
  EXPECT_EQ(ParseError("*11x\r\n", limits), "ERR Protocol error: invalid multibulk length");
  EXPECT_EQ(ParseError("*1\r\n$16385x\r\n", limits), "ERR Protocol error: invalid bulk length");
  // Once authenticated, the caller lifts the limits on the same parser.
  RequestParser p;
  p.set_limits(limits);
  ASSERT_EQ(p.Parse("AUTH secret\r\n"), ParseResult::kCommand);
  limits.authenticated = true;
  p.set_limits(limits);
  EXPECT_EQ(p.Parse("*11\r\n"), ParseResult::kNeedMore);
}

TEST(RespParserTest, NeededHint) {
  RequestParser p;
  EXPECT_EQ(p.Parse("*2\r\n$3\r\nGET\r\n$1000"), ParseResult::kNeedMore);
  EXPECT_EQ(p.needed_hint(), 0u);  // the bulk length line is not complete yet
  const std::string head = "*2\r\n$3\r\nGET\r\n$1000\r\n";
  EXPECT_EQ(p.Parse(absl::StrCat(head, "abc")), ParseResult::kNeedMore);
  EXPECT_EQ(p.needed_hint(), head.size() + 1000 + 2);
  EXPECT_EQ(p.Parse(absl::StrCat(head, std::string(1000, 'x'), "\r\n")), ParseResult::kCommand);
  EXPECT_EQ(p.args()[1].size(), 1000u);
}

// A header promising 10M arguments must not make the parser reserve room for them.
TEST(RespParserTest, HugeCountDoesNotPreallocate) {
  RequestParser p;
  const std::string in = "*10000000\r\n$3\r\nfoo\r\n$3\r\nbar\r\n";
  const size_t before = g_alloc_bytes.load();
  EXPECT_EQ(p.Parse(in), ParseResult::kNeedMore);
  EXPECT_LT(g_alloc_bytes.load() - before, 64u * 1024);
}

TEST(RespParserTest, NoAllocationInSteadyState) {
  std::string buf;
  for (int i = 0; i < 200; ++i) {
    buf += Multibulk({"SET", absl::StrCat("key:", i), std::string(100, 'v')});
    absl::StrAppend(&buf, "GET key:", i, "\r\n");
    buf += "SET k \"quoted\\n\"\r\n";
  }
  RequestParser p;
  auto run = [&] {
    std::string_view rest = buf;
    while (!rest.empty()) {
      ASSERT_EQ(p.Parse(rest), ParseResult::kCommand);
      rest.remove_prefix(p.consumed());
    }
  };
  run();  // warm up the reused vectors
  const size_t before = g_alloc_count.load();
  run();
  EXPECT_EQ(g_alloc_count.load(), before);
}

// Feeding a 10,000-argument command one byte at a time must stay linear in its size.
TEST(RespParserTest, LargeCommandByteByByteIsLinear) {
  Args args;
  for (int i = 0; i < 10000; ++i) args.push_back(absl::StrCat("member:", i));
  const std::string cmd = Multibulk(args);
  RequestParser p;
  const auto start = std::chrono::steady_clock::now();
  for (size_t k = 1; k < cmd.size(); ++k) {
    ASSERT_EQ(p.Parse(std::string_view(cmd.data(), k)), ParseResult::kNeedMore);
  }
  ASSERT_EQ(p.Parse(cmd), ParseResult::kCommand);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(p.args().size(), 10000u);
  EXPECT_EQ(p.args()[9999], "member:9999");
  // About 160k calls; rescanning from the start each time would take minutes.
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

// Random bytes and mutated commands: never a crash, and the outcome never depends on how the
// input is chunked.
TEST(RespParserTest, FuzzChunkingIndependence) {
  std::mt19937 rng(12345);
  const std::string alphabet = "*$\r\n0123456789-+\"'\\x ab\tQ\v";
  size_t commands = 0;
  size_t errors = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string input;
    const int pieces = 1 + rng() % 6;
    for (int i = 0; i < pieces; ++i) {
      if (rng() % 2) {
        const auto& samples = SampleCommands();
        input += samples[rng() % samples.size()];
      } else {
        const int n = rng() % 24;
        for (int j = 0; j < n; ++j) {
          input.push_back(rng() % 4 ? alphabet[rng() % alphabet.size()]
                                    : static_cast<char>(rng() % 256));
        }
      }
    }
    if (rng() % 3 == 0 && !input.empty()) input[rng() % input.size()] = static_cast<char>(rng());

    const std::vector<Outcome> whole = ParseAll(input);
    for (const Outcome& o : whole) {
      commands += o.result == ParseResult::kCommand;
      errors += o.result == ParseResult::kError;
    }

    // Same input delivered in random chunks, each Parse seeing a fresh copy of the unconsumed
    // bytes as a connection's read buffer would.
    std::vector<Outcome> chunked;
    RequestParser p;
    std::string pending;
    size_t fed = 0;
    while (true) {
      const ParseResult r = p.Parse(pending);
      if (r == ParseResult::kNeedMore) {
        if (fed == input.size()) {
          chunked.push_back(Capture(p, r));
          break;
        }
        const size_t n = std::min<size_t>(input.size() - fed, 1 + rng() % 7);
        pending = pending + input.substr(fed, n);
        fed += n;
        continue;
      }
      chunked.push_back(Capture(p, r));
      if (r == ParseResult::kError) break;
      ASSERT_GT(p.consumed(), 0u);
      ASSERT_LE(p.consumed(), pending.size());
      pending.erase(0, p.consumed());
    }
    ASSERT_EQ(chunked.size(), whole.size()) << "iteration " << iter;
    for (size_t i = 0; i < whole.size(); ++i) {
      EXPECT_TRUE(chunked[i] == whole[i]) << "iteration " << iter << " outcome " << i;
    }
  }
  // The generator must reach both outcomes often, or the test proves little.
  EXPECT_GT(commands, 10000u);
  EXPECT_GT(errors, 2000u);
}

}  // namespace
}  // namespace shoal::resp

TEST(RespPeekFirstKeyTest, FindsTheSecondArgumentOrGivesUp) {
  std::string_view key;
  ASSERT_TRUE(shoal::resp::PeekFirstKey("*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n", &key));
  EXPECT_EQ(key, "hello");
  ASSERT_TRUE(shoal::resp::PeekFirstKey("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$1\r\nv\r\n", &key));
  EXPECT_EQ(key, "");
  // The key may be cut short by the end of what was read: it is not returned then.
  EXPECT_FALSE(shoal::resp::PeekFirstKey("*2\r\n$3\r\nGET\r\n$5\r\nhel", &key));
  EXPECT_FALSE(shoal::resp::PeekFirstKey("*1\r\n$4\r\nPING\r\n", &key));
  EXPECT_FALSE(shoal::resp::PeekFirstKey("GET hello\r\n", &key));
  EXPECT_FALSE(shoal::resp::PeekFirstKey("*2\r\n$99999999999\r\nGET\r\n", &key));
  EXPECT_FALSE(shoal::resp::PeekFirstKey("", &key));
  // Every prefix of a frame is either false or the right key, never a read past the end.
  const std::string frame = "*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n";
  for (size_t n = 0; n <= frame.size(); ++n) {
    std::string cut = frame.substr(0, n);  // its own allocation: ASan sees a read past it
    if (shoal::resp::PeekFirstKey(cut, &key)) {
      EXPECT_EQ(key, "hello") << n;
    }
  }
}
