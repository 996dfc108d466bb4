// Tests for GlobMatch / IsPlainPattern: Redis' glob rules, its quirks, binary data, and cost.
#include "server/util/glob.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace shoal {
namespace {

using std::string_literals::operator""s;

struct Case {
  std::string pattern;
  std::string str;
  bool match;
};

// Every case with a non-empty subject was also checked against redis-server 7.0 (KEYS).
const std::vector<Case>& RedisCases() {
  static const std::vector<Case> cases = {
      {"hello", "hello", true},
      {"hello", "hell", false},
      {"hello", "helloo", false},
      {"", "", true},
      {"", "a", false},
      {"h?llo", "hallo", true},
      {"h?llo", "hllo", false},
      {"?", "\xff", true},
      {"??", "a", false},
      {"*", "anything", true},
      {"**", "x", true},
      {"a*", "a", true},
      {"a*", "abc", true},
      {"a*", "ba", false},
      {"*a", "bba", true},
      {"*a", "ab", false},
      {"a*b*c", "aXXbYYc", true},
      {"a*b*c", "aXXcYYb", false},
      {"*ab*ab*", "xabyabz", true},
      {"*ab*ab*", "xaby", false},
      {"h*llo", "hllo", true},
      {"a*?", "a", false},
      {"a*?", "ab", true},
      {"*?*?*", "x", false},
      {"*?*?*", "xy", true},
      // Sets and ranges.
      {"h[ae]llo", "hello", true},
      {"h[ae]llo", "hillo", false},
      {"h[^e]llo", "hallo", true},
      {"h[^e]llo", "hello", false},
      {"h[a-b]llo", "hbllo", true},
      {"h[a-b]llo", "hcllo", false},
      {"[c-a]", "b", true},
      {"[c-a]", "d", false},
      {"[^a-c]", "b", false},
      {"[^a-c]", "d", true},
      {"[a-cx-z]", "y", true},
      {"[a-cx-z]", "m", false},
      {"[-a]", "-", true},
      {"[*]", "*", true},
      {"[*]", "a", false},
      {"[?]", "a", false},
      // "[]" is an empty set, not a literal ']'.
      {"[]a]", "a", false},
      {"[]a]", "]", false},
      {"[]a]", "]a]", false},
      {"[]a]", "a]", false},
      {"[^]", "x", true},
      {"[^]", "xy", false},
      {"[^]a", "ba", true},
      // A set with no closing ']' runs to the end of the pattern.
      {"[abc", "a", true},
      {"[abc", "c", true},
      {"[abc", "d", false},
      {"[abc", "ab", false},
      {"a[", "a", false},
      {"[", "[", false},
      {"[^", "q", true},
      {"[^a", "a", false},
      {"[^a", "b", true},
      // "[a-]" is the range 'a'..']' (reversed), then an unterminated set.
      {"[a-]", "a", true},
      {"[a-]", "]", true},
      {"[a-]", "_", true},
      {"[a-]", "-", false},
      {"[a-]", "b", false},
      {"[a-]b]", "b", true},
      // Escapes.
      {"\\*", "*", true},
      {"\\*", "x", false},
      {"\\?", "?", true},
      {"\\[a]", "[a]", true},
      {"\\[a]", "a", false},
      {"a\\", "a\\", true},
      {"\\", "\\", true},
      {"\\\\", "\\", true},
      {"\\a", "a", true},
      {"[\\]]", "]", true},
      {"[\\]]", "\\", false},
      {"[\\-]", "-", true},
      {"[\\^a]", "^", true},
      {"[a\\-z]", "m", false},
      {"[a\\-z]", "-", true},
      {"[\\", "\\", true},
      // Binary subjects and patterns.
      {"a\0*"s, "a\0xyz"s, true},
      {"a\0*"s, "a\1xyz"s, false},
      {"[\0-\x10]"s, "\x05", true},
      {"[\0-\x10]"s, "\x11", false},
      {"[\x80-\xff]", "\xc3", true},
      {"[\x80-\xff]", "a", false},
      {"*\xff", "ab\xff", true},
      {"\xc3*", "\xe3", false},
  };
  return cases;
}

TEST(GlobTest, RedisCases) {
  for (const Case& c : RedisCases()) {
    EXPECT_EQ(GlobMatch(c.pattern, c.str), c.match)
        << "pattern '" << c.pattern << "' str '" << c.str << "'";
  }
}

TEST(GlobTest, EmptySubject) {
  // Redis' matcher refuses "" for any non-empty pattern; KEYS * papers over it. Shoal answers
  // what the pattern means.
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("***", ""));
  EXPECT_FALSE(GlobMatch("?", ""));
  EXPECT_FALSE(GlobMatch("[^]", ""));
  EXPECT_FALSE(GlobMatch("*?", ""));
  EXPECT_FALSE(GlobMatch("a", ""));
}

TEST(GlobTest, NoCase) {
  EXPECT_TRUE(GlobMatch("HeLLo", "hello", true));
  EXPECT_FALSE(GlobMatch("HeLLo", "hello", false));
  EXPECT_TRUE(GlobMatch("*MAX*", "maxmemory", true));
  EXPECT_TRUE(GlobMatch("h[AE]llo", "hello", true));
  EXPECT_TRUE(GlobMatch("[A-Z]", "q", true));
  EXPECT_FALSE(GlobMatch("[A-Z]", "q", false));
  EXPECT_TRUE(GlobMatch("[^A-Z]", "1", true));
  EXPECT_FALSE(GlobMatch("[^A-Z]", "q", true));
  // Redis orders a range's ends before folding them: [Z-a] is empty without case, and
  // 'Z'..'`' plus 'a' with it.
  EXPECT_TRUE(GlobMatch("[Z-a]", "_", false));
  EXPECT_FALSE(GlobMatch("[Z-a]", "_", true));
  EXPECT_FALSE(GlobMatch("[Z-a]", "a", true));
  // An escape inside a set compares exactly; outside one it folds like any literal.
  EXPECT_FALSE(GlobMatch("[\\A]", "a", true));
  EXPECT_TRUE(GlobMatch("[\\A]", "A", true));
  EXPECT_TRUE(GlobMatch("\\A", "a", true));
  // Only ASCII letters fold.
  EXPECT_FALSE(GlobMatch("\xc3", "\xe3", true));
  EXPECT_TRUE(GlobMatch("\xc3", "\xc3", true));
}

