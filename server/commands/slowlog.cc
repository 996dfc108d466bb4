#include "server/commands/slowlog.h"

#include <ctime>
#include <deque>
#include <string>
#include <vector>

#include "server/commands/command.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/util/mutex.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

// What one entry keeps of a command, as Redis bounds it.
constexpr size_t kMaxArgs = 32;
constexpr size_t kMaxArgBytes = 128;

struct SlowEntry {
  uint64_t id;
  int64_t time;  // unix seconds
  uint64_t usec;
  std::vector<std::string> args;
  std::string addr;
  std::string name;
};

class Slowlog {
 public:
  void Add(SlowEntry e, size_t max_len) {
    MutexLock l(&mu_);
    e.id = next_id_++;
    entries_.push_front(std::move(e));
    while (entries_.size() > max_len) entries_.pop_back();
  }
  template <typename Fn>
  void Visit(size_t count, Fn&& fn) {
    MutexLock l(&mu_);
    fn(entries_, count < entries_.size() ? count : entries_.size());
  }
  size_t size() {
    MutexLock l(&mu_);
    return entries_.size();
  }
  void Reset() {
    MutexLock l(&mu_);
    entries_.clear();
  }

 private:
  Mutex mu_;
  std::deque<SlowEntry> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
};

Slowlog& TheSlowlog() {
  static auto* log = new Slowlog();
  return *log;
}

// Arguments that are secrets are kept as "(redacted)", as Redis does: AUTH's, HELLO's after
// AUTH, and the value of CONFIG SET requirepass.
bool Redacted(const CommandSpec* spec, std::span<const std::string_view> args, size_t i) {
  std::string_view n = spec->name;
  if (n == "auth") return i >= 1;
  if (n == "hello") {
    // HELLO protover [AUTH username password] [SETNAME name]
    for (size_t j = 2; j < args.size();) {
      if (EqualsLower(args[j], "auth")) {
        if (i == j + 1 || i == j + 2) return true;
        j += 3;
      } else if (EqualsLower(args[j], "setname")) {
        j += 2;
      } else {
        break;
      }
    }
    return false;
  }
  if (n == "config" && args.size() > 1 && EqualsLower(args[1], "set")) {
    return i >= 3 && i % 2 == 1 && EqualsLower(args[i - 1], "requirepass");
  }
  return false;
}

void SlowlogCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  std::string_view sub = a[1];
  if (EqualsLower(sub, "help") && a.size() == 2) {
    static constexpr std::string_view kHelp[] = {
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Prints this help."};
    return ReplyHelp(ctx, kHelp);
  }
  if (EqualsLower(sub, "get") && a.size() <= 3) {
    int64_t count = 10;
    if (a.size() == 3 && (!ParseInt64(a[2], &count) || count < -1)) {
      return ctx.Error("ERR count should be greater than or equal to -1");
    }
    size_t n = count < 0 ? SIZE_MAX : static_cast<size_t>(count);
    TheSlowlog().Visit(n, [&](const std::deque<SlowEntry>& entries, size_t k) {
      ctx.rb.ArrayHeader(k);
      for (size_t i = 0; i < k; ++i) {
        const SlowEntry& e = entries[i];
        ctx.rb.ArrayHeader(6);
        ctx.rb.Integer(static_cast<int64_t>(e.id));
        ctx.rb.Integer(e.time);
        ctx.rb.Integer(static_cast<int64_t>(e.usec));
        ctx.rb.ArrayHeader(e.args.size());
        for (const auto& arg : e.args) ctx.rb.Bulk(arg);
        ctx.rb.Bulk(e.addr);
        ctx.rb.Bulk(e.name);
      }
    });
    return;
  }
  if (EqualsLower(sub, "len") && a.size() == 2) {
    return ctx.rb.Integer(static_cast<int64_t>(TheSlowlog().size()));
  }
  if (EqualsLower(sub, "reset") && a.size() == 2) {
    TheSlowlog().Reset();
    return ctx.rb.Ok();
  }
  if (EqualsLower(sub, "get")) {
    // GET takes any number of arguments as far as the command table goes (Redis' arity -2), so
    // extra ones get Redis' generic subcommand error.
    return ctx.Error(Cat("ERR unknown subcommand or wrong number of arguments for '", sub,
                         "'. Try SLOWLOG HELP."));
  }
  for (std::string_view known : {"len", "reset", "help"}) {
    if (EqualsLower(sub, known)) {
      return ctx.Error(Cat("ERR wrong number of arguments for 'slowlog|", known, "' command"));
    }
  }
  ctx.Error(Cat("ERR unknown subcommand '", sub, "'. Try SLOWLOG HELP."));
}

}  // namespace

void MaybeLogSlow(Server& server, Connection& conn, const CommandSpec* spec,
                  std::span<const std::string_view> args, uint64_t usec) {
  const int64_t threshold = server.config().slowlog_log_slower_than();
  if (threshold < 0 || static_cast<int64_t>(usec) < threshold) return;
  if (spec->flags & kCmdSkipSlowlog) return;
  SlowEntry e;
  e.time = static_cast<int64_t>(::time(nullptr));
  e.usec = usec;
  const size_t kept = args.size() > kMaxArgs ? kMaxArgs - 1 : args.size();
  e.args.reserve(kept + 1);
  for (size_t i = 0; i < kept; ++i) {
    std::string_view v = args[i];
    if (Redacted(spec, args, i)) {
      e.args.emplace_back("(redacted)");
    } else if (v.size() > kMaxArgBytes) {
      e.args.push_back(Cat(v.substr(0, kMaxArgBytes), "... (", v.size() - kMaxArgBytes, " more bytes)"));
    } else {
      e.args.emplace_back(v);
    }
  }
  if (kept < args.size()) e.args.push_back(Cat("... (", args.size() - kept, " more arguments)"));
  e.addr = conn.addr;
  {
    MutexLock l(&server.clients().mu());
    e.name = conn.name;
  }
  TheSlowlog().Add(std::move(e), static_cast<size_t>(server.config().slowlog_max_len()));
}

void RegisterSlowlogCommands(CommandTable& t) {
  t.Add({"slowlog", -2, 0, 0, 0, 0, SlowlogCmd, "server", "A container for slow log commands", "2.2.12",
         {"get", "help", "len", "reset"}});
}

}  // namespace shoal
