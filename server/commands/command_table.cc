// The command table: registration and case-insensitive lookup.
#include "server/commands/command.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "server/util/string_util.h"

namespace shoal {

CommandTable& CommandTable::Get() {
  static CommandTable* t = new CommandTable();
  return *t;
}

void CommandTable::Add(CommandSpec spec) {
  spec.id = static_cast<int>(specs_.size());
  index_[std::string(spec.name)] = spec.id;
  specs_.push_back(std::move(spec));
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  // A pipeline repeats a handful of commands, each spelled the same way every time: a small
  // per-thread cache keyed on the exact bytes sent skips the lower-casing and the hash lookup.
  struct Slot {
    const CommandTable* table = nullptr;
    size_t generation = 0;  // specs_.size() when filled: an Add since moves the specs
    const CommandSpec* spec = nullptr;
    uint8_t len = 0;
    char bytes[kCacheNameMax];
  };
  thread_local Slot cache[8];
  if (name.empty() || name.size() > kCacheNameMax) return FindUncached(name);
  Slot& slot = cache[(name.size() * 7 + (static_cast<unsigned char>(name[0]) | 0x20)) & 7];
  if (slot.table == this && slot.generation == specs_.size() && slot.len == name.size() &&
      memcmp(slot.bytes, name.data(), name.size()) == 0) {
    return slot.spec;
  }
  const CommandSpec* spec = FindUncached(name);
  if (spec) {
    slot.table = this;
    slot.generation = specs_.size();
    slot.spec = spec;
    slot.len = static_cast<uint8_t>(name.size());
    memcpy(slot.bytes, name.data(), name.size());
  }
  return spec;
}

const CommandSpec* CommandTable::FindUncached(std::string_view name) const {
  char buf[64];
  std::string_view lower;
  if (!ToLowerInto(name, buf, sizeof(buf), &lower)) return nullptr;
  auto it = index_.find(absl::string_view(lower.data(), lower.size()));
  return it == index_.end() ? nullptr : &specs_[it->second];
}

void RegisterAllCommands() {
  static bool done = false;
  if (done) return;
  done = true;
  CommandTable& t = CommandTable::Get();
  RegisterStringCommands(t);
  RegisterBitmapCommands(t);
  RegisterSortCommands(t);
  RegisterHyperLogLogCommands(t);
  RegisterMonitorCommands(t);
  RegisterGeoCommands(t);
  RegisterKeyCommands(t);
  RegisterDumpCommands(t);
  RegisterConnectionCommands(t);
  RegisterServerCommands(t);
  RegisterMemoryCommands(t);
  RegisterSlowlogCommands(t);
  RegisterListCommands(t);
  RegisterHashCommands(t);
  RegisterSetCommands(t);
  RegisterZSetCommands(t);
  RegisterTransactionCommands(t);
  RegisterPubSubCommands(t);
}

std::string WrongArityMessage(std::string_view name) {
  return Cat("ERR wrong number of arguments for '", name, "' command");
}

void ReplyWrongArity(CommandContext& ctx) { ctx.Error(WrongArityMessage(ctx.spec->name)); }

void ReplyHelp(CommandContext& ctx, std::span<const std::string_view> lines) {
  ctx.rb.ArrayHeader(lines.size());
  for (auto l : lines) ctx.rb.Simple(l);
}

}  // namespace shoal
