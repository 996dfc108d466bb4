// RESP2/RESP3 reply writer and Redis 7.0's number-to-text formatting for replies.
#ifndef SHOAL_SERVER_RESP_REPLY_H_
#define SHOAL_SERVER_RESP_REPLY_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace shoal::resp {

// Appends replies to a caller-owned string. Every method appends one complete RESP element (or
// an aggregate header); RESP3-only types degrade to what Redis 7.0 sends a RESP2 client.
class ReplyBuilder {
 public:
  explicit ReplyBuilder(std::string* out, int proto = 2) : out_(out), proto_(proto) {}

  void set_out(std::string* out) { out_ = out; }
  void set_proto(int p) { proto_ = p; }
  int proto() const { return proto_; }

  void Ok();                        // +OK
  void Simple(std::string_view s);  // +s (s must not contain CR or LF)
  // "-" msg CRLF; msg carries its code: "ERR syntax error", "WRONGTYPE ...". CR/LF inside msg
  // become spaces (as Redis does); a leading '-' in msg is not doubled.
  void Error(std::string_view msg);
  void Integer(int64_t v);
  void Bulk(std::string_view s);
  void Null();       // RESP2 "$-1", RESP3 "_"
  void NullArray();  // RESP2 "*-1", RESP3 "_"
  void ArrayHeader(size_t n);
  void MapHeader(size_t n);   // RESP3 "%n"; RESP2 "*<2n>"
  void SetHeader(size_t n);   // RESP3 "~n"; RESP2 "*n"
  void PushHeader(size_t n);  // RESP3 ">n"; RESP2 "*n"
  // RESP3 ",<text>"; RESP2 bulk of the text. Text as FormatDouble().
  void Double(double d);
  // The same for a number already formatted (GEOPOS' coordinates, in INCRBYFLOAT's format).
  void FormattedDouble(std::string_view text);
  void Bool(bool b);  // RESP3 "#t"/"#f"; RESP2 ":1"/":0"
  // RESP3 "=<len>\r\n<fmt>:<s>" with fmt cut or space-padded to 3 bytes; RESP2 bulk of s.
  void Verbatim(std::string_view fmt3, std::string_view s);
  void BigNumber(std::string_view digits);  // RESP3 "(digits"; RESP2 bulk
  void BulkArray(std::span<const std::string_view> items);
  void EmptyArray();  // "*0" in both protocols

 private:
  std::string* out_;
  int proto_;
};

// Formats a double the way Redis 7.0 replies with it (ZSCORE etc.): "%.17g", "inf"/"-inf",
// NaN as "nan" whatever its sign bit. Appends to out.
void FormatDouble(double d, std::string* out);

// Formats a long double as INCRBYFLOAT/HINCRBYFLOAT do in Redis 7.0: "%.17Lf" with trailing
// zeros (and a trailing '.') removed, "-0" turned into "0", "inf"/"-inf". Appends to out.
void FormatLongDouble(long double d, std::string* out);

}  // namespace shoal::resp

#endif  // SHOAL_SERVER_RESP_REPLY_H_
