// The command table: what each command is (name, arity, flags, keys, handler) and what it sees.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "server/resp/reply.h"
#include "server/store/store.h"

namespace shoal {

class Connection;
class Server;
class Worker;

enum CommandFlag : uint32_t {
  kCmdWrite = 1 << 0,
  kCmdReadonly = 1 << 1,
  kCmdDenyOom = 1 << 2,
  kCmdAdmin = 1 << 3,
  kCmdPubsub = 1 << 4,
  kCmdNoScript = 1 << 5,
  kCmdLoading = 1 << 6,
  kCmdStale = 1 << 7,
  kCmdFast = 1 << 8,
  kCmdNoAuth = 1 << 9,
  kCmdBlocking = 1 << 10,
  // The handler takes shard locks itself (whole-keyspace commands like KEYS, SCAN, FLUSHALL).
  kCmdSelfLocking = 1 << 11,
  kCmdSkipSlowlog = 1 << 12,
  kCmdAllowBusy = 1 << 13,
  kCmdNoMulti = 1 << 14,  // refused inside MULTI (COMMAND INFO's no_multi)
  // Runs with every shard locked: it reads keys its key positions do not name (SORT's BY and GET
  // patterns). Its first key is only read; the others (SORT's STORE destination) count as
  // written for WATCH and blocked-client wake-ups.
  kCmdLockAll = 1 << 15,
  // Not a write, but Redis counts it as one for CLIENT PAUSE WRITE (its may-replicate commands:
  // PUBLISH, PFCOUNT, which may rewrite the cached count). Not shown by COMMAND INFO.
  kCmdMayReplicate = 1 << 16,
};

struct CommandContext;
using CommandHandler = void (*)(CommandContext&);
using KeyPositions = absl::InlinedVector<int, 8>;
// For commands whose keys are not a first/last/step range (numkeys forms like LMPOP, ZUNIONSTORE):
// appends the indexes of the key arguments. Arguments may be malformed; it must stay in bounds.
using KeysFn = void (*)(std::span<const std::string_view> args, KeyPositions* out);

struct CommandSpec {
  std::string_view name;  // lower case, as Redis prints it
  int arity;              // Redis convention: N exact, -N at least N (the name counts)
  uint32_t flags;
  int first_key;  // 0: no keys
  int last_key;   // -1: last argument
  int step;
  CommandHandler handler;
  std::string_view group;    // COMMAND DOCS group: string, generic, connection, server
  std::string_view summary;  // COMMAND DOCS summary
  std::string_view since;
  std::vector<std::string_view> subcommands = {};  // for COMMAND INFO of container commands
  KeysFn keys = nullptr;  // overrides first/last/step when set
  int id = -1;
};

class CommandTable {
 public:
  static CommandTable& Get();
  void Add(CommandSpec spec);
  // Case-insensitive lookup without allocating.
  const CommandSpec* Find(std::string_view name) const;
  const std::vector<CommandSpec>& all() const { return specs_; }
  size_t size() const { return specs_.size(); }

