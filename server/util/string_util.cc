// Number parsing and formatting with Redis' exact rules.
#include "server/util/string_util.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace shoal {

bool ParseInt64(std::string_view s, int64_t* out) {
  size_t n = s.size();
  if (n == 0 || n > 20) return false;
  const char* p = s.data();
  if (n == 1 && p[0] == '0') {
    *out = 0;
    return true;
  }
  bool neg = false;
  size_t i = 0;
  if (p[0] == '-') {
    neg = true;
    i = 1;
    if (n == 1) return false;
  }
  if (p[i] < '1' || p[i] > '9') return false;
  uint64_t v = 0;
  for (; i < n; ++i) {
    unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return false;
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

namespace {
// strtold/strtod need a NUL-terminated string; values longer than this are not numbers Redis
// accepts.
constexpr size_t kMaxNumberLen = 5120;

bool HasSpaceOrEmpty(std::string_view s) {
  if (s.empty()) return true;
  return isspace(static_cast<unsigned char>(s.front())) != 0;
}
}  // namespace

// Redis' float rules: the whole string, no leading space, not NaN, no overflow to infinity or
// underflow to zero.
template <typename T, T (*Conv)(const char*, char**)>
bool ParseFloating(std::string_view s, T* out) {
  if (s.size() >= kMaxNumberLen || HasSpaceOrEmpty(s)) return false;
  char buf[kMaxNumberLen + 1];
  memcpy(buf, s.data(), s.size());
  buf[s.size()] = 0;
  char* end = nullptr;
  errno = 0;
  T v = Conv(buf, &end);
  if (static_cast<size_t>(end - buf) != s.size() || std::isnan(v)) return false;
  if (errno == ERANGE && (std::isinf(v) || std::fpclassify(v) == FP_ZERO)) return false;
  *out = v;
  return true;
}

bool ParseLongDouble(std::string_view s, long double* out) {
  return ParseFloating<long double, strtold>(s, out);
}

bool ParseDouble(std::string_view s, double* out) { return ParseFloating<double, strtod>(s, out); }

size_t FormatInt64(int64_t v, char* buf) {
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char tmp[24];
  char* p = tmp + sizeof(tmp);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) *--p = '-';
  size_t len = tmp + sizeof(tmp) - p;
  memcpy(buf, p, len);
  return len;
}

void AppendInt64(int64_t v, std::string* out) {
  char buf[24];
  out->append(buf, FormatInt64(v, buf));
}

bool EqualsLower(std::string_view s, std::string_view lower_literal) {
  if (s.size() != lower_literal.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != lower_literal[i]) return false;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

bool ToLowerInto(std::string_view s, char* buf, size_t cap, std::string_view* out) {
  if (s.size() > cap) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  *out = std::string_view(buf, s.size());
  return true;
}

std::string HumanBytes(uint64_t n) {
  char buf[64];
  double d = static_cast<double>(n);
  if (n < 1024) {
    snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(n));
  } else if (n < (1ull << 20)) {
    snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  } else if (n < (1ull << 30)) {
    snprintf(buf, sizeof(buf), "%.2fM", d / (1 << 20));
  } else if (n < (1ull << 40)) {
    snprintf(buf, sizeof(buf), "%.2fG", d / (1ull << 30));
  } else {
    snprintf(buf, sizeof(buf), "%.2fT", d / (1ull << 40));
  }
  return buf;
}

}  // namespace shoal
