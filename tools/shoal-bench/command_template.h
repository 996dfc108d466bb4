// Command templates ("HSET h:__key__ f __data__") pre-rendered to RESP for fast expansion.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_COMMAND_TEMPLATE_H_
#define SHOAL_TOOLS_SHOAL_BENCH_COMMAND_TEMPLATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/shoal-bench/buffer.h"

namespace shoal::bench {

// What a request's placeholders expand to.
struct TemplateValues {
  std::string_view key;     // __key__: the key prefix and key number
  std::string_view data;    // __data__: a value of --data-size bytes
  std::string_view expiry;  // __expiry__: seconds drawn from --expiry-range
};

// A command line split into arguments like redis-cli does (whitespace separates, "double
// quotes" take \" \\ \n \r \t \xHH escapes, 'single quotes' are literal). Arguments may
// hold __key__, __data__ and __expiry__ anywhere, any number of times. Everything that does
// not depend on a placeholder is rendered to RESP once, at parse time, so expanding a
// request is a few memcpy calls and one length per templated argument.
class CommandTemplate {
 public:
  static absl::StatusOr<CommandTemplate> Parse(std::string_view text);

  // Appends one RESP multibulk request.
  void Render(OutBuffer& out, const TemplateValues& v) const;

  const std::string& text() const { return text_; }
  const std::string& name() const { return name_; }  // First word, upper-cased.
  size_t arg_count() const { return arg_count_; }
  bool uses_key() const { return uses_key_; }
  bool uses_data() const { return uses_data_; }
  bool uses_expiry() const { return uses_expiry_; }

 private:
  enum class Kind : uint8_t { kLiteral, kArgHeader, kKey, kData, kExpiry, kArgEnd };
  struct Op {
    Kind kind;
    uint32_t offset = 0;  // kLiteral: into literals_.
    uint32_t size = 0;    // kLiteral: bytes; kArgHeader: the argument's literal bytes.
    uint16_t keys = 0;    // kArgHeader: placeholder counts inside the argument.
    uint16_t datas = 0;
    uint16_t expiries = 0;
  };

  void AddLiteral(std::string_view s);

  std::string text_;
  std::string name_;
  size_t arg_count_ = 0;
  bool uses_key_ = false;
  bool uses_data_ = false;
  bool uses_expiry_ = false;
  std::string literals_;
  std::vector<Op> ops_;
  size_t fixed_bytes_ = 0;  // Upper bound of everything but placeholder values.
  size_t key_slots_ = 0;    // Placeholder occurrences, for the size bound.
  size_t data_slots_ = 0;
  size_t expiry_slots_ = 0;
};

// Splits a command line into arguments with redis-cli's quoting rules.
absl::StatusOr<std::vector<std::string>> SplitCommandLine(std::string_view text);

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_COMMAND_TEMPLATE_H_