 private:
  static constexpr size_t kCacheNameMax = 22;
  const CommandSpec* FindUncached(std::string_view name) const;
  std::vector<CommandSpec> specs_;
  absl::flat_hash_map<std::string, int> index_;
};

// Called once at start-up: each family registers its commands.
void RegisterAllCommands();
void RegisterStringCommands(CommandTable& t);
void RegisterBitmapCommands(CommandTable& t);
void RegisterSortCommands(CommandTable& t);
void RegisterHyperLogLogCommands(CommandTable& t);
void RegisterMonitorCommands(CommandTable& t);
void RegisterGeoCommands(CommandTable& t);
// SORT's key positions: the sorted key, then the STORE destination if any (sort.cc).
void SortKeys(std::span<const std::string_view> args, KeyPositions* out);
void RegisterKeyCommands(CommandTable& t);
void RegisterDumpCommands(CommandTable& t);
void RegisterMemoryCommands(CommandTable& t);
void RegisterSlowlogCommands(CommandTable& t);
void RegisterConnectionCommands(CommandTable& t);
void RegisterServerCommands(CommandTable& t);
void RegisterListCommands(CommandTable& t);
void RegisterHashCommands(CommandTable& t);
void RegisterSetCommands(CommandTable& t);
void RegisterZSetCommands(CommandTable& t);
void RegisterTransactionCommands(CommandTable& t);
void RegisterPubSubCommands(CommandTable& t);

struct CommandContext {
  std::span<const std::string_view> args;
  resp::ReplyBuilder& rb;
  Connection& conn;
  Worker& worker;
  Server& server;
  Store& store;
  const CommandSpec* spec;
  int db;
  int64_t now_ms;
  bool failed = false;  // set by ReplyError for commandstats' failed_calls
  // EXEC already holds every shard lock: self-locking commands must not take them again.
  bool all_shards_locked = false;
  // Running inside EXEC: blocking commands answer at once instead of blocking.
  bool in_exec = false;
  // The command parked the client (BlockClient): no reply yet, and no key was written.
  bool blocked = false;

  // The dispatcher has computed the shard of the first key argument already; a handler asking
  // for that same argument gets it without hashing the key again.
  std::string_view known_key = {};
  uint32_t known_shard = 0;
  uint32_t ShardOf(std::string_view key) const {
    return key.data() == known_key.data() && key.size() == known_key.size() ? known_shard
                                                                            : store.ShardOf(key);
  }
  // The table holding key in the selected db; the dispatcher holds its shard's lock.
  DbTable& Db(std::string_view key) { return store.shard(ShardOf(key)).db(db); }
  DbTable& DbAt(std::string_view key, int dbi) { return store.shard(ShardOf(key)).db(dbi); }
  void Error(std::string_view msg) {
    failed = true;
    rb.Error(msg);
  }
};

// Runs one parsed command for a connection, replying into its output buffer (or queues it, inside
// MULTI).
// arg1_shard, when not kNoShard, is store.ShardOf(args[1]), already computed by the caller.
inline constexpr uint32_t kNoShard = ~0u;
void Dispatch(Connection& conn, Worker& worker, std::span<const std::string_view> args,
              uint32_t arg1_shard = kNoShard);

// The indexes of spec's key arguments in args.
void CommandKeyPositions(const CommandSpec& spec, std::span<const std::string_view> args,
                         KeyPositions* out);

// Runs an already validated command. With locks_held the caller holds the shard locks of its keys
// (EXEC), or every shard lock when all_locked.
void RunCommand(Connection& conn, Worker& worker, const CommandSpec* spec,
                std::span<const std::string_view> args, bool locks_held, bool all_locked,
                uint32_t arg1_shard = kNoShard);

// How self-locking commands lock a shard: a no-op inside EXEC, which holds every shard already.
class ShardGuard {
 public:
  ShardGuard(CommandContext& ctx, Shard& shard) ABSL_NO_THREAD_SAFETY_ANALYSIS
      : mu_(ctx.all_shards_locked ? nullptr : &shard.mu) {
    if (mu_) mu_->Lock();
  }
  ~ShardGuard() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (mu_) mu_->Unlock();
  }
  ShardGuard(const ShardGuard&) = delete;
  ShardGuard& operator=(const ShardGuard&) = delete;

 private:
  SpinMutex* mu_;
};
// Every shard lock, unless EXEC holds them.
void LockAllShards(CommandContext& ctx);
void UnlockAllShards(CommandContext& ctx);

// Common error texts (Redis 7 wording).
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrNotInt = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";
inline constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kErrDbIndex = "ERR DB index is out of range";

void ReplyWrongArity(CommandContext& ctx);
// The reply of a container's HELP subcommand: one simple string per line.
void ReplyHelp(CommandContext& ctx, std::span<const std::string_view> lines);
std::string WrongArityMessage(std::string_view name);

}  // namespace shoal
