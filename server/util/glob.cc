// Glob-style matching as Redis does it for KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET.
#include "server/util/glob.h"

#include <cstddef>
#include <utility>

#include "absl/strings/ascii.h"

namespace shoal {
namespace {

inline unsigned char Byte(char c) { return static_cast<unsigned char>(c); }

inline unsigned char Fold(unsigned char c, bool nocase) {
  return nocase ? static_cast<unsigned char>(absl::ascii_tolower(c)) : c;
}

// Matches the single-byte atom that starts at pattern[p] (anything but '*') against c.
// Sets *next to the position just past the atom. Every atom other than '*' consumes exactly
// one byte of the subject, which is what lets GlobMatch backtrack to the last star only.
bool MatchAtom(std::string_view pattern, size_t p, unsigned char c, bool nocase, size_t* next) {
  const size_t n = pattern.size();
  switch (pattern[p]) {
    case '?':
      *next = p + 1;
      return true;
    case '[': {
      size_t i = p + 1;
      const bool negate = i < n && pattern[i] == '^';
      if (negate) ++i;
      bool matched = false;
      while (true) {
        if (i >= n) {
          // No closing ']': the set runs to the end of the pattern, as in Redis.
          *next = n;
          break;
        }
        if (pattern[i] == '\\' && i + 1 < n) {
          // Escaped byte inside a set: Redis compares it exactly, ignoring nocase.
          if (Byte(pattern[i + 1]) == c) matched = true;
          i += 2;
          continue;
        }
        if (pattern[i] == ']') {
          *next = i + 1;
          break;
        }
        if (i + 2 < n && pattern[i + 1] == '-') {
          // A range; its end may be any byte, even ']' ("[a-]" is 'a'..']' in Redis).
          unsigned char lo = Byte(pattern[i]);
          unsigned char hi = Byte(pattern[i + 2]);
          if (lo > hi) std::swap(lo, hi);
          // Redis orders the ends before folding case, so "[Z-a]" with nocase is empty.
          lo = Fold(lo, nocase);
          hi = Fold(hi, nocase);
          const unsigned char fc = Fold(c, nocase);
          if (fc >= lo && fc <= hi) matched = true;
          i += 3;
          continue;
        }
        if (Fold(Byte(pattern[i]), nocase) == Fold(c, nocase)) matched = true;
        ++i;
      }
      return matched != negate;
    }
    case '\\':
      // A trailing backslash has nothing to escape and stands for itself.
      if (p + 1 < n) {
        *next = p + 2;
        return Fold(Byte(pattern[p + 1]), nocase) == Fold(c, nocase);
      }
      [[fallthrough]];
    default:
      *next = p + 1;
      return Fold(Byte(pattern[p]), nocase) == Fold(c, nocase);
  }
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  constexpr size_t kNoStar = static_cast<size_t>(-1);
  const size_t n = pattern.size();
  size_t p = 0;
  size_t s = 0;
  // Where to resume after the most recent star: the pattern just past it, and the subject
  // position it has absorbed up to. Retrying only the latest star is complete because all
  // other atoms consume exactly one byte: whatever an earlier star could absorb instead, the
  // later star can absorb too. This bounds the work at O(n * |str|) with no recursion, which
  // is what protects us from patterns like "*a*a*a*a*a*b".
  size_t star_p = kNoStar;
  size_t star_s = 0;
  while (s < str.size()) {
    if (p < n) {
      if (pattern[p] == '*') {
        while (p < n && pattern[p] == '*') ++p;
        if (p == n) return true;
        star_p = p;
        star_s = s;
        continue;
      }
      size_t next;
      if (MatchAtom(pattern, p, Byte(str[s]), nocase, &next)) {
        p = next;
        ++s;
        continue;
      }
    }
    if (star_p == kNoStar) return false;
    p = star_p;
    s = ++star_s;
  }
  while (p < n && pattern[p] == '*') ++p;
  return p == n;
}

bool IsPlainPattern(std::string_view pattern) {
  return pattern.find_first_of("*?[\\") == std::string_view::npos;
}

}  // namespace shoal
