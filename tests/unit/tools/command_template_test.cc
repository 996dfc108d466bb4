// Tests of shoal-bench's command templates: redis-cli style splitting and RESP rendering of
// placeholders.
#include "tools/shoal-bench/command_template.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace shoal::bench {
namespace {

std::string Render(const CommandTemplate& t, const TemplateValues& v) {
  OutBuffer out;
  t.Render(out, v);
  return std::string(out.view());
}

TEST(SplitCommandLine, WhitespaceAndQuotes) {
  using V = std::vector<std::string>;
  EXPECT_EQ(*SplitCommandLine("  SET  a   b "), (V{"SET", "a", "b"}));
  EXPECT_EQ(*SplitCommandLine(R"(SET "hello world" 'it''s')"), (V{"SET", "hello world", "its"}));
  EXPECT_EQ(*SplitCommandLine(R"(SET k "a\"b\\c\n\x41")"), (V{"SET", "k", "a\"b\\c\nA"}));
  EXPECT_EQ(*SplitCommandLine(R"(SET k 'a\'b')"), (V{"SET", "k", "a'b"}));
  EXPECT_EQ(*SplitCommandLine(R"(SET k "")"), (V{"SET", "k", ""}));
  EXPECT_EQ(*SplitCommandLine("pre\"mid dle\"post"), (V{"premid dlepost"}));
  EXPECT_TRUE(SplitCommandLine("")->empty());
  EXPECT_FALSE(SplitCommandLine("SET \"open").ok());
  EXPECT_FALSE(SplitCommandLine("SET 'open").ok());
}

TEST(CommandTemplate, SetKeyData) {
  auto t = CommandTemplate::Parse("set __key__ __data__");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name(), "SET");
  EXPECT_EQ(t->arg_count(), 3u);
  EXPECT_TRUE(t->uses_key());
  EXPECT_TRUE(t->uses_data());
  EXPECT_FALSE(t->uses_expiry());
  EXPECT_EQ(Render(*t, {"key:1", "abc", ""}), "*3\r\n$3\r\nset\r\n$5\r\nkey:1\r\n$3\r\nabc\r\n");
}

TEST(CommandTemplate, PlaceholdersInsideArguments) {
  auto t = CommandTemplate::Parse("HSET h:__key__ f __data__");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Render(*t, {"k7", "vv", ""}),
            "*4\r\n$4\r\nHSET\r\n$4\r\nh:k7\r\n$1\r\nf\r\n$2\r\nvv\r\n");
  auto u = CommandTemplate::Parse("SET __key__-__key__:x __data__ EX __expiry__");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->uses_expiry());
  EXPECT_EQ(Render(*u, {"ab", "", "30"}),
            "*5\r\n$3\r\nSET\r\n$7\r\nab-ab:x\r\n$0\r\n\r\n$2\r\nEX\r\n$2\r\n30\r\n");
}

TEST(CommandTemplate, LiteralOnlyAndQuotedArguments) {
  auto t = CommandTemplate::Parse("PING");
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->uses_key());
  EXPECT_EQ(Render(*t, {}), "*1\r\n$4\r\nPING\r\n");
  auto u = CommandTemplate::Parse(R"(SET "my key __key__" "two words")");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(Render(*u, {"1", "", ""}), "*3\r\n$3\r\nSET\r\n$8\r\nmy key 1\r\n$9\r\ntwo words\r\n");
}

TEST(CommandTemplate, RendersAppendAndValuesChangePerRequest) {
  auto t = CommandTemplate::Parse("GET __key__");
  ASSERT_TRUE(t.ok());
  OutBuffer out;
  t->Render(out, {"a", "", ""});
  t->Render(out, {"key:1234567890", "", ""});
  EXPECT_EQ(out.view(),
            "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$14\r\nkey:1234567890\r\n");
}

TEST(CommandTemplate, LargeValues) {
  auto t = CommandTemplate::Parse("SET k __data__");
  ASSERT_TRUE(t.ok());
  const std::string big(100000, 'x');
  const std::string r = Render(*t, {"", big, ""});
  EXPECT_EQ(r, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n" + big + "\r\n");
}

TEST(CommandTemplate, RejectsEmptyAndUnbalanced) {
  EXPECT_FALSE(CommandTemplate::Parse("").ok());
  EXPECT_FALSE(CommandTemplate::Parse("   ").ok());
  EXPECT_FALSE(CommandTemplate::Parse("SET \"x").ok());
}

TEST(WriteDecimal, Values) {
  char buf[24];
  for (uint64_t v : {uint64_t{0}, uint64_t{9}, uint64_t{10}, uint64_t{1234567}, UINT64_MAX}) {
    char* end = WriteDecimal(buf, v);
    EXPECT_EQ(std::string(buf, end), std::to_string(v));
  }
}

}  // namespace
}  // namespace shoal::bench
