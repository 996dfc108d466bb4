// Incremental RESP request parser: Redis 7.0 multibulk and inline (sdssplitargs) semantics.
#include "server/resp/parser.h"

#include <algorithm>
#include <cstring>

namespace shoal::resp {
namespace {

// Redis sizes argv for at most this many arguments before any of them arrived; a client-given
// count must not make us allocate more than that up front.
constexpr size_t kInitialArgReserve = 1024;
// Buffers grown by one unusually big command are given back instead of being kept for the life
// of the connection.
constexpr size_t kKeepArgCapacity = 1024;
constexpr size_t kKeepScratchCapacity = 64 * 1024;

// Redis' string2ll() accepts exactly this set: no sign but '-', no leading zeros, no "-0", no
// spaces, fewer than 21 characters, value within int64.
bool ParseStrictInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() >= 21) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative && ++i == s.size()) return false;
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    if (v > (UINT64_MAX - d) / 10) return false;  // int64 range is checked below
    v = v * 10 + d;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

// isspace() in the C locale, which is what sdssplitargs() skips between arguments.
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Bytes with a meaning outside quotes: they end an argument or open a quoted part.
inline bool IsUnquotedSpecial(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'';
}

inline bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline int HexValue(char c) {
  if (c <= '9') return c - '0';
  if (c >= 'a') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Offset of the first '\r' in buf at or after `from`, or npos.
inline size_t FindCr(std::string_view buf, size_t from) {
  const void* p = std::memchr(buf.data() + from, '\r', buf.size() - from);
  return p == nullptr ? std::string_view::npos : static_cast<const char*>(p) - buf.data();
}

// The common case of a header line, "<type><digits>\r" plus the byte after it, read in one pass
// instead of a memchr() for the '\r' and a second pass over the number. Returns false on anything
// else (a sign, a leading zero, a long or incomplete line), leaving it to the general path; when
// it returns true, the general path would have found the same '\r' and the same value.
inline bool ScanPlainHeader(std::string_view buf, size_t start, size_t* cr, int64_t* value) {
  size_t i = start + 1;
  // Up to 18 digits cannot overflow; longer numbers go the slow way.
  const size_t limit = std::min(buf.size(), i + 18);
  uint64_t v = 0;
  while (i < limit) {
    const unsigned d = static_cast<unsigned char>(buf[i]) - '0';
    if (d > 9) break;
    v = v * 10 + d;
    ++i;
  }
  const size_t digits = i - start - 1;
  if (digits == 0 || i + 1 >= buf.size() || buf[i] != '\r') return false;
  if (digits > 1 && buf[start + 1] == '0') return false;
  *cr = i;
  *value = static_cast<int64_t>(v);
  return true;
}

}  // namespace

void RequestParser::Reset() {
  StartCommand();
  state_ = State::kIdle;
  error_.clear();
}

void RequestParser::StartCommand() {
  if (refs_.capacity() > kKeepArgCapacity) {
    std::vector<ArgRef>().swap(refs_);
    std::vector<std::string_view>().swap(args_);
  } else {
    refs_.clear();
    args_.clear();
  }
  if (scratch_.capacity() > kKeepScratchCapacity) {
    std::string().swap(scratch_);
  } else {
    scratch_.clear();
  }
  state_ = State::kIdle;
  pos_ = 0;
  scan_ = 0;
  remaining_ = 0;
  bulk_len_ = 0;
  consumed_ = 0;
}

size_t RequestParser::needed_hint() const {
  if (state_ != State::kBulkData) return 0;
  return pos_ + bulk_len_ + 2;
}

ParseResult RequestParser::Fail(std::string_view msg) {
  error_.assign(msg);
  // Redis turns CR/LF inside an error into spaces before sending it; doing it here makes error()
  // exactly the text Redis would send.
  std::replace(error_.begin(), error_.end(), '\r', ' ');
  std::replace(error_.begin(), error_.end(), '\n', ' ');
  refs_.clear();
  args_.clear();
  state_ = State::kError;
  return ParseResult::kError;
}

ParseResult RequestParser::Parse(std::string_view buf) {
  switch (state_) {
    case State::kError:
      return ParseResult::kError;
    case State::kDone:
      StartCommand();
      [[fallthrough]];
    case State::kIdle:
      if (buf.empty()) return ParseResult::kNeedMore;
      if (buf[0] == '*') {
        state_ = State::kCount;
        scan_ = 1;
      } else {
        state_ = State::kInline;
        scan_ = 0;
      }
      break;
    default:
      // A caller that passes fewer bytes than last time broke the contract; waiting is the only
      // answer that cannot read out of bounds.
      if (buf.size() < scan_) return ParseResult::kNeedMore;
      break;
  }
  return state_ == State::kInline ? ParseInline(buf) : ParseMultibulk(buf);
}

