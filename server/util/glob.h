// Glob-style matching as Redis does it for KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET.
#pragma once

#include <string_view>

namespace shoal {

// Matches str against a Redis glob pattern, byte by byte (binary safe):
//   *      any run of bytes, including none
//   ?      exactly one byte
//   [abc]  one byte from the set; [^abc] one byte not in it; [a-z] a range (reversed ranges
//          like [z-a] work too); \x inside a set is x taken literally
//   \x     x taken literally
// Redis' quirks are kept on purpose, because clients see them: a '[' with no closing ']' takes
// the rest of the pattern as its set, "[]" is an empty set (so "[]a]" never matches), "[a-]"
// is the range 'a'..']', and an escape inside a set compares case-sensitively even with nocase.
// Differences from Redis 7.0's stringmatchlen, where its answer is an accident:
//   - an empty str matches "*" (and "**", "***"); Redis' matcher says no, and KEYS * only
//     hides that with a shortcut;
//   - bytes compare as unsigned, so "[\x00-\xff]" is every byte (Redis compares signed chars
//     on x86, unsigned ones on ARM);
//   - there is no nesting limit: matching is iterative, O(|pattern| * |str|) time and O(1)
//     space for any pattern, so Redis 7's cap of 1000 stars is not needed.
// nocase folds ASCII letters only, like Redis in the C locale.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

// True if pattern has no glob metacharacter ('*', '?', '[', '\'), so it matches exactly one
// string, itself; callers such as KEYS can then look the key up instead of scanning.
bool IsPlainPattern(std::string_view pattern);

}  // namespace shoal
