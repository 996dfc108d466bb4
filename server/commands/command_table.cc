// The command table: registration and case-insensitive lookup.
#include "server/commands/command.h"

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
  RegisterKeyCommands(t);
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