ParseResult RequestParser::ParseInline(std::string_view buf) {
  const void* nl = std::memchr(buf.data() + scan_, '\n', buf.size() - scan_);
  if (nl == nullptr) {
    // Like Redis, only a line still unterminated past the limit is refused; a longer line whose
    // '\n' is already buffered goes through.
    if (buf.size() > limits_.max_inline_len) {
      return Fail("ERR Protocol error: too big inline request");
    }
    scan_ = buf.size();
    return ParseResult::kNeedMore;
  }
  const size_t nl_off = static_cast<const char*>(nl) - buf.data();
  size_t len = nl_off;
  if (len > 0 && buf[len - 1] == '\r') --len;
  if (!SplitInline(buf.substr(0, len))) {
    return Fail("ERR Protocol error: unbalanced quotes in request");
  }
  return Finish(buf, nl_off + 1);
}

// Splits like Redis' sdssplitargs(). An argument that is a plain run of the line's bytes stays a
// view into the caller's buffer; one built from escapes or from pieces (foo"bar") is written to
// scratch_.
bool RequestParser::SplitInline(std::string_view line) {
  const size_t n = line.size();
  size_t i = 0;
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i == n) return true;

    // The argument is line[run_start, run_end) until a byte that does not extend that run
    // arrives; from then on it is scratch_[scratch_start, end).
    size_t run_start = i;
    size_t run_end = i;
    bool in_scratch = false;
    size_t scratch_start = 0;
    auto append_escaped = [&](char c) {
      if (!in_scratch) {
        in_scratch = true;
        scratch_.reserve(n);  // the line bounds every argument built from it
        scratch_start = scratch_.size();
        scratch_.append(line.data() + run_start, run_end - run_start);
      }
      scratch_.push_back(c);
    };
    // Adds line[from, to) to the argument.
    auto append_raw = [&](size_t from, size_t to) {
      if (!in_scratch) {
        if (run_end == run_start) {
          run_start = from;
          run_end = to;
          return;
        }
        if (run_end == from) {
          run_end = to;
          return;
        }
      }
      for (size_t k = from; k < to; ++k) append_escaped(line[k]);
    };

    bool in_dq = false;
    bool in_sq = false;
    bool done = false;
    while (!done) {
      if (in_dq) {
        if (i == n) return false;  // no closing quote
        const char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHexDigit(line[i + 2]) &&
            IsHexDigit(line[i + 3])) {
          append_escaped(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          ++i;
          char e = line[i];
          switch (e) {
            case 'n':
              e = '\n';
              break;
            case 'r':
              e = '\r';
              break;
            case 't':
              e = '\t';
              break;
            case 'b':
              e = '\b';
              break;
            case 'a':
              e = '\a';
              break;
            default:
              break;
          }
          append_escaped(e);
        } else if (c == '"') {
          // The closing quote must end the argument.
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          append_raw(i, i + 1);
        }
      } else if (in_sq) {
        if (i == n) return false;
        const char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          append_escaped('\'');
        } else if (c == '\'') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          append_raw(i, i + 1);
        }
      } else if (i == n) {
        done = true;
      } else if (!IsUnquotedSpecial(line[i])) {
        // A run of ordinary bytes joins the argument in one step.
        size_t j = i + 1;
        while (j < n && !IsUnquotedSpecial(line[j])) ++j;
        append_raw(i, j);
        i = j - 1;  // the last byte of the run; the step below moves past it
      } else {
        // Only these end an unquoted argument; '\v' and '\f' are skipped between arguments but
        // belong to one when inside it, as in Redis.
        switch (line[i]) {
          case '"':
            in_dq = true;
            break;
          case '\'':
            in_sq = true;
            break;
          default:  // ' ', '\t', '\r', '\n'
            done = true;
            break;
        }
      }
      if (i < n) ++i;
    }
    if (in_scratch) {
      refs_.push_back({scratch_start | kScratchBit, scratch_.size() - scratch_start});
    } else {
      refs_.push_back({run_start, run_end - run_start});
    }
  }
}

