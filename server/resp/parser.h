// Incremental RESP request parser (multibulk and inline) with Redis 7.0's limits and error texts.
#ifndef SHOAL_SERVER_RESP_PARSER_H_
#define SHOAL_SERVER_RESP_PARSER_H_

#include <climits>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::resp {

struct ParserLimits {
  uint64_t max_bulk_len = 512ull << 20;  // proto-max-bulk-len
  int64_t max_multibulk_len = INT32_MAX;
  size_t max_inline_len = 64 * 1024;  // Redis PROTO_INLINE_MAX_SIZE
  // false: Redis' unauthenticated limits (multibulk > 10, bulk > 16384 are errors).
  bool authenticated = true;
};

enum class ParseResult { kCommand, kNeedMore, kError };

// Parses one command at a time from the front of the caller's read buffer. Partial commands are
// resumed where they stopped (state is kept as offsets from the command start, so the caller may
// move the bytes between calls); no byte is examined twice, whatever way the input is split.
//
// Behaviour follows Redis 7.0's processMultibulkBuffer/processInlineBuffer, including its
// leniencies: the two bytes after a bulk payload and the byte after a header line's '\r' are
// skipped without being checked. Deliberate difference: Redis searches header lines and inline
// lines with strchr(), so a NUL byte before the terminator stalls the connection until 64 KiB
// arrive; here NUL is an ordinary byte (header lines containing it are invalid numbers, inline
// arguments keep it).
class RequestParser {
 public:
  void set_limits(const ParserLimits& l) { limits_ = l; }
  const ParserLimits& limits() const { return limits_; }

  // Parses one command at the front of `buf` (which starts at the first byte not yet consumed).
  // kCommand: args() and consumed() describe it (args() may be EMPTY for an empty inline line or
  //   *0/*-1: the caller just drops consumed() bytes). kNeedMore: buf holds part of a command;
  //   progress is kept, the next call passes the same bytes again (maybe moved to another
  //   address) followed by more.
  // kError: error() holds Redis' message WITHOUT the leading '-', e.g.
  //   "ERR Protocol error: invalid bulk length"; the caller replies with it and closes the
  //   connection after the reply. Parser then needs Reset().
  ParseResult Parse(std::string_view buf);

  // Valid until the next Parse call or until buf changes.
  std::span<const std::string_view> args() const { return args_; }
  size_t consumed() const { return consumed_; }
  std::string_view error() const { return error_; }
  // After kNeedMore: total bytes the current command needs at least, if known (to reserve a big
  // bulk at once), else 0.
  size_t needed_hint() const;
  void Reset();

 private:
  enum class State : uint8_t {
    kIdle,      // no byte of the next command seen yet
    kInline,    // looking for the '\n' that ends an inline command
    kCount,     // looking for the '\r' that ends "*<count>"
    kBulkLen,   // looking for the '\r' that ends "$<len>"
    kBulkData,  // waiting for <len> payload bytes plus two
    kDone,      // a command was returned; args_ still describe it
    kError,
  };

  // Where an argument lives: an offset from the command start, or (kScratchBit set) into scratch_.
  // Offsets rather than pointers because buf may move between calls.
  struct ArgRef {
    uint64_t off;
    uint64_t len;
  };
  static constexpr uint64_t kScratchBit = 1ull << 63;

  void StartCommand();
  ParseResult ParseInline(std::string_view buf);
  ParseResult ParseMultibulk(std::string_view buf);
  bool SplitInline(std::string_view line);
  ParseResult Finish(std::string_view buf, size_t consumed);
  ParseResult Fail(std::string_view msg);

  ParserLimits limits_;
  State state_ = State::kIdle;
  size_t pos_ = 0;   // start of the header line or payload being parsed, from the command start
  size_t scan_ = 0;  // where the search for the current line's terminator resumes
  int64_t remaining_ = 0;  // bulks still expected
  uint64_t bulk_len_ = 0;
  size_t consumed_ = 0;
  std::vector<ArgRef> refs_;
  std::vector<std::string_view> args_;
  std::string scratch_;  // unescaped inline arguments
  std::string error_;
};

// The second argument of the multibulk command data starts with (the key, for most commands),
// read without a parser and without copying: for a look ahead that only prefetches, so anything
// unexpected (an inline command, a partial frame, fewer than two arguments) is just false.
bool PeekFirstKey(std::string_view data, std::string_view* key);

}  // namespace shoal::resp

#endif  // SHOAL_SERVER_RESP_PARSER_H_
