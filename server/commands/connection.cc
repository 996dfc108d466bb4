// Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET, CLIENT.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/commands/blocking.h"
#include "server/commands/client_state.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/monitor.h"
#include "server/commands/tracking.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/util/glob.h"
#include "server/util/string_util.h"

namespace shoal {


namespace {

constexpr std::string_view kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

void PingCmd(CommandContext& ctx) {
  if (ctx.args.size() > 2) return ReplyWrongArity(ctx);
  // A subscribed RESP2 connection can only take pushes, so PING answers in that shape.
  ClientState* st = ctx.conn.state_if_any();
  if (st && st->subscriptions() > 0 && ctx.rb.proto() < 3) {
    ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk("pong");
    return ctx.rb.Bulk(ctx.args.size() == 2 ? ctx.args[1] : std::string_view());
  }
  if (ctx.args.size() == 2) return ctx.rb.Bulk(ctx.args[1]);
  ctx.rb.Simple("PONG");
}

void EchoCmd(CommandContext& ctx) { ctx.rb.Bulk(ctx.args[1]); }

// Checks credentials for AUTH/HELLO: only the "default" user exists; without requirepass it is
// "nopass" (any password works for AUTH default <x>), as in Redis.
bool CheckAuth(CommandContext& ctx, std::string_view user, std::string_view pass) {
  if (user != "default") return false;
  if (!ctx.server.config().has_requirepass()) return true;
  return pass == ctx.server.config().requirepass();
}

void AuthCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  if (a.size() > 3) return ctx.Error(kErrSyntax);
  if (a.size() == 2 && !ctx.server.config().has_requirepass()) {
    return ctx.Error(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
  }
  std::string_view user = a.size() == 3 ? a[1] : "default";
  std::string_view pass = a.size() == 3 ? a[2] : a[1];
  if (!CheckAuth(ctx, user, pass)) return ctx.Error(kWrongPass);
  ctx.conn.authenticated = true;
  ctx.rb.Ok();
}

void SetName(CommandContext& ctx, std::string_view name) {
  MutexLock l(&ctx.server.clients().mu());
  ctx.conn.name.assign(name);
}

bool ValidClientName(std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

constexpr std::string_view kBadName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void HelloCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  int proto = ctx.conn.proto;
  if (a.size() >= 2) {
    int64_t v;
    if (!ParseInt64(a[1], &v)) {
      return ctx.Error("ERR Protocol version is not an integer or out of range");
    }
    if (v < 2 || v > 3) return ctx.Error("NOPROTO unsupported protocol version");
    proto = static_cast<int>(v);
  }
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
  for (size_t i = 2; i < a.size(); ++i) {
    size_t more = a.size() - i - 1;
    if (EqualsLower(a[i], "auth") && more >= 2) {
      has_auth = true;
      user = a[i + 1];
      pass = a[i + 2];
      i += 2;
    } else if (EqualsLower(a[i], "setname") && more >= 1) {
      has_name = true;
      name = a[i + 1];
      i += 1;
    } else {
      return ctx.Error(Cat("ERR Syntax error in HELLO option '", a[i], "'"));
    }
  }
  if (has_auth) {
    if (!CheckAuth(ctx, user, pass)) return ctx.Error(kWrongPass);
    ctx.conn.authenticated = true;
  }
  if (!ctx.conn.authenticated) {
    return ctx.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time");
  }
  if (has_name) {
    if (!ValidClientName(name)) return ctx.Error(kBadName);
    SetName(ctx, name);
  }
  ctx.conn.proto = proto;
  ctx.rb.set_proto(proto);
  ctx.rb.MapHeader(7);
  ctx.rb.Bulk("server");
  ctx.rb.Bulk("redis");
  ctx.rb.Bulk("version");
  ctx.rb.Bulk("7.0.15");
  ctx.rb.Bulk("proto");
  ctx.rb.Integer(proto);
  ctx.rb.Bulk("id");
  ctx.rb.Integer(static_cast<int64_t>(ctx.conn.id));
  ctx.rb.Bulk("mode");
  ctx.rb.Bulk("standalone");
  ctx.rb.Bulk("role");
  ctx.rb.Bulk("master");
  ctx.rb.Bulk("modules");
  ctx.rb.EmptyArray();
}

void SelectCmd(CommandContext& ctx) {
  int db;
  if (!ParseDbIndex(ctx, ctx.args[1], &db)) return;
  ctx.conn.db.store(db, std::memory_order_relaxed);
  ctx.rb.Ok();
}

void QuitCmd(CommandContext& ctx) {
  ctx.rb.Ok();
  ctx.conn.close_after_reply = true;
}

void ResetCmd(CommandContext& ctx) {
  StopMonitoring(ctx.conn);
  ctx.conn.reply_flags = 0;
  ctx.conn.no_evict.store(false, std::memory_order_relaxed);
  if (ctx.conn.has_state()) {
    DiscardTransaction(ctx.conn);
    UnwatchAll(ctx.server, ctx.conn);
    ReleaseSubscriptions(ctx.server, ctx.conn);
    DisableTracking(ctx.conn);
  }
  ctx.conn.db.store(0, std::memory_order_relaxed);
  ctx.conn.proto = 2;
  ctx.rb.set_proto(2);
  ctx.conn.authenticated = !ctx.server.config().has_requirepass();
  SetName(ctx, "");
  ctx.rb.Simple("RESET");
}

std::string ClientInfoLine(Server& server, Connection* c) {
  int64_t now = NowMs();
  int cmd_id = c->last_cmd.load(std::memory_order_relaxed);
  std::string cmd = "NULL";
  if (cmd_id >= 0) {
    const CommandSpec& spec = CommandTable::Get().all()[cmd_id];
    // The two are stored one after the other by the client's thread: a pair read in between
    // may mix two commands, hence the bound check.
    int sub = c->last_sub.load(std::memory_order_relaxed);
    cmd = sub >= 0 && static_cast<size_t>(sub) < spec.subcommands.size()
              ? Cat(spec.name, "|", spec.subcommands[sub])
              : std::string(spec.name);
  }
  size_t qbuf = c->qbuf_size.load(std::memory_order_relaxed);
  size_t obuf = c->obuf_size.load(std::memory_order_relaxed);
  (void)server;
  int sub = c->sub_count.load(std::memory_order_relaxed);
  int psub = c->psub_count.load(std::memory_order_relaxed);
  int ssub = c->ssub_count.load(std::memory_order_relaxed);
  int multi = c->multi_count.load(std::memory_order_relaxed);
  // Redis' letters, in its order: O monitor, P subscribed, x in MULTI, b blocked, t tracking,
  // R tracking redirect gone, B tracking BCAST, U unix socket, e no-evict; N when none applies.
  char flag_buf[12];
  size_t nflags = 0;
  if (c->monitor.load(std::memory_order_relaxed)) flag_buf[nflags++] = 'O';
  if (sub + psub + ssub > 0) flag_buf[nflags++] = 'P';
  if (multi >= 0) flag_buf[nflags++] = 'x';
  if (c->blocked.load(std::memory_order_relaxed)) flag_buf[nflags++] = 'b';
  if (c->tracking.load(std::memory_order_relaxed)) flag_buf[nflags++] = 't';
  if (c->tracking_broken.load(std::memory_order_relaxed)) flag_buf[nflags++] = 'R';
  if (c->tracking_bcast.load(std::memory_order_relaxed)) flag_buf[nflags++] = 'B';
  if (c->is_unix) flag_buf[nflags++] = 'U';
  if (c->no_evict.load(std::memory_order_relaxed)) flag_buf[nflags++] = 'e';
  if (nflags == 0) flag_buf[nflags++] = 'N';
  std::string_view flags(flag_buf, nflags);
  return Cat(
      "id=", c->id, " addr=", c->addr, " laddr=", c->laddr, " fd=", c->fd, " name=", c->name,
      " age=", (now - c->created_ms) / 1000,
      " idle=", (now - c->last_interaction_ms.load(std::memory_order_relaxed)) / 1000,
      " flags=", flags, " db=", c->db.load(std::memory_order_relaxed),
      " sub=", sub, " psub=", psub, " ssub=", ssub, " multi=", multi, " qbuf=", qbuf, " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0",
      " obl=0 oll=0 omem=", obuf, " tot-mem=", qbuf + obuf, " events=r cmd=", cmd,
      " user=default redir=", c->tracking_redirect.load(std::memory_order_relaxed), " resp=", c->proto.load(std::memory_order_relaxed), "\n");
}

void ClientCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  std::string_view sub = a[1];
  auto wrong_arity = [&](std::string_view s) {
    ctx.Error(Cat("ERR wrong number of arguments for 'client|", s, "' command"));
  };
  if (EqualsLower(sub, "id")) {
    if (a.size() != 2) return wrong_arity("id");
    return ctx.rb.Integer(static_cast<int64_t>(ctx.conn.id));
  }
  if (EqualsLower(sub, "setname")) {
    if (a.size() != 3) return wrong_arity("setname");
    if (!ValidClientName(a[2])) return ctx.Error(kBadName);
    SetName(ctx, a[2]);
    return ctx.rb.Ok();
  }
  if (EqualsLower(sub, "getname")) {
    if (a.size() != 2) return wrong_arity("getname");
    std::string name;
    {
      MutexLock l(&ctx.server.clients().mu());
      name = ctx.conn.name;
    }
    if (name.empty()) return ctx.rb.Null();
    return ctx.rb.Bulk(name);
  }
  if (EqualsLower(sub, "info")) {
    if (a.size() != 2) return wrong_arity("info");
    std::string line;
    {
      MutexLock l(&ctx.server.clients().mu());
      line = ClientInfoLine(ctx.server, &ctx.conn);
    }
    return ctx.rb.Verbatim("txt", line);
  }
  if (EqualsLower(sub, "list")) {
    std::vector<uint64_t> ids;
    bool filter_ids = false;
    for (size_t i = 2; i < a.size(); ++i) {
      if (EqualsLower(a[i], "type") && i + 1 < a.size()) {
        std::string_view t = a[++i];
        if (!EqualsLower(t, "normal") && !EqualsLower(t, "master") && !EqualsLower(t, "replica") &&
            !EqualsLower(t, "slave") && !EqualsLower(t, "pubsub")) {
          return ctx.Error(Cat("ERR Unknown client type '", t, "'"));
        }
        if (!EqualsLower(t, "normal")) return ctx.rb.Verbatim("txt", "");
      } else if (EqualsLower(a[i], "id") && i + 1 < a.size()) {
        filter_ids = true;
        for (++i; i < a.size(); ++i) {
          int64_t id;
          if (!ParseInt64(a[i], &id) || id <= 0) return ctx.Error("ERR Invalid client ID");
          ids.push_back(static_cast<uint64_t>(id));
        }
      } else {
        return ctx.Error(kErrSyntax);
      }
    }
    std::vector<std::pair<uint64_t, std::string>> lines;
    ctx.server.clients().ForEach([&](Connection* c) {
      if (filter_ids && std::find(ids.begin(), ids.end(), c->id) == ids.end()) return;
      lines.emplace_back(c->id, ClientInfoLine(ctx.server, c));
    });
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (auto& l : lines) out += l.second;
    return ctx.rb.Verbatim("txt", out);
  }
  if (EqualsLower(sub, "kill")) {
    if (a.size() < 3) return wrong_arity("kill");
    // Old form: CLIENT KILL addr:port. New form: filters, replies with the count.
    bool old_form = a.size() == 3;
    std::string_view addr, laddr;
    int64_t id = -1;
    bool skipme = true;
    if (old_form) {
      addr = a[2];
    } else {
      if ((a.size() - 2) % 2 != 0) return ctx.Error(kErrSyntax);
      for (size_t i = 2; i + 1 < a.size(); i += 2) {
        std::string_view k = a[i], v = a[i + 1];
        if (EqualsLower(k, "id")) {
          if (!ParseInt64(v, &id) || id <= 0) return ctx.Error("ERR client-id should be greater than 0");
        } else if (EqualsLower(k, "addr")) {
          addr = v;
        } else if (EqualsLower(k, "laddr")) {
          laddr = v;
        } else if (EqualsLower(k, "type")) {
          if (!EqualsLower(v, "normal") && !EqualsLower(v, "master") && !EqualsLower(v, "replica") &&
              !EqualsLower(v, "slave") && !EqualsLower(v, "pubsub")) {
            return ctx.Error(Cat("ERR Unknown client type '", v, "'"));
          }
          if (!EqualsLower(v, "normal")) return ctx.rb.Integer(0);
        } else if (EqualsLower(k, "user")) {
          if (v != "default") return ctx.Error(Cat("ERR No such user '", v, "'"));
        } else if (EqualsLower(k, "skipme")) {
          if (EqualsLower(v, "yes")) {
            skipme = true;
          } else if (EqualsLower(v, "no")) {
            skipme = false;
          } else {
            return ctx.Error(kErrSyntax);
          }
        } else {
          return ctx.Error(kErrSyntax);
        }
      }
    }
    std::vector<std::pair<Worker*, uint64_t>> victims;
    bool self = false;
    ctx.server.clients().ForEach([&](Connection* c) {
      if (id > 0 && c->id != static_cast<uint64_t>(id)) return;
      if (!addr.empty() && c->addr != addr) return;
      if (!laddr.empty() && c->laddr != laddr) return;
      if (c == &ctx.conn) {
        if (skipme && !old_form) return;
        self = true;
        return;
      }
      victims.emplace_back(c->worker, c->id);
    });
    for (auto& [w, cid] : victims) {
      uint64_t victim = cid;
      w->Post([victim](Worker& wk) {
        if (Connection* c = wk.FindConnection(victim)) wk.Close(c);
      });
    }
    int64_t n = static_cast<int64_t>(victims.size()) + (self ? 1 : 0);
    if (self) ctx.conn.close_after_reply = true;
    if (old_form) {
      if (n == 0) return ctx.Error("ERR No such client");
      return ctx.rb.Ok();
    }
    return ctx.rb.Integer(n);
  }
  if (EqualsLower(sub, "reply")) {
    if (a.size() != 3) return wrong_arity("reply");
    if (EqualsLower(a[2], "on")) {
      ctx.conn.reply_flags = 0;  // before the +OK, which is therefore sent
      return ctx.rb.Ok();
    }
    if (EqualsLower(a[2], "off")) {
      ctx.conn.reply_flags |= Connection::kReplyOff;
      return;
    }
    if (EqualsLower(a[2], "skip")) {
      if (!(ctx.conn.reply_flags & Connection::kReplyOff)) {
        ctx.conn.reply_flags |= Connection::kReplySkipNext;
      }
      return;
    }
    return ctx.Error(kErrSyntax);
  }
  if (EqualsLower(sub, "no-evict")) {
    if (a.size() != 3) return wrong_arity("no-evict");
    if (EqualsLower(a[2], "on") || EqualsLower(a[2], "off")) {
      ctx.conn.no_evict.store(EqualsLower(a[2], "on"), std::memory_order_relaxed);
      return ctx.rb.Ok();
    }
    return ctx.Error(kErrSyntax);
  }
  if (EqualsLower(sub, "unblock")) {
    // CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when that client was blocked; its own worker then
    // ends the wait (a client woken in between is served instead).
    if (a.size() < 3) return wrong_arity("unblock");
    if (a.size() > 4) {
      return ctx.Error(Cat("ERR unknown subcommand or wrong number of arguments for '", sub,
                           "'. Try CLIENT HELP."));
    }
    bool error = false;
    if (a.size() == 4) {
      if (EqualsLower(a[3], "error")) {
        error = true;
      } else if (!EqualsLower(a[3], "timeout")) {
        return ctx.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      }
    }
    int64_t id;
    if (!ParseInt64(a[2], &id)) return ctx.Error(kErrNotInt);
    Worker* owner = nullptr;
    ctx.server.clients().ForEach([&](Connection* c) {
      // A client held by CLIENT PAUSE is not in a blocking command: nothing to end (Redis 7.0
      // crashes on this one).
      if (c->id == static_cast<uint64_t>(id) && c->blocked.load(std::memory_order_relaxed) &&
          !c->postponed.load(std::memory_order_relaxed)) {
        owner = c->worker;
      }
    });
    if (owner == nullptr) return ctx.rb.Integer(0);
    const auto target = static_cast<uint64_t>(id);
    owner->Post([target, error](Worker& w) { UnblockClient(w, target, error); });
    return ctx.rb.Integer(1);
  }
  if (EqualsLower(sub, "tracking")) {
    if (a.size() < 3) return wrong_arity("tracking");
    return ClientTrackingCmd(ctx);
  }
  if (EqualsLower(sub, "trackinginfo")) {
    if (a.size() != 2) return wrong_arity("trackinginfo");
    return ClientTrackingInfoCmd(ctx);
  }
  if (EqualsLower(sub, "caching")) {
    if (a.size() != 3) return wrong_arity("caching");
    return ClientCachingCmd(ctx);
  }
  if (EqualsLower(sub, "getredir")) {
    if (a.size() != 2) return wrong_arity("getredir");
    return ClientGetRedirCmd(ctx);
  }
  if (EqualsLower(sub, "pause")) {
    // CLIENT PAUSE timeout [WRITE|ALL]: replies at once; the caller's own next commands wait too.
    if (a.size() < 3) return wrong_arity("pause");
    if (a.size() > 4) {
      return ctx.Error(Cat("ERR unknown subcommand or wrong number of arguments for '", sub,
                           "'. Try CLIENT HELP."));
    }
    int64_t ms;
    if (!ParseInt64(a[2], &ms)) return ctx.Error("ERR timeout is not an integer or out of range");
    if (ms < 0) return ctx.Error("ERR timeout is negative");
    Server::PauseMode mode = Server::kPauseAll;
    if (a.size() == 4) {
      if (EqualsLower(a[3], "write")) {
        mode = Server::kPauseWrite;
      } else if (!EqualsLower(a[3], "all")) {
        return ctx.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      }
    }
    // Redis 7.0 lets now + timeout overflow (and then does not pause at all); a timeout past
    // the clock's range pauses until CLIENT UNPAUSE here, which is what the timeout asks for.
    int64_t end = ms > INT64_MAX - ctx.now_ms ? INT64_MAX : ctx.now_ms + ms;
    ctx.server.Pause(mode, end);
    return ctx.rb.Ok();
  }
  if (EqualsLower(sub, "unpause")) {
    if (a.size() != 2) return wrong_arity("unpause");
    ctx.server.Unpause();
    return ctx.rb.Ok();
  }
  if (EqualsLower(sub, "help")) {
    // Redis 7.0's text, line for line: clients show it to users.
    static constexpr std::string_view kHelp[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help."};
    return ReplyHelp(ctx, kHelp);
  }
  ctx.Error(Cat("ERR unknown subcommand '", sub.substr(0, 128), "'. Try CLIENT HELP."));
}

}  // namespace

void RegisterConnectionCommands(CommandTable& t) {
  constexpr uint32_t F = kCmdFast;
  constexpr uint32_t NA = kCmdNoAuth | kCmdNoScript | kCmdLoading | kCmdStale | kCmdAllowBusy;
  constexpr uint32_t LS = kCmdLoading | kCmdStale;
  t.Add({"ping", -1, F, 0, 0, 0, PingCmd, "connection", "Ping the server", "1.0.0"});
  t.Add({"echo", 2, F | LS, 0, 0, 0, EchoCmd, "connection", "Echo the given string", "1.0.0"});
  t.Add({"hello", -1, F | NA, 0, 0, 0, HelloCmd, "connection", "Handshake with Redis", "6.0.0"});
  t.Add({"auth", -2, F | NA, 0, 0, 0, AuthCmd, "connection", "Authenticate to the server", "1.0.0"});
  t.Add({"select", 2, F | LS, 0, 0, 0, SelectCmd, "connection", "Change the selected database for the current connection", "1.0.0"});
  t.Add({"quit", -1, F | NA, 0, 0, 0, QuitCmd, "connection", "Close the connection", "1.0.0"});
  t.Add({"reset", 1, F | NA, 0, 0, 0, ResetCmd, "connection", "Reset the connection", "6.2.0"});
  t.Add({"client", -2, 0, 0, 0, 0, ClientCmd, "connection", "A container for client connection commands", "2.4.0",
         {"id", "setname", "getname", "info", "list", "kill", "reply", "no-evict", "unblock",
          "pause", "unpause", "tracking", "trackinginfo", "caching", "getredir", "help"}});
}

}  // namespace shoal