ParseResult RequestParser::ParseMultibulk(std::string_view buf) {
  const size_t size = buf.size();
  if (state_ == State::kCount) {
    size_t cr;
    int64_t count;
    if (!ScanPlainHeader(buf, 0, &cr, &count)) {
      cr = FindCr(buf, scan_);
      if (cr == std::string_view::npos) {
        if (size > limits_.max_inline_len) {
          return Fail("ERR Protocol error: too big mbulk count string");
        }
        scan_ = size;
        return ParseResult::kNeedMore;
      }
      // Redis wants one byte after the '\r' (which it skips unchecked) before it reads the number.
      if (cr + 1 >= size) {
        scan_ = cr;
        return ParseResult::kNeedMore;
      }
      if (!ParseStrictInt64(buf.substr(1, cr - 1), &count)) {
        return Fail("ERR Protocol error: invalid multibulk length");
      }
    }
    if (count > limits_.max_multibulk_len) {
      return Fail("ERR Protocol error: invalid multibulk length");
    }
    if (count > 10 && !limits_.authenticated) {
      return Fail("ERR Protocol error: unauthenticated multibulk length");
    }
    pos_ = scan_ = cr + 2;
    if (count <= 0) return Finish(buf, pos_);
    remaining_ = count;
    // Grow with the arguments that actually arrive, not with what the header promises.
    if (refs_.capacity() < kInitialArgReserve) {
      refs_.reserve(std::min<uint64_t>(static_cast<uint64_t>(count), kInitialArgReserve));
    }
    state_ = State::kBulkLen;
  }

  while (remaining_ > 0) {
    if (state_ == State::kBulkLen) {
      size_t cr;
      int64_t len;
      if (buf.size() <= pos_ || buf[pos_] != '$' || !ScanPlainHeader(buf, pos_, &cr, &len)) {
        cr = FindCr(buf, scan_);
        if (cr == std::string_view::npos) {
          if (size - pos_ > limits_.max_inline_len) {
            return Fail("ERR Protocol error: too big bulk count string");
          }
          scan_ = size;
          return ParseResult::kNeedMore;
        }
        if (cr + 1 >= size) {
          scan_ = cr;
          return ParseResult::kNeedMore;
        }
        if (buf[pos_] != '$') {
          std::string msg = "ERR Protocol error: expected '$', got ' '";
          msg[msg.size() - 2] = buf[pos_];
          return Fail(msg);
        }
        if (!ParseStrictInt64(buf.substr(pos_ + 1, cr - pos_ - 1), &len) || len < 0) {
          return Fail("ERR Protocol error: invalid bulk length");
        }
      }
      if (static_cast<uint64_t>(len) > limits_.max_bulk_len) {
        return Fail("ERR Protocol error: invalid bulk length");
      }
      if (len > 16384 && !limits_.authenticated) {
        return Fail("ERR Protocol error: unauthenticated bulk length");
      }
      pos_ = cr + 2;
      bulk_len_ = static_cast<uint64_t>(len);
      state_ = State::kBulkData;
    }
    // The two bytes after the payload are skipped without being checked, as Redis does.
    if (size - pos_ < bulk_len_ + 2) {
      scan_ = pos_;
      return ParseResult::kNeedMore;
    }
    refs_.push_back({pos_, bulk_len_});
    pos_ += bulk_len_ + 2;
    scan_ = pos_;
    --remaining_;
    state_ = State::kBulkLen;
  }
  return Finish(buf, pos_);
}

ParseResult RequestParser::Finish(std::string_view buf, size_t consumed) {
  args_.resize(refs_.size());
  for (size_t i = 0; i < refs_.size(); ++i) {
    const ArgRef& r = refs_[i];
    const char* base = (r.off & kScratchBit) ? scratch_.data() : buf.data();
    args_[i] = std::string_view(base + (r.off & ~kScratchBit), r.len);
  }
  consumed_ = consumed;
  state_ = State::kDone;
  return ParseResult::kCommand;
}

namespace {
// Reads "<digits>\r\n" at data[*pos] after the type byte `type`; advances *pos past it.
bool PeekLength(std::string_view data, size_t* pos, char type, size_t* out) {
  size_t p = *pos;
  if (p >= data.size() || data[p] != type) return false;
  ++p;
  size_t n = 0;
  const size_t start = p;
  while (p < data.size() && data[p] >= '0' && data[p] <= '9' && p - start < 10) {
    n = n * 10 + static_cast<size_t>(data[p] - '0');
    ++p;
  }
  if (p == start || p + 1 >= data.size() || data[p] != '\r' || data[p + 1] != '\n') return false;
  *pos = p + 2;
  *out = n;
  return true;
}
}  // namespace

bool PeekFirstKey(std::string_view data, std::string_view* key) {
  size_t pos = 0, argc = 0, len = 0;
  if (!PeekLength(data, &pos, '*', &argc) || argc < 2) return false;
  if (!PeekLength(data, &pos, '$', &len) || len > data.size() - pos) return false;
  pos += len + 2;  // the command name and its CRLF
  if (pos > data.size() || !PeekLength(data, &pos, '$', &len) || len > data.size() - pos) {
    return false;
  }
  *key = data.substr(pos, len);
  return true;
}

}  // namespace shoal::resp
