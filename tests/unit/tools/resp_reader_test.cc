// Tests of shoal-bench's streaming RESP2/RESP3 reply reader: counting, nil/error detection, any
// split point.
#include "tools/shoal-bench/resp_reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace shoal::bench {
namespace {

struct Seen {
  std::vector<ReplyKind> kinds;
  std::vector<std::string> errors;
  bool ok = true;
};

// Feeds `stream` cut at the given chunk size (0: all at once).
Seen Feed(const std::string& stream, size_t chunk = 0) {
  RespReplyReader r;
  Seen s;
  size_t pos = 0;
  if (chunk == 0) chunk = stream.size() ? stream.size() : 1;
  while (pos < stream.size() && s.ok) {
    const size_t n = std::min(chunk, stream.size() - pos);
    s.ok = r.Feed(stream.data() + pos, n, [&](ReplyKind k) {
      s.kinds.push_back(k);
      if (k == ReplyKind::kError) s.errors.emplace_back(r.last_error());
    });
    pos += n;
  }
  return s;
}

constexpr ReplyKind V = ReplyKind::kValue;
constexpr ReplyKind N = ReplyKind::kNil;
constexpr ReplyKind E = ReplyKind::kError;

const std::string kResp2 =
    "+OK\r\n"
    "-ERR unknown command 'FOO'\r\n"
    ":42\r\n"
    "$5\r\nhello\r\n"
    "$-1\r\n"
    "$0\r\n\r\n"
    "*3\r\n$1\r\na\r\n*2\r\n:1\r\n-ERR nested errors are values\r\n$-1\r\n"
    "*-1\r\n"
    "*0\r\n"
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::vector<ReplyKind> kResp2Kinds = {V, E, V, V, N, V, V, N, V, E};

TEST(RespReader, Resp2Types) {
  const Seen s = Feed(kResp2);
  ASSERT_TRUE(s.ok);
  EXPECT_EQ(s.kinds, kResp2Kinds);
  ASSERT_EQ(s.errors.size(), 2u);
  EXPECT_EQ(s.errors[0], "ERR unknown command 'FOO'");
  EXPECT_EQ(s.errors[1], "WRONGTYPE Operation against a key holding the wrong kind of value");
}

const std::string kResp3 =
    "_\r\n"
    "#t\r\n"
    ",3.14\r\n"
    "(3492890328409238509324850943850943825024385\r\n"
    "=15\r\ntxt:Some string\r\n"
    "!21\r\nSYNTAX invalid syntax\r\n"
    "%2\r\n+first\r\n:1\r\n+second\r\n*2\r\n:2\r\n_\r\n"
    "~2\r\n+a\r\n+b\r\n"
    ">3\r\n+message\r\n+chan\r\n+payload\r\n"                // Push: not a reply.
    "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n"  // Attribute, then...
    "*2\r\n:2039123\r\n:9543892\r\n"                         // ...the reply it annotates.
    "*2\r\n|1\r\n+ttl\r\n:3600\r\n$1\r\nx\r\n:5\r\n"  // Attributes inside arrays are not elements.
    "%0\r\n";
const std::vector<ReplyKind> kResp3Kinds = {N, V, V, V, V, E, V, V, V, V, V};

TEST(RespReader, Resp3Types) {
  const Seen s = Feed(kResp3);
  ASSERT_TRUE(s.ok);
  EXPECT_EQ(s.kinds, kResp3Kinds);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0], "SYNTAX invalid syntax");
}

TEST(RespReader, EverySplitGivesTheSameResult) {
  for (const auto& [stream, kinds] :
       {std::pair{kResp2, kResp2Kinds}, std::pair{kResp3, kResp3Kinds}}) {
    for (size_t chunk = 1; chunk <= 17; ++chunk) {
      const Seen s = Feed(stream, chunk);
      ASSERT_TRUE(s.ok) << chunk;
      EXPECT_EQ(s.kinds, kinds) << "chunk " << chunk;
    }
    // Two-piece splits at every offset.
    for (size_t cut = 1; cut < stream.size(); ++cut) {
      RespReplyReader r;
      std::vector<ReplyKind> got;
      auto cb = [&](ReplyKind k) { got.push_back(k); };
      ASSERT_TRUE(r.Feed(stream.data(), cut, cb));
      ASSERT_TRUE(r.Feed(stream.data() + cut, stream.size() - cut, cb));
      EXPECT_EQ(got, kinds) << "cut " << cut;
      EXPECT_TRUE(r.idle());
    }
  }
}

TEST(RespReader, ErrorTextSurvivesSplitsAndBulkErrors) {
  const std::string stream =
      "-ERR value is not an integer or out of range\r\n!10\r\nERR broken\r\n";
  for (size_t chunk = 1; chunk <= 5; ++chunk) {
    const Seen s = Feed(stream, chunk);
    ASSERT_TRUE(s.ok);
    ASSERT_EQ(s.errors.size(), 2u);
    EXPECT_EQ(s.errors[0], "ERR value is not an integer or out of range");
    EXPECT_EQ(s.errors[1], "ERR broken");
  }
}

TEST(RespReader, HugeBulkIsSkippedNotBuffered) {
  const std::string payload(5'000'000, 'v');
  const std::string stream = "$5000000\r\n" + payload + "\r\n+OK\r\n";
  const Seen s = Feed(stream, 65536);
  ASSERT_TRUE(s.ok);
  EXPECT_EQ(s.kinds, (std::vector<ReplyKind>{V, V}));
}

TEST(RespReader, LongSimpleLinesAreTruncatedButCounted) {
  const std::string longerr = "-ERR " + std::string(1000, 'e') + "\r\n:1\r\n";
  const Seen s = Feed(longerr, 7);
  ASSERT_TRUE(s.ok);
  EXPECT_EQ(s.kinds, (std::vector<ReplyKind>{E, V}));
  EXPECT_EQ(s.errors[0].size(), RespReplyReader::kMaxErrorText);
}

TEST(RespReader, ProtocolErrors) {
  for (const std::string bad : {"?what\r\n", "$abc\r\n", "*-5\r\n", "\r\n", "$-2\r\n"}) {
    RespReplyReader r;
    EXPECT_FALSE(r.Feed(bad.data(), bad.size(), [](ReplyKind) {})) << bad;
    EXPECT_FALSE(r.protocol_error().empty());
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "*1\r\n";
  RespReplyReader r;
  EXPECT_FALSE(r.Feed(deep.data(), deep.size(), [](ReplyKind) {}));
}

TEST(RespReader, PipelinedBurst) {
  std::string stream;
  for (int i = 0; i < 10000; ++i) stream += i % 3 == 0 ? "$-1\r\n" : "$3\r\nabc\r\n";
  const Seen s = Feed(stream, 4096);
  ASSERT_TRUE(s.ok);
  ASSERT_EQ(s.kinds.size(), 10000u);
  int nils = 0;
  for (ReplyKind k : s.kinds) nils += k == N;
  EXPECT_EQ(nils, 3334);
}

}  // namespace
}  // namespace shoal::bench
