// RESP2/RESP3 reply writer: the byte layout of every reply type, with allocation-free fast paths.
#include "server/resp/reply.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace shoal::resp {
namespace {

constexpr char kDigitPairs[] =
    "00010203040506070809"
    "10111213141516171819"
    "20212223242526272829"
    "30313233343536373839"
    "40414243444546474849"
    "50515253545556575859"
    "60616263646566676869"
    "70717273747576777879"
    "80818283848586878889"
    "90919293949596979899";

// Room for a type byte, a sign, 20 digits and CRLF.
constexpr size_t kMaxLineHeader = 1 + 1 + 20 + 2;

// Writes v's decimal digits so that they end just before `end`; returns the first digit.
// Two digits per division, because this runs for every integer reply and every bulk header.
inline char* WriteDigitsBackward(uint64_t v, char* end) {
  while (v >= 100) {
    const size_t i = (v % 100) * 2;
    v /= 100;
    end -= 2;
    std::memcpy(end, kDigitPairs + i, 2);
  }
  if (v >= 10) {
    end -= 2;
    std::memcpy(end, kDigitPairs + v * 2, 2);
  } else {
    *--end = static_cast<char>('0' + v);
  }
  return end;
}

// Builds "<type><v>\r\n" in buf (kMaxLineHeader bytes) and returns where it starts; it ends at
// buf + kMaxLineHeader.
inline char* LineHeader(char* buf, char type, int64_t v) {
  char* end = buf + kMaxLineHeader;
  end[-2] = '\r';
  end[-1] = '\n';
  const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char* p = WriteDigitsBackward(magnitude, end - 2);
  if (v < 0) *--p = '-';
  *--p = type;
  return p;
}

inline char* LineHeaderU(char* buf, char type, uint64_t v) {
  char* end = buf + kMaxLineHeader;
  end[-2] = '\r';
  end[-1] = '\n';
  char* p = WriteDigitsBackward(v, end - 2);
  *--p = type;
  return p;
}

inline void AppendLine(std::string* out, char type, uint64_t v) {
  char buf[kMaxLineHeader];
  const char* p = LineHeaderU(buf, type, v);
  out->append(p, buf + kMaxLineHeader - p);
}

// Payloads up to this size are framed in a stack buffer and appended at once: one capacity
// check and one copy instead of three (LRANGE and HGETALL replies are mostly such elements).
constexpr size_t kSmallBulk = 64;

// "$<len>\r\n<payload>\r\n" for a payload that is already in its wire form.
inline void AppendBulkLike(std::string* out, std::string_view s) {
  if (s.size() <= kSmallBulk) {
    char small[kMaxLineHeader + kSmallBulk + 2];
    const char* p = LineHeaderU(small, '$', s.size());
    char* end = small + kMaxLineHeader;
    if (!s.empty()) std::memcpy(end, s.data(), s.size());  // an empty view may hold nullptr
    end += s.size();
    end[0] = '\r';
    end[1] = '\n';
    out->append(p, static_cast<size_t>(end + 2 - p));
    return;
  }
  char buf[kMaxLineHeader];
  const char* p = LineHeaderU(buf, '$', s.size());
  const size_t header_len = buf + kMaxLineHeader - p;
  out->reserve(out->size() + header_len + s.size() + 2);
  out->append(p, header_len);
  out->append(s.data(), s.size());
  out->append("\r\n", 2);
}

// Longest "%.17g" text: sign, 17 digits, '.', "e-308".
constexpr size_t kMaxDoubleChars = 32;

// Writes the reply text of d to buf (kMaxDoubleChars bytes); returns its length.
size_t DoubleText(double d, char* buf) {
  if (std::isinf(d)) {
    if (d > 0) {
      std::memcpy(buf, "inf", 3);
      return 3;
    }
    std::memcpy(buf, "-inf", 4);
    return 4;
  }
  if (std::isnan(d)) {
    std::memcpy(buf, "nan", 3);
    return 3;
  }
  // to_chars with a precision is specified as printf's "%.17g" in the C locale, without
  // printf's cost or its dependence on the process locale.
  const auto r = std::to_chars(buf, buf + kMaxDoubleChars, d, std::chars_format::general, 17);
  return r.ptr - buf;
}

}  // namespace

void ReplyBuilder::Ok() { out_->append("+OK\r\n", 5); }

void ReplyBuilder::Simple(std::string_view s) {
  out_->reserve(out_->size() + s.size() + 3);
  out_->push_back('+');
  out_->append(s.data(), s.size());
  out_->append("\r\n", 2);
}

