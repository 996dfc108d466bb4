// Tests for the RESP reply writer; expected bytes were checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/resp/reply.h"

namespace shoal::resp {
namespace {

// Runs `write` against a builder for the given protocol and returns the bytes it produced.
template <typename F>
std::string Write(int proto, F write) {
  std::string out;
  ReplyBuilder rb(&out, proto);
  write(rb);
  return out;
}

template <typename F>
void ExpectBoth(F write, std::string_view resp2, std::string_view resp3) {
  EXPECT_EQ(Write(2, write), resp2);
  EXPECT_EQ(Write(3, write), resp3);
}

TEST(RespReplyTest, SimpleTypes) {
  ExpectBoth([](ReplyBuilder& rb) { rb.Ok(); }, "+OK\r\n", "+OK\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.Simple("PONG"); }, "+PONG\r\n", "+PONG\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.Simple(""); }, "+\r\n", "+\r\n");
}

TEST(RespReplyTest, Errors) {
  ExpectBoth([](ReplyBuilder& rb) { rb.Error("ERR syntax error"); }, "-ERR syntax error\r\n",
             "-ERR syntax error\r\n");
  EXPECT_EQ(Write(2,
                  [](ReplyBuilder& rb) {
                    rb.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
                  }),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_EQ(Write(2, [](ReplyBuilder& rb) { rb.Error("ERR bad\r\nline\n"); }),
            "-ERR bad  line \r\n");
  EXPECT_EQ(Write(2, [](ReplyBuilder& rb) { rb.Error("-ERR x"); }), "-ERR x\r\n");
}

TEST(RespReplyTest, Integers) {
  struct Case {
    int64_t v;
    std::string_view want;
  };
  const Case cases[] = {
      {0, ":0\r\n"},
      {7, ":7\r\n"},
      {10, ":10\r\n"},
      {99, ":99\r\n"},
      {100, ":100\r\n"},
      {9999, ":9999\r\n"},
      {12345, ":12345\r\n"},
      {-1, ":-1\r\n"},
      {-100, ":-100\r\n"},
      {INT64_MAX, ":9223372036854775807\r\n"},
      {INT64_MIN, ":-9223372036854775808\r\n"},
  };
  for (const Case& c : cases) {
    ExpectBoth([&](ReplyBuilder& rb) { rb.Integer(c.v); }, c.want, c.want);
  }
  for (int64_t v = -1000; v <= 100000; ++v) {
    ASSERT_EQ(Write(2, [&](ReplyBuilder& rb) { rb.Integer(v); }), absl::StrCat(":", v, "\r\n"));
  }
}

TEST(RespReplyTest, Bulk) {
  ExpectBoth([](ReplyBuilder& rb) { rb.Bulk("Hello World"); }, "$11\r\nHello World\r\n",
             "$11\r\nHello World\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.Bulk(""); }, "$0\r\n\r\n", "$0\r\n\r\n");
  // A default view has a null data pointer (PING's empty reply while subscribed); under UBSan a
  // memcpy from it would stop the process.
  ExpectBoth([](ReplyBuilder& rb) { rb.Bulk(std::string_view()); }, "$0\r\n\r\n", "$0\r\n\r\n");
  const std::string binary("a\r\n\0b", 5);
  EXPECT_EQ(Write(2, [&](ReplyBuilder& rb) { rb.Bulk(binary); }),
            absl::StrCat("$5\r\n", binary, "\r\n"));
  const std::string big(123456, 'x');
  EXPECT_EQ(Write(3, [&](ReplyBuilder& rb) { rb.Bulk(big); }),
            absl::StrCat("$123456\r\n", big, "\r\n"));
}

TEST(RespReplyTest, Nulls) {
  ExpectBoth([](ReplyBuilder& rb) { rb.Null(); }, "$-1\r\n", "_\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.NullArray(); }, "*-1\r\n", "_\r\n");
}

TEST(RespReplyTest, AggregateHeaders) {
  ExpectBoth([](ReplyBuilder& rb) { rb.ArrayHeader(3); }, "*3\r\n", "*3\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.MapHeader(3); }, "*6\r\n", "%3\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.SetHeader(3); }, "*3\r\n", "~3\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.PushHeader(2); }, "*2\r\n", ">2\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.EmptyArray(); }, "*0\r\n", "*0\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.MapHeader(0); }, "*0\r\n", "%0\r\n");
}

// The same bytes as Redis' DEBUG PROTOCOL map / set in both protocols.
TEST(RespReplyTest, DebugProtocolShapes) {
  auto map = [](ReplyBuilder& rb) {
    rb.MapHeader(3);
    for (int i = 0; i < 3; ++i) {
      rb.Integer(i);
      rb.Bool(i == 1);
    }
  };
  ExpectBoth(map, "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
             "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
  auto set = [](ReplyBuilder& rb) {
    rb.SetHeader(3);
    for (int i = 0; i < 3; ++i) rb.Integer(i);
  };
  ExpectBoth(set, "*3\r\n:0\r\n:1\r\n:2\r\n", "~3\r\n:0\r\n:1\r\n:2\r\n");
}

TEST(RespReplyTest, Bool) {
  ExpectBoth([](ReplyBuilder& rb) { rb.Bool(true); }, ":1\r\n", "#t\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.Bool(false); }, ":0\r\n", "#f\r\n");
}

TEST(RespReplyTest, Verbatim) {
  ExpectBoth([](ReplyBuilder& rb) { rb.Verbatim("txt", "This is a verbatim\nstring"); },
             "$25\r\nThis is a verbatim\nstring\r\n", "=29\r\ntxt:This is a verbatim\nstring\r\n");
  // Redis pads a short format with spaces and uses only its first three bytes.
  EXPECT_EQ(Write(3, [](ReplyBuilder& rb) { rb.Verbatim("m", "x"); }), "=5\r\nm  :x\r\n");
  EXPECT_EQ(Write(3, [](ReplyBuilder& rb) { rb.Verbatim("mkdn", ""); }), "=4\r\nmkd:\r\n");
}

TEST(RespReplyTest, BigNumber) {
  ExpectBoth([](ReplyBuilder& rb) { rb.BigNumber("1234567999999999999999999999999999999"); },
             "$37\r\n1234567999999999999999999999999999999\r\n",
             "(1234567999999999999999999999999999999\r\n");
}

TEST(RespReplyTest, BulkArray) {
  const std::vector<std::string_view> items = {"a", "", "hello"};
  ExpectBoth([&](ReplyBuilder& rb) { rb.BulkArray(items); },
             "*3\r\n$1\r\na\r\n$0\r\n\r\n$5\r\nhello\r\n",
             "*3\r\n$1\r\na\r\n$0\r\n\r\n$5\r\nhello\r\n");
  ExpectBoth([](ReplyBuilder& rb) { rb.BulkArray({}); }, "*0\r\n", "*0\r\n");
}

TEST(RespReplyTest, AppendsAndSwitches) {
  std::string a = "prefix:";
  std::string b;
  ReplyBuilder rb(&a);
  EXPECT_EQ(rb.proto(), 2);
  rb.Null();
  rb.set_out(&b);
  rb.set_proto(3);
  EXPECT_EQ(rb.proto(), 3);
  rb.Null();
  EXPECT_EQ(a, "prefix:$-1\r\n");
  EXPECT_EQ(b, "_\r\n");
}

// ZSCORE replies from redis-server 7.0 (skiplist encoding for -0).
TEST(RespReplyTest, Doubles) {
  struct Case {
    double d;
    std::string_view text;
  };
  const Case cases[] = {
      {0.0, "0"},
      {-0.0, "-0"},
      {1.5, "1.5"},
      {3.141592653589793, "3.1415926535897931"},
      {1e300, "1.0000000000000001e+300"},
      {1.1, "1.1000000000000001"},
      {0.1, "0.10000000000000001"},
      {123456789012345678.0, "1.2345678901234568e+17"},
      {1e-300, "1e-300"},
      {2.5e-5, "2.5000000000000001e-05"},
      {100.0, "100"},
      {-1e17, "-1e+17"},
      {std::numeric_limits<double>::infinity(), "inf"},
      {-std::numeric_limits<double>::infinity(), "-inf"},
      {std::numeric_limits<double>::quiet_NaN(), "nan"},
      {-std::numeric_limits<double>::quiet_NaN(), "nan"},
  };
  for (const Case& c : cases) {
    std::string text;
    FormatDouble(c.d, &text);
    EXPECT_EQ(text, c.text);
    const std::string resp2 = absl::StrCat("$", c.text.size(), "\r\n", std::string(c.text), "\r\n");
    const std::string resp3 = absl::StrCat(",", std::string(c.text), "\r\n");
    ExpectBoth([&](ReplyBuilder& rb) { rb.Double(c.d); }, resp2, resp3);
  }
}

// FormatDouble must be exactly "%.17g", which is what Redis 7.0 calls.
TEST(RespReplyTest, DoubleMatchesPrintf) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    double d;
    const uint64_t bits = rng();
    std::memcpy(&d, &bits, sizeof(d));
    if (!std::isfinite(d)) continue;
    if (i % 2) d = static_cast<double>(static_cast<int64_t>(bits >> 20)) / 1000.0;
    char want[64];
    std::snprintf(want, sizeof(want), "%.17g", d);
    std::string got;
    FormatDouble(d, &got);
    ASSERT_EQ(got, want) << bits;
  }
}

std::string Ld(long double d) {
  std::string out;
  FormatLongDouble(d, &out);
  return out;
}

long double Sum(const char* a, const char* b) {
  return std::strtold(a, nullptr) + std::strtold(b, nullptr);
}

// SET x <a>; INCRBYFLOAT x <b> on redis-server 7.0.15 (it parses both with strtold).
TEST(RespReplyTest, LongDoubleMatchesIncrbyfloat) {
  struct Case {
    const char* a;
    const char* b;
    std::string_view want;
  };
  const Case cases[] = {
      {"10.5", "0.1", "10.6"},
      {"0", "5.0e3", "5000"},
      {"0", "0.1", "0.1"},
      {"0", "1.1", "1.1"},
      {"3.0", "0", "3"},
      {"0", "-0", "0"},
      {"0", "-0.000000000000000001", "0"},
      {"0", "0.000000000000000001", "0"},
      {"0", "1e-20", "0"},
      {"0", "1e-17", "0.00000000000000001"},
      {"0", "0.5e-17", "0"},
      {"0", "7.0e-17", "0.00000000000000007"},
      {"0", "123456789012345678", "123456789012345678"},
      {"0", "9007199254740993", "9007199254740993"},
      {"1", "-1", "0"},
      {"1.5", "-1.5", "0"},
      {"0", "3.141592653589793", "3.141592653589793"},
      {"5", "-5.5", "-0.5"},
      {"0", "-2.5", "-2.5"},
      {"0", "-1.5", "-1.5"},
      {"0", "1e20", "100000000000000000000"},
      {"0", "0.3", "0.3"},
      {"0.1", "0.2", "0.3"},
      {"0", "1e300",
       "100000000000000000000899732407955919387052394427329074793826008232126564659618093575584915"
       "208375049719035037250861427483590359255618467298391309626052074864628732713564184365329408"
       "425510760601678972665293237003055138294762099454029477278188962060617926761162709741065056"
       "7187386105690089424915104006144"},
      {"0", "-1e300",
       "-10000000000000000000089973240795591938705239442732907479382600823212656465961809357558491"
       "520837504971903503725086142748359035925561846729839130962605207486462873271356418436532940"
       "842551076060167897266529323700305513829476209945402947727818896206061792676116270974106505"
       "67187386105690089424915104006144"},
  };
  for (const Case& c : cases) EXPECT_EQ(Ld(Sum(c.a, c.b)), c.want) << c.a << " + " << c.b;

  const std::string big = Ld(std::strtold("1e4000", nullptr));
  EXPECT_EQ(big.size(), 4000u);
  EXPECT_EQ(big.substr(0, 40), "9999999999999999999965463873099623784932");
  EXPECT_EQ(big.substr(big.size() - 40), "1956972190272729951206648276349901340672");
}

TEST(RespReplyTest, LongDoubleSpecials) {
  EXPECT_EQ(Ld(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(Ld(-std::numeric_limits<long double>::infinity()), "-inf");
  EXPECT_EQ(Ld(std::numeric_limits<long double>::quiet_NaN()), "nan");
  EXPECT_EQ(Ld(-0.0L), "0");
  // The widest value still fits the fixed buffer.
  const std::string max = Ld(LDBL_MAX);
  EXPECT_EQ(max.size(), 4933u);
  EXPECT_EQ(Ld(-LDBL_MAX), absl::StrCat("-", max));
  std::string out = "x";
  FormatLongDouble(2.5L, &out);
  EXPECT_EQ(out, "x2.5");
}

// FormatLongDouble must be exactly Redis' "%.17Lf" plus its trimming.
TEST(RespReplyTest, LongDoubleMatchesPrintf) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> mantissa(-10.0, 10.0);
  std::uniform_int_distribution<int> exponent(-25, 40);
  for (int i = 0; i < 50000; ++i) {
    const long double d = static_cast<long double>(mantissa(rng)) * std::pow(10.0L, exponent(rng));
    char buf[256];
    int len = std::snprintf(buf, sizeof(buf), "%.17Lf", d);
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
    std::string want(buf, len);
    if (want == "-0") want = "0";
    ASSERT_EQ(Ld(d), want);
  }
}

}  // namespace
}  // namespace shoal::resp
