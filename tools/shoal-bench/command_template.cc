// Parsing and rendering of shoal-bench command templates.
#include "tools/shoal-bench/command_template.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace shoal::bench {

namespace {

constexpr std::string_view kKey = "__key__";
constexpr std::string_view kData = "__data__";
constexpr std::string_view kExpiry = "__expiry__";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitCommandLine(std::string_view text) {
  std::vector<std::string> args;
  size_t i = 0;
  const size_t n = text.size();
  while (true) {
    while (i < n && absl::ascii_isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= n) break;
    std::string arg;
    bool done = false;
    while (!done && i < n) {
      const char c = text[i];
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        done = true;
      } else if (c == '"') {
        ++i;
        bool closed = false;
        while (i < n) {
          char d = text[i++];
          if (d == '"') {
            closed = true;
            break;
          }
          if (d == '\\' && i < n) {
            const char e = text[i++];
            switch (e) {
              case 'n':
                d = '\n';
                break;
              case 'r':
                d = '\r';
                break;
              case 't':
                d = '\t';
                break;
              case 'b':
                d = '\b';
                break;
              case 'a':
                d = '\a';
                break;
              case 'x':
                if (i + 1 < n && HexValue(text[i]) >= 0 && HexValue(text[i + 1]) >= 0) {
                  d = static_cast<char>(HexValue(text[i]) * 16 + HexValue(text[i + 1]));
                  i += 2;
                } else {
                  d = 'x';
                }
                break;
              default:
                d = e;
                break;
            }
          }
          arg.push_back(d);
        }
        if (!closed) return absl::InvalidArgumentError("unbalanced double quote in command");
      } else if (c == '\'') {
        ++i;
        bool closed = false;
        while (i < n) {
          const char d = text[i++];
          if (d == '\'') {
            closed = true;
            break;
          }
          if (d == '\\' && i < n && text[i] == '\'') {
            arg.push_back('\'');
            ++i;
            continue;
          }
          arg.push_back(d);
        }
        if (!closed) return absl::InvalidArgumentError("unbalanced single quote in command");
      } else {
        arg.push_back(c);
        ++i;
      }
    }
    args.push_back(std::move(arg));
  }
  return args;
}

void CommandTemplate::AddLiteral(std::string_view s) {
  if (s.empty()) return;
  if (!ops_.empty() && ops_.back().kind == Kind::kLiteral &&
      ops_.back().offset + ops_.back().size == literals_.size()) {
    ops_.back().size += static_cast<uint32_t>(s.size());
  } else {
    ops_.push_back(Op{Kind::kLiteral, static_cast<uint32_t>(literals_.size()),
                      static_cast<uint32_t>(s.size())});
  }
  literals_.append(s);
  fixed_bytes_ += s.size();
}

absl::StatusOr<CommandTemplate> CommandTemplate::Parse(std::string_view text) {
  auto args_or = SplitCommandLine(text);
  if (!args_or.ok()) return args_or.status();
  const std::vector<std::string>& args = *args_or;
  if (args.empty()) return absl::InvalidArgumentError("empty command");

  CommandTemplate t;
  t.text_ = std::string(text);
  t.name_ = absl::AsciiStrToUpper(args[0]);
  t.arg_count_ = args.size();
  t.AddLiteral(absl::StrCat("*", args.size(), "\r\n"));
  for (const std::string& arg : args) {
    // Cut the argument into literal pieces and placeholders.
    struct Piece {
      Kind kind;
      std::string_view lit;
    };
    std::vector<Piece> pieces;
    std::string_view rest = arg;
    uint16_t keys = 0, datas = 0, expiries = 0;
    size_t literal_bytes = 0;
    while (!rest.empty()) {
      size_t best = std::string_view::npos;
      Kind kind = Kind::kLiteral;
      size_t len = 0;
      for (auto [ph, k] : {std::pair{kKey, Kind::kKey}, std::pair{kData, Kind::kData},
                           std::pair{kExpiry, Kind::kExpiry}}) {
        const size_t at = rest.find(ph);
        if (at < best) {
          best = at;
          kind = k;
          len = ph.size();
        }
      }
      if (best == std::string_view::npos) {
        pieces.push_back({Kind::kLiteral, rest});
        literal_bytes += rest.size();
        break;
      }
      if (best > 0) {
        pieces.push_back({Kind::kLiteral, rest.substr(0, best)});
        literal_bytes += best;
      }
      pieces.push_back({kind, {}});
      keys += kind == Kind::kKey;
      datas += kind == Kind::kData;
      expiries += kind == Kind::kExpiry;
      rest.remove_prefix(best + len);
    }
    if (keys == 0 && datas == 0 && expiries == 0) {
      t.AddLiteral(absl::StrCat("$", arg.size(), "\r\n", arg, "\r\n"));
      continue;
    }
    t.ops_.push_back(
        Op{Kind::kArgHeader, 0, static_cast<uint32_t>(literal_bytes), keys, datas, expiries});
    t.fixed_bytes_ += 1 + 20 + 2;  // "$" length "\r\n"
    for (const Piece& p : pieces) {
      if (p.kind == Kind::kLiteral) {
        t.AddLiteral(p.lit);
      } else {
        t.ops_.push_back(Op{p.kind});
      }
    }
    t.ops_.push_back(Op{Kind::kArgEnd});
    t.fixed_bytes_ += 2;
    t.key_slots_ += keys;
    t.data_slots_ += datas;
    t.expiry_slots_ += expiries;
  }
  t.uses_key_ = t.key_slots_ > 0;
  t.uses_data_ = t.data_slots_ > 0;
  t.uses_expiry_ = t.expiry_slots_ > 0;
  return t;
}

void CommandTemplate::Render(OutBuffer& out, const TemplateValues& v) const {
  const size_t bound = fixed_bytes_ + key_slots_ * v.key.size() + data_slots_ * v.data.size() +
                       expiry_slots_ * v.expiry.size();
  char* const start = out.Reserve(bound);
  char* p = start;
  for (const Op& op : ops_) {
    switch (op.kind) {
      case Kind::kLiteral:
        std::memcpy(p, literals_.data() + op.offset, op.size);
        p += op.size;
        break;
      case Kind::kArgHeader:
        *p++ = '$';
        p = WriteDecimal(p, op.size + op.keys * v.key.size() + op.datas * v.data.size() +
                                op.expiries * v.expiry.size());
        *p++ = '\r';
        *p++ = '\n';
        break;
      case Kind::kKey:
        std::memcpy(p, v.key.data(), v.key.size());
        p += v.key.size();
        break;
      case Kind::kData:
        if (!v.data.empty()) std::memcpy(p, v.data.data(), v.data.size());
        p += v.data.size();
        break;
      case Kind::kExpiry:
        if (!v.expiry.empty()) std::memcpy(p, v.expiry.data(), v.expiry.size());
        p += v.expiry.size();
        break;
      case Kind::kArgEnd:
        *p++ = '\r';
        *p++ = '\n';
        break;
    }
  }
  out.Advance(static_cast<size_t>(p - start));
}

}  // namespace shoal::bench