void ReplyBuilder::Error(std::string_view msg) {
  if (!msg.empty() && msg[0] == '-') msg.remove_prefix(1);
  out_->reserve(out_->size() + msg.size() + 3);
  out_->push_back('-');
  const size_t start = out_->size();
  out_->append(msg.data(), msg.size());
  // A CR or LF would end the error line early and desynchronize the client.
  for (size_t i = start; i < out_->size(); ++i) {
    char& c = (*out_)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
  out_->append("\r\n", 2);
}

void ReplyBuilder::Integer(int64_t v) {
  char buf[kMaxLineHeader];
  const char* p = LineHeader(buf, ':', v);
  out_->append(p, buf + kMaxLineHeader - p);
}

void ReplyBuilder::Bulk(std::string_view s) { AppendBulkLike(out_, s); }

void ReplyBuilder::Null() {
  if (proto_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyBuilder::NullArray() {
  if (proto_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyBuilder::ArrayHeader(size_t n) { AppendLine(out_, '*', n); }

void ReplyBuilder::MapHeader(size_t n) {
  if (proto_ >= 3) {
    AppendLine(out_, '%', n);
  } else {
    AppendLine(out_, '*', static_cast<uint64_t>(n) * 2);
  }
}

void ReplyBuilder::SetHeader(size_t n) { AppendLine(out_, proto_ >= 3 ? '~' : '*', n); }

void ReplyBuilder::PushHeader(size_t n) { AppendLine(out_, proto_ >= 3 ? '>' : '*', n); }

void ReplyBuilder::FormattedDouble(std::string_view text) {
  if (proto_ >= 3) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n", 2);
  } else {
    AppendBulkLike(out_, text);
  }
}

void ReplyBuilder::Double(double d) {
  char text[kMaxDoubleChars];
  const size_t len = DoubleText(d, text);
  if (proto_ >= 3) {
    out_->reserve(out_->size() + len + 3);
    out_->push_back(',');
    out_->append(text, len);
    out_->append("\r\n", 2);
  } else {
    AppendBulkLike(out_, std::string_view(text, len));
  }
}

void ReplyBuilder::Bool(bool b) {
  if (proto_ >= 3) {
    out_->append(b ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(b ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyBuilder::Verbatim(std::string_view fmt3, std::string_view s) {
  if (proto_ < 3) {
    AppendBulkLike(out_, s);
    return;
  }
  char buf[kMaxLineHeader];
  const char* p = LineHeaderU(buf, '=', s.size() + 4);
  const size_t header_len = buf + kMaxLineHeader - p;
  out_->reserve(out_->size() + header_len + 4 + s.size() + 2);
  out_->append(p, header_len);
  char ext[4] = {' ', ' ', ' ', ':'};
  std::memcpy(ext, fmt3.data(), std::min<size_t>(fmt3.size(), 3));
  out_->append(ext, 4);
  out_->append(s.data(), s.size());
  out_->append("\r\n", 2);
}

void ReplyBuilder::BigNumber(std::string_view digits) {
  if (proto_ < 3) {
    AppendBulkLike(out_, digits);
    return;
  }
  out_->reserve(out_->size() + digits.size() + 3);
  out_->push_back('(');
  out_->append(digits.data(), digits.size());
  out_->append("\r\n", 2);
}

void ReplyBuilder::BulkArray(std::span<const std::string_view> items) {
  // One reservation for the whole reply: each bulk costs at most its header plus CRLF extra.
  size_t total = kMaxLineHeader;
  for (std::string_view s : items) total += s.size() + kMaxLineHeader + 2;
  out_->reserve(out_->size() + total);
  AppendLine(out_, '*', items.size());
  for (std::string_view s : items) {
    char buf[kMaxLineHeader];
    const char* p = LineHeaderU(buf, '$', s.size());
    out_->append(p, buf + kMaxLineHeader - p);
    out_->append(s.data(), s.size());
    out_->append("\r\n", 2);
  }
}

void ReplyBuilder::EmptyArray() { out_->append("*0\r\n", 4); }

void FormatDouble(double d, std::string* out) {
  char text[kMaxDoubleChars];
  out->append(text, DoubleText(d, text));
}

void FormatLongDouble(long double d, std::string* out) {
  if (std::isinf(d)) {
    out->append(d > 0 ? "inf" : "-inf");
    return;
  }
  if (std::isnan(d)) {
    out->append("nan");
    return;
  }
  // "%.17Lf" of the largest x87 long double is 4933 digits plus sign, point and 17 decimals;
  // Redis formats into a 5 KiB buffer for the same reason.
  char buf[5 * 1024];
  const auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed, 17);
  size_t len = r.ptr - buf;
  // Fixed notation with 17 decimals always has a '.', so trimming cannot eat integer digits.
  while (buf[len - 1] == '0') --len;
  if (buf[len - 1] == '.') --len;
  if (len == 2 && buf[0] == '-' && buf[1] == '0') {
    out->push_back('0');
    return;
  }
  out->append(buf, len);
}

}  // namespace shoal::resp
