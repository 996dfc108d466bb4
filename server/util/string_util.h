// Number parsing and formatting with Redis' exact rules (what counts as an integer, a float, ...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace shoal {

// Strict int64 parse as Redis' string2ll: optional '-', no '+', no spaces, no leading zeros
// (except "0"), no overflow. These are also the strings Shoal stores as integers, because the
// integer prints back to exactly the same bytes.
bool ParseInt64(std::string_view s, int64_t* out);

// Parses a long double as INCRBYFLOAT does (strtold over the whole string, no spaces, not NaN).
bool ParseLongDouble(std::string_view s, long double* out);

// Parses a double as Redis' getDoubleFromObject (no spaces, not NaN; "inf" and "-inf" allowed).
bool ParseDouble(std::string_view s, double* out);

// Appends the decimal form of v.
void AppendInt64(int64_t v, std::string* out);
// Writes the decimal form of v into buf (at least 21 bytes), returns the length.
size_t FormatInt64(int64_t v, char* buf);

// ASCII case-insensitive comparison against a lower-case literal.
bool EqualsLower(std::string_view s, std::string_view lower_literal);
// ASCII case-insensitive equality of two arbitrary strings.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Copies s lower-cased into buf (capacity cap); returns false if it does not fit.
bool ToLowerInto(std::string_view s, char* buf, size_t cap, std::string_view* out);

// Human-readable size as INFO prints it ("1.50M").
std::string HumanBytes(uint64_t n);

// s up to its first NUL byte: what Redis prints of an argument with %s in an error message.
inline std::string_view CStr(std::string_view s) { return s.substr(0, s.find('\0')); }

// Debian's Abseil has its own string_view type (not std::string_view); these forward to
// absl::StrCat/StrAppend with std::string_view arguments converted.
namespace internal {
inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }
template <typename T>
const T& ToAbsl(const T& v) {
  return v;
}
}  // namespace internal
template <typename... A>
std::string Cat(const A&... a) {
  return absl::StrCat(internal::ToAbsl(a)...);
}
template <typename... A>
void CatAppend(std::string* out, const A&... a) {
  absl::StrAppend(out, internal::ToAbsl(a)...);
}

}  // namespace shoal
