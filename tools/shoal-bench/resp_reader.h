// Streaming RESP2/RESP3 reply reader that counts replies, nils and errors without allocating.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_RESP_READER_H_
#define SHOAL_TOOLS_SHOAL_BENCH_RESP_READER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace shoal::bench {

enum class ReplyKind : uint8_t {
  kValue,  // Anything that is neither nil nor an error (a GET hit).
  kNil,    // $-1, *-1 or RESP3 _ at the top level (a GET miss).
  kError,  // -ERR ... or RESP3 !<len> bulk error at the top level.
};

// The benchmark never looks at reply values, only at how many replies arrived and whether
// each was nil or an error, so the reader keeps no values: bulk payloads are skipped by
// length (never buffered, however large), nesting is a small counter stack, and a header
// line split across reads is the only thing copied. State survives between Feed() calls,
// so replies may be cut anywhere. RESP3 push messages (>) and attributes (|) are consumed
// but not counted, since they do not answer a request.
class RespReplyReader {
 public:
  static constexpr int kMaxDepth = 64;
  static constexpr size_t kMaxLine = 256;       // Longer simple lines are truncated, not kept.
  static constexpr size_t kMaxErrorText = 200;  // Enough to show and group error messages.

  // Calls on_reply(ReplyKind) for every complete top-level reply. Returns false on a
  // protocol violation (see protocol_error()); the stream cannot be trusted after that.
  template <typename F>
  bool Feed(const char* p, size_t n, F&& on_reply) {
    const char* const end = p + n;
    while (p < end) {
      if (skip_ > 0) {
        const size_t take = std::min<size_t>(skip_, static_cast<size_t>(end - p));
        if (capture_left_ > 0) {
          const size_t c = std::min(capture_left_, take);
          std::memcpy(error_text_ + error_len_, p, c);
          error_len_ += c;
          capture_left_ -= c;
        }
        p += take;
        skip_ -= take;
        if (skip_ == 0 && ValueDone()) on_reply(top_kind_);
        continue;
      }
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (nl == nullptr) {
        StorePartial(p, static_cast<size_t>(end - p));
        break;
      }
      int r;
      if (partial_) {
        StorePartial(p, static_cast<size_t>(nl - p));
        r = HandleLine(line_, line_len_);
        partial_ = false;
        line_len_ = 0;
      } else {
        r = HandleLine(p, static_cast<size_t>(nl - p));
      }
      p = nl + 1;
      if (r < 0) return false;
      if (r > 0) on_reply(top_kind_);
    }
    return true;
  }

  // Text of the most recent top-level error reply (without the leading '-').
  std::string_view last_error() const { return {error_text_, error_len_}; }
  const std::string& protocol_error() const { return protocol_error_; }
  // True between replies: nothing partial is buffered.
  bool idle() const { return depth_ == 0 && skip_ == 0 && !partial_; }

 private:
  void StorePartial(const char* p, size_t n) {
    partial_ = true;
    const size_t c = std::min(n, kMaxLine - line_len_);
    std::memcpy(line_ + line_len_, p, c);
    line_len_ += c;
  }

  static bool ParseInt(const char* s, size_t n, int64_t* out) {
    bool neg = false;
    if (n > 0 && *s == '-') {
      neg = true;
      ++s;
      --n;
    }
    if (n == 0 || n > 18) return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
  }

  void BeginTop(ReplyKind kind) { top_kind_ = kind; }

  // One value finished at the current depth. Returns 1 when that completed a counted
  // top-level reply.
  int ValueDone() {
    while (depth_ > 0) {
      if (--remaining_[depth_ - 1] > 0) return 0;
      --depth_;
      // An attribute annotates the value after it; it is not an element of its parent.
      if (attribute_[depth_]) return 0;
    }
    const bool counted = !top_push_;
    top_push_ = false;
    return counted ? 1 : 0;
  }

  int Fail(std::string what) {
    protocol_error_ = std::move(what);
    return -1;
  }

  // Returns -1 on protocol error, 1 when a counted top-level reply completed, else 0.
  int HandleLine(const char* line, size_t len) {
    if (len > 0 && line[len - 1] == '\r') --len;
    if (len == 0) return Fail("empty line where a RESP type byte was expected");
    const bool top = depth_ == 0;
    const char type = line[0];
    switch (type) {
      case '+':
      case ':':
      case ',':
      case '(':
      case '#':
        if (top) BeginTop(ReplyKind::kValue);
        return ValueDone();
      case '-':
        if (top) {
          BeginTop(ReplyKind::kError);
          error_len_ = std::min(len - 1, kMaxErrorText);
          std::memcpy(error_text_, line + 1, error_len_);
        }
        return ValueDone();
      case '_':
        if (top) BeginTop(ReplyKind::kNil);
        return ValueDone();
      case '$':
      case '=':
      case '!': {
        int64_t n;
        if (!ParseInt(line + 1, len - 1, &n) || n < -1) {
          return Fail("bad bulk length: " + std::string(line, std::min<size_t>(len, 40)));
        }
        if (n == -1) {
          if (top) BeginTop(ReplyKind::kNil);
          return ValueDone();
        }
        if (top) {
          BeginTop(type == '!' ? ReplyKind::kError : ReplyKind::kValue);
          if (type == '!') {
            error_len_ = 0;
            capture_left_ = std::min<size_t>(static_cast<size_t>(n), kMaxErrorText);
          }
        }
        skip_ = static_cast<uint64_t>(n) + 2;
        return 0;
      }
      case '*':
      case '%':
      case '~':
      case '>':
      case '|': {
        int64_t n;
        if (!ParseInt(line + 1, len - 1, &n) || n < -1) {
          return Fail("bad aggregate length: " + std::string(line, std::min<size_t>(len, 40)));
        }
        if (n == -1) {
          if (top) BeginTop(ReplyKind::kNil);
          return ValueDone();
        }
        if (top) {
          if (type == '>') {
            top_push_ = true;
            BeginTop(ReplyKind::kValue);
          } else if (type != '|') {
            BeginTop(ReplyKind::kValue);
          }
        }
        const uint64_t elems = static_cast<uint64_t>(n) * (type == '%' || type == '|' ? 2 : 1);
        if (elems == 0) return type == '|' ? 0 : ValueDone();
        if (depth_ == kMaxDepth) return Fail("replies nested too deeply");
        remaining_[depth_] = elems;
        attribute_[depth_] = type == '|';
        ++depth_;
        return 0;
      }
      default:
        return Fail("unexpected RESP type byte '" + std::string(1, type) + "'");
    }
  }

  uint64_t skip_ = 0;  // Bulk payload bytes (plus CRLF) still to skip.
  int depth_ = 0;
  uint64_t remaining_[kMaxDepth];
  bool attribute_[kMaxDepth];
  ReplyKind top_kind_ = ReplyKind::kValue;
  bool top_push_ = false;
  bool partial_ = false;
  size_t line_len_ = 0;
  char line_[kMaxLine];
  size_t capture_left_ = 0;
  size_t error_len_ = 0;
  char error_text_[kMaxErrorText];
  std::string protocol_error_;
};

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_RESP_READER_H_
