// Runs one parsed command: lookup, arity and auth checks, shard locking, stats.
#include <ctime>

#include "absl/strings/str_cat.h"
#include "server/commands/command.h"
#include "server/util/string_util.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

int64_t MonoUsec() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// Redis prints arguments with %s, which stops at the first NUL byte.
std::string_view CStr(std::string_view s) { return s.substr(0, s.find('\0')); }

void ReplyUnknownCommand(resp::ReplyBuilder& rb, std::span<const std::string_view> args) {
  // Redis 7 wording: the name and up to 128 bytes of quoted arguments, each followed by a space.
  std::string list;
  for (size_t i = 1; i < args.size() && list.size() < 128; ++i) {
    size_t room = 128 - list.size();
    CatAppend(&list, "'", CStr(args[i]).substr(0, room), "' ");
  }
  rb.Error(Cat("ERR unknown command '", CStr(args[0]).substr(0, 128),
               "', with args beginning with: ", list));
}

}  // namespace

void Dispatch(Connection& conn, Worker& worker, std::span<const std::string_view> args) {
  resp::ReplyBuilder rb(&conn.out, conn.proto.load(std::memory_order_relaxed));
  const CommandSpec* spec = CommandTable::Get().Find(args[0]);
  if (spec == nullptr) {
    ReplyUnknownCommand(rb, args);
    return;
  }
  CommandStats& cs = worker.stats().per_command[spec->id];
  int argc = static_cast<int>(args.size());
  if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) {
    rb.Error(WrongArityMessage(spec->name));
    Bump(cs.rejected);
    return;
  }
  if (!conn.authenticated && !(spec->flags & kCmdNoAuth)) {
    rb.Error("NOAUTH Authentication required.");
    Bump(cs.rejected);
    return;
  }
  Server& server = worker.server();
  Store& store = server.store();
  CommandContext ctx{args,  rb,   conn, worker, server, store, spec, conn.db.load(std::memory_order_relaxed),
                     NowMs()};
  conn.last_cmd.store(spec->id, std::memory_order_relaxed);
  int sub = -1;
  if (!spec->subcommands.empty() && argc > 1) {
    for (size_t i = 0; i < spec->subcommands.size(); ++i) {
      if (EqualsLower(args[1], spec->subcommands[i])) sub = static_cast<int>(i);
    }
  }
  conn.last_sub.store(sub, std::memory_order_relaxed);
  int64_t start = MonoUsec();
  {
    ShardLockSet locks;
    if (spec->first_key > 0 && !(spec->flags & kCmdSelfLocking)) {
      int last = spec->last_key < 0 ? argc + spec->last_key : spec->last_key;
      for (int i = spec->first_key; i <= last && i < argc; i += spec->step) {
        locks.Add(store.ShardOf(args[i]));
      }
      locks.Acquire(store);
    }
    spec->handler(ctx);
  }
  int64_t took = MonoUsec() - start;
  Bump(cs.calls);
  Bump(cs.usec, static_cast<uint64_t>(took));
  if (ctx.failed) Bump(cs.failed);
  Bump(worker.stats().commands);
}

}  // namespace shoal
