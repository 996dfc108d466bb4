// MONITOR: connections that are sent a line for every command the server runs, as Redis formats
// it ("+<unix time>.<usec> [<db> <addr>] \"arg\" ..."). A command's worker formats the line once
// and posts it to each monitor's worker; nothing is done while nobody monitors (one relaxed
// load per command).
#include "server/commands/monitor.h"

#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "server/commands/client_state.h"
#include "server/commands/command_meta.h"
#include "server/config.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/util/mutex.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

struct Monitor {
  Worker* worker;
  uint64_t conn_id;
};

class MonitorRegistry {
 public:
  void Add(Worker* w, uint64_t id) {
    MutexLock l(&mu_);
    monitors_.push_back({w, id});
    count_.store(monitors_.size(), std::memory_order_relaxed);
  }
  void Remove(uint64_t id) {
    MutexLock l(&mu_);
    std::erase_if(monitors_, [&](const Monitor& m) { return m.conn_id == id; });
    count_.store(monitors_.size(), std::memory_order_relaxed);
  }
  bool any() const { return count_.load(std::memory_order_relaxed) != 0; }
  std::vector<Monitor> Snapshot() {
    MutexLock l(&mu_);
    return monitors_;
  }

 private:
  Mutex mu_;
  std::vector<Monitor> monitors_ ABSL_GUARDED_BY(mu_);
  std::atomic<size_t> count_{0};
};

MonitorRegistry& Registry() {
  static auto* r = new MonitorRegistry();
  return *r;
}

// Redis' sdscatrepr: quoted, with \\ \" \n \r \t \a \b escaped and other unprintable bytes as
// \xHH.
void AppendRepr(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '"': out->append("\\\""); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\a': out->append("\\a"); break;
      case '\b': out->append("\\b"); break;
      default:
        if (std::isprint(c)) {
          out->push_back(static_cast<char>(c));
        } else {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out->append(buf);
        }
    }
  }
  out->push_back('"');
}

// Which arguments Redis shows as "(redacted)": AUTH's credentials, and HELLO's after AUTH.
bool Redacted(std::string_view cmd, std::span<const std::string_view> args, size_t i) {
  if (EqualsLower(cmd, "auth")) return i >= 1;
  if (!EqualsLower(cmd, "hello")) return false;
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t more = args.size() - j - 1;
    if (EqualsLower(args[j], "auth") && more >= 2) {
      if (i == j + 1 || i == j + 2) return true;
      j += 2;
    } else if (EqualsLower(args[j], "setname") && more >= 1) {
      ++j;
    } else {
      break;
    }
  }
  return false;
}

// Admin commands (CONFIG, CLIENT KILL, SHUTDOWN, MONITOR ...) are not shown, as in Redis; for a
// container it is the subcommand's flag that counts.
bool Hidden(const CommandSpec& spec, int sub) {
  if (spec.flags & kCmdAdmin) return true;
  if (sub < 0) return false;
  const CommandMeta* m = FindCommandMeta(Cat(spec.name, "|", spec.subcommands[sub]));
  return m && std::find(m->flags.begin(), m->flags.end(), "admin") != m->flags.end();
}

}  // namespace

bool MonitorsActive() { return Registry().any(); }

void FeedMonitors(Server& server, Connection& conn, const CommandSpec& spec, int sub,
                  std::span<const std::string_view> args) {
  if (Hidden(spec, sub)) return;
  if (ClientState* st = conn.state_if_any(); st && st->block.retrying) return;  // fed once
  timeval tv;
  gettimeofday(&tv, nullptr);
  char head[64];
  std::snprintf(head, sizeof(head), "+%ld.%06ld [%d ", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec), conn.db.load(std::memory_order_relaxed));
  auto line = std::make_shared<std::string>(head);
  if (conn.is_unix) {
    line->append("unix:").append(server.config().unixsocket());
  } else {
    line->append(conn.addr);
  }
  line->append("] ");
  for (size_t i = 0; i < args.size(); ++i) {
    AppendRepr(line.get(), Redacted(args[0], args, i) ? "(redacted)" : args[i]);
    if (i + 1 < args.size()) line->push_back(' ');
  }
  line->append("\r\n");
  for (const Monitor& m : Registry().Snapshot()) {
    m.worker->Post([line, id = m.conn_id](Worker& w) {
      Connection* c = w.FindConnection(id);
      if (!c || !c->monitor.load(std::memory_order_relaxed)) return;
      c->out.append(*line);
      w.ScheduleFlush(c);
    });
  }
}

void StopMonitoring(Connection& conn) {
  if (!conn.monitor.exchange(false, std::memory_order_relaxed)) return;
  Registry().Remove(conn.id);
}

namespace {

void MonitorCmd(CommandContext& ctx) {
  if (ctx.in_exec) return ctx.Error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (ctx.conn.monitor.load(std::memory_order_relaxed)) return;  // already: no reply, as Redis
  ctx.conn.monitor.store(true, std::memory_order_relaxed);
  Registry().Add(&ctx.worker, ctx.conn.id);
  ctx.rb.Ok();
}

}  // namespace

void RegisterMonitorCommands(CommandTable& t) {
  t.Add({"monitor", 1, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, 0, 0, 0, MonitorCmd,
         "server", "Listen for all requests received by the server in real time", "1.0.0"});
}

}  // namespace shoal