TEST(GlobTest, RangesCompareUnsignedBytes) {
  EXPECT_TRUE(GlobMatch("[\x01-\xff]", "a"));
  EXPECT_TRUE(GlobMatch("[\x01-\xff]", "\x80"));
  EXPECT_FALSE(GlobMatch("[\x01-\xff]", "\0"s));
  EXPECT_TRUE(GlobMatch("[\xff-a]", "\x90"));
  EXPECT_FALSE(GlobMatch("[\xff-a]", "0"));
}

TEST(GlobTest, PathologicalPatternsAreFast) {
  // Naive backtracking is exponential on these; Redis 7 caps recursion instead.
  const std::string as(100000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*b", as));
  EXPECT_TRUE(GlobMatch("*a*a*a*a*a*a*a*a*a", as));
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "a*";
  EXPECT_TRUE(GlobMatch(many, std::string(4000, 'a')));
  EXPECT_FALSE(GlobMatch(many + "b", std::string(4000, 'a')));
  // More stars than Redis' nesting limit still give the right answer.
  std::string stars;
  for (int i = 0; i < 1500; ++i) stars += "*x";
  EXPECT_TRUE(GlobMatch(stars, std::string(1500, 'x')));
  EXPECT_FALSE(GlobMatch(stars, std::string(1499, 'x')));
  EXPECT_TRUE(GlobMatch(std::string(100000, '*'), "abc"));
}

// Splits a pattern into atoms the way the matcher reads it: "*", or one single-byte atom
// (a literal, "?", "\x", or a whole [...] set).
std::vector<std::string> Atoms(const std::string& p) {
  std::vector<std::string> atoms;
  size_t i = 0;
  while (i < p.size()) {
    size_t start = i;
    if (p[i] == '[') {
      ++i;
      if (i < p.size() && p[i] == '^') ++i;
      while (i < p.size()) {
        if (p[i] == '\\' && i + 1 < p.size()) {
          i += 2;
        } else if (p[i] == ']') {
          ++i;
          break;
        } else if (i + 2 < p.size() && p[i + 1] == '-') {
          i += 3;
        } else {
          ++i;
        }
      }
    } else if (p[i] == '\\' && i + 1 < p.size()) {
      i += 2;
    } else {
      ++i;
    }
    atoms.push_back(p.substr(start, i - start));
  }
  return atoms;
}

// Textbook dynamic programming over (atom, subject position); single atoms are checked with
// GlobMatch on one byte, so this checks how stars compose, independently of the backtracking.
bool Reference(const std::string& pattern, const std::string& str, bool nocase) {
  const std::vector<std::string> atoms = Atoms(pattern);
  const size_t n = atoms.size(), m = str.size();
  // ok[i][j]: atoms[i..] match str[j..].
  std::vector<std::vector<char>> ok(n + 1, std::vector<char>(m + 1, 0));
  ok[n][m] = 1;
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m + 1; j-- > 0;) {
      if (atoms[i] == "*") {
        ok[i][j] = ok[i + 1][j] || (j < m && ok[i][j + 1]);
      } else {
        ok[i][j] = j < m && GlobMatch(atoms[i], str.substr(j, 1), nocase) && ok[i + 1][j + 1];
      }
    }
  }
  return ok[0][0];
}

TEST(GlobTest, AgreesWithReferenceOnRandomPatterns) {
  std::mt19937 rng(12345);
  const std::string alphabet = "ab-^]\0\xff"s;
  const std::string pattern_alphabet = "ab*?[]\\-^"s;
  const std::string mixed_alphabet = pattern_alphabet + alphabet;
  auto pick = [&](const std::string& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
  };
  for (int iter = 0; iter < 20000; ++iter) {
    std::string p, s;
    const int plen = std::uniform_int_distribution<int>(0, 9)(rng);
    const int slen = std::uniform_int_distribution<int>(0, 8)(rng);
    const std::string& from = iter % 2 ? pattern_alphabet : mixed_alphabet;
    for (int i = 0; i < plen; ++i) p += pick(from);
    for (int i = 0; i < slen; ++i) s += pick(alphabet);
    const bool nocase = iter % 3 == 0;
    ASSERT_EQ(GlobMatch(p, s, nocase), Reference(p, s, nocase))
        << "pattern '" << p << "' str '" << s << "' nocase " << nocase;
  }
}

TEST(GlobTest, IsPlainPattern) {
  EXPECT_TRUE(IsPlainPattern(""));
  EXPECT_TRUE(IsPlainPattern("user:1000"));
  EXPECT_TRUE(IsPlainPattern("a]b^c-d"));
  EXPECT_TRUE(IsPlainPattern("bin\0ary"s));
  EXPECT_FALSE(IsPlainPattern("user:*"));
  EXPECT_FALSE(IsPlainPattern("user:?"));
  EXPECT_FALSE(IsPlainPattern("user:[12]"));
  EXPECT_FALSE(IsPlainPattern("user\\:1"));
  for (const char* p : {"abc", "a-b", "x]y"}) EXPECT_TRUE(GlobMatch(p, p));
}

}  // namespace
}  // namespace shoal
