// Pub/Sub: SUBSCRIBE PSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB. Subscribers may live on
// any worker; a message reaches another worker's subscribers through that worker's mailbox, one
// hand-off per worker per message, so each subscriber sees one publisher's messages in order.
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/util/mutex.h"
#include "server/commands/client_state.h"
#include "server/commands/tracking.h"
#include "server/commands/command.h"
#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/util/glob.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

struct Subscriber {
  Worker* worker;
  uint64_t conn_id;
};

// Who listens to what. Subscribing and unsubscribing happen on the subscriber's worker; PUBLISH
// reads under a shared lock from any worker.
class Registry {
 public:
  // Returns false if conn was already there.
  bool Add(bool pattern, std::string_view name, Worker* w, uint64_t id) {
    MutexLock l(&mu_);
    auto& v = (pattern ? patterns_ : channels_)[absl::string_view(name.data(), name.size())];
    for (const auto& s : v) {
      if (s.conn_id == id) return false;
    }
    v.push_back({w, id});
    return true;
  }
  void Remove(bool pattern, std::string_view name, uint64_t id) {
    MutexLock l(&mu_);
    auto& m = pattern ? patterns_ : channels_;
    auto it = m.find(absl::string_view(name.data(), name.size()));
    if (it == m.end()) return;
    auto& v = it->second;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i].conn_id == id) {
        v[i] = v.back();
        v.pop_back();
        break;
      }
    }
    if (v.empty()) m.erase(it);
  }

  // A message's receivers, grouped by worker: (subscriber, pattern it matched or empty).
  struct Target {
    uint64_t conn_id;
    std::string pattern;  // empty for a channel subscription
    bool by_pattern;
  };
  using Targets = absl::flat_hash_map<Worker*, std::vector<Target>>;
  size_t Collect(std::string_view channel, Targets* out) {
    ReaderMutexLock l(&mu_);
    size_t n = 0;
    auto it = channels_.find(absl::string_view(channel.data(), channel.size()));
    if (it != channels_.end()) {
      for (const auto& s : it->second) (*out)[s.worker].push_back({s.conn_id, {}, false}), ++n;
    }
    for (const auto& [pat, subs] : patterns_) {
      if (!GlobMatch(std::string_view(pat.data(), pat.size()), channel)) continue;
      for (const auto& s : subs) (*out)[s.worker].push_back({s.conn_id, std::string(pat), true}), ++n;
    }
    return n;
  }

  std::vector<std::string> Channels(std::string_view pattern, bool has_pattern) {
    ReaderMutexLock l(&mu_);
    std::vector<std::string> out;
    for (const auto& [ch, subs] : channels_) {
      if (!has_pattern || GlobMatch(pattern, std::string_view(ch.data(), ch.size()))) {
        out.emplace_back(ch);
      }
    }
    return out;
  }
  size_t NumSub(std::string_view channel) {
    ReaderMutexLock l(&mu_);
    auto it = channels_.find(absl::string_view(channel.data(), channel.size()));
    return it == channels_.end() ? 0 : it->second.size();
  }
  size_t NumPat() {
    ReaderMutexLock l(&mu_);
    return patterns_.size();
  }
  size_t NumChannels() {
    ReaderMutexLock l(&mu_);
    return channels_.size();
  }

 private:
  Mutex mu_;
  absl::flat_hash_map<std::string, std::vector<Subscriber>> channels_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::vector<Subscriber>> patterns_ ABSL_GUARDED_BY(mu_);
};

Registry& TheRegistry() {
  static Registry* r = new Registry();
  return *r;
}

// Appends one message or pmessage push to c's output and asks its worker to flush it.
void Deliver(Worker& w, Connection* c, const Registry::Target& t, std::string_view channel,
             std::string_view message) {
  resp::ReplyBuilder rb(&c->out, c->proto.load(std::memory_order_relaxed));
  if (t.by_pattern) {
    rb.PushHeader(4);
    rb.Bulk("pmessage");
    rb.Bulk(t.pattern);
  } else {
    rb.PushHeader(3);
    rb.Bulk("message");
  }
  rb.Bulk(channel);
  rb.Bulk(message);
  w.ScheduleFlush(c);
}

void ReplySubscription(CommandContext& ctx, std::string_view kind, std::string_view name,
                       bool null_name) {
  ctx.rb.PushHeader(3);
  ctx.rb.Bulk(kind);
  if (null_name) {
    ctx.rb.Null();
  } else {
    ctx.rb.Bulk(name);
  }
  ctx.rb.Integer(static_cast<int64_t>(ctx.conn.state().subscriptions()));
}

void PublishCounts(Connection& conn) {
  ClientState& st = conn.state();
  conn.sub_count.store(static_cast<int>(st.channels.size()), std::memory_order_relaxed);
  conn.psub_count.store(static_cast<int>(st.patterns.size()), std::memory_order_relaxed);
}

void SubscribeGeneric(CommandContext& ctx, bool pattern) {
  ClientState& st = ctx.conn.state();
  auto& set = pattern ? st.patterns : st.channels;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view name = ctx.args[i];
    if (set.insert(std::string(name)).second) {
      TheRegistry().Add(pattern, name, &ctx.worker, ctx.conn.id);
    }
    PublishCounts(ctx.conn);
    ReplySubscription(ctx, pattern ? "psubscribe" : "subscribe", name, false);
  }
}

void UnsubscribeGeneric(CommandContext& ctx, bool pattern) {
  ClientState& st = ctx.conn.state();
  auto& set = pattern ? st.patterns : st.channels;
  std::string_view kind = pattern ? "punsubscribe" : "unsubscribe";
  if (ctx.args.size() == 1) {
    if (set.empty()) return ReplySubscription(ctx, kind, "", true);
    std::vector<std::string> all(set.begin(), set.end());
    for (const auto& name : all) {
      set.erase(name);
      TheRegistry().Remove(pattern, name, ctx.conn.id);
      PublishCounts(ctx.conn);
      ReplySubscription(ctx, kind, name, false);
    }
    return;
  }
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view name = ctx.args[i];
    auto it = set.find(absl::string_view(name.data(), name.size()));
    if (it != set.end()) {
      set.erase(it);
      TheRegistry().Remove(pattern, name, ctx.conn.id);
      PublishCounts(ctx.conn);
    }
    ReplySubscription(ctx, kind, name, false);
  }
}

void SubscribeCmd(CommandContext& ctx) { SubscribeGeneric(ctx, false); }
void PSubscribeCmd(CommandContext& ctx) { SubscribeGeneric(ctx, true); }
void UnsubscribeCmd(CommandContext& ctx) { UnsubscribeGeneric(ctx, false); }
void PUnsubscribeCmd(CommandContext& ctx) { UnsubscribeGeneric(ctx, true); }

void PublishCmd(CommandContext& ctx) {
  size_t n = PublishMessage(&ctx.worker, ctx.args[1], ctx.args[2]);
  ctx.rb.Integer(static_cast<int64_t>(n));
}

void PubsubCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  std::string_view sub = a[1];
  if (EqualsLower(sub, "help") && a.size() == 2) {
    static constexpr std::string_view kHelp[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help."};
    return ReplyHelp(ctx, kHelp);
  }
  if (EqualsLower(sub, "channels") && a.size() <= 3) {
    bool has_pattern = a.size() == 3;
    auto chans = TheRegistry().Channels(has_pattern ? a[2] : std::string_view(), has_pattern);
    ctx.rb.ArrayHeader(chans.size());
    for (const auto& c : chans) ctx.rb.Bulk(c);
    return;
  }
  if (EqualsLower(sub, "numsub")) {
    ctx.rb.ArrayHeader(2 * (a.size() - 2));  // a flat array even in RESP3, as Redis 7.0
    for (size_t i = 2; i < a.size(); ++i) {
      ctx.rb.Bulk(a[i]);
      ctx.rb.Integer(static_cast<int64_t>(TheRegistry().NumSub(a[i])));
    }
    return;
  }
  if (EqualsLower(sub, "numpat") && a.size() == 2) {
    return ctx.rb.Integer(static_cast<int64_t>(TheRegistry().NumPat()));
  }
  // Shoal has no sharded Pub/Sub channels yet: none are ever active.
  if (EqualsLower(sub, "shardchannels") && a.size() <= 3) return ctx.rb.EmptyArray();
  if (EqualsLower(sub, "shardnumsub")) {
    ctx.rb.ArrayHeader(2 * (a.size() - 2));
    for (size_t i = 2; i < a.size(); ++i) {
      ctx.rb.Bulk(a[i]);
      ctx.rb.Integer(0);
    }
    return;
  }
  // Redis checks CHANNELS' arguments in the handler (its own wording) and the others' by arity.
  if (EqualsLower(sub, "channels") || EqualsLower(sub, "shardchannels")) {
    return ctx.Error(Cat("ERR unknown subcommand or wrong number of arguments for '", sub,
                         "'. Try PUBSUB HELP."));
  }
  if (EqualsLower(sub, "numpat") || EqualsLower(sub, "help")) {
    return ctx.Error(Cat("ERR wrong number of arguments for 'pubsub|",
                         EqualsLower(sub, "help") ? "help" : "numpat", "' command"));
  }
  ctx.Error(Cat("ERR unknown subcommand '", sub.substr(0, 128), "'. Try PUBSUB HELP."));
}

Server* g_notify_server = nullptr;

void OnKeyExpired(int db, std::string_view key) {
  // Called under the key's shard lock: its tracking readers are invalidated as for a write.
  if (TrackingActive()) {
    Store& store = g_notify_server->store();
    TrackingKeyChanged(store.shard(store.ShardOf(key)), key, 0);
  }
  NotifyKeyspaceEventDb(*g_notify_server, kNotifyExpired, "expired", key, db);
}

void OnKeyAdded(int db, std::string_view key) {
  NotifyKeyspaceEventDb(*g_notify_server, kNotifyNew, "new", key, db);
}

}  // namespace

size_t PublishMessage(Worker* current, std::string_view channel, std::string_view message) {
  Registry::Targets targets;
  size_t n = TheRegistry().Collect(channel, &targets);
  if (n == 0) return 0;
  std::shared_ptr<const std::pair<std::string, std::string>> payload;
  for (auto& [w, list] : targets) {
    if (w == current) {
      for (const auto& t : list) {
        Connection* c = w->FindConnection(t.conn_id);
        if (c) Deliver(*w, c, t, channel, message);
      }
      continue;
    }
    // One hand-off per worker; the payload is shared by its subscribers there.
    if (!payload) {
      payload = std::make_shared<const std::pair<std::string, std::string>>(channel, message);
    }
    w->Post([payload, list = std::move(list)](Worker& ww) {
      for (const auto& t : list) {
        Connection* c = ww.FindConnection(t.conn_id);
        if (c) Deliver(ww, c, t, payload->first, payload->second);
      }
    });
  }
  return n;
}

void NotifyKeyspaceEventDb(Server& server, int cls, std::string_view event, std::string_view key,
                           int db) {
  int flags = server.config().notify_keyspace_events();
  if (!(flags & cls)) return;
  Worker* current = Worker::Current();
  std::string channel;
  if (flags & kNotifyKeyspace) {
    CatAppend(&channel, "__keyspace@", db, "__:", key);
    PublishMessage(current, channel, event);
  }
  if (flags & kNotifyKeyevent) {
    channel.clear();
    CatAppend(&channel, "__keyevent@", db, "__:", event);
    PublishMessage(current, channel, key);
  }
}

void NotifyKeyspaceEvent(CommandContext& ctx, int cls, std::string_view event,
                         std::string_view key) {
  NotifyKeyspaceEventDb(ctx.server, cls, event, key, ctx.db);
}

void InstallKeyspaceNotifications(Server* server) {
  g_notify_server = server;
  SetKeyEventHooks(&OnKeyExpired, &OnKeyAdded);
}

void ReleaseSubscriptions(Server&, Connection& conn) {
  ClientState* st = conn.state_if_any();
  if (!st) return;
  for (const auto& c : st->channels) TheRegistry().Remove(false, c, conn.id);
  for (const auto& p : st->patterns) TheRegistry().Remove(true, p, conn.id);
  st->channels.clear();
  st->patterns.clear();
  PublishCounts(conn);
}

void PubSubCounts(size_t* channels, size_t* patterns) {
  *channels = TheRegistry().NumChannels();
  *patterns = TheRegistry().NumPat();
}

void RegisterPubSubCommands(CommandTable& t) {
  constexpr uint32_t PS = kCmdPubsub | kCmdNoScript | kCmdLoading | kCmdStale;
  t.Add({"subscribe", -2, PS, 0, 0, 0, SubscribeCmd, "pubsub",
         "Listen for messages published to the given channels", "2.0.0"});
  t.Add({"psubscribe", -2, PS, 0, 0, 0, PSubscribeCmd, "pubsub",
         "Listen for messages published to channels matching the given patterns", "2.0.0"});
  t.Add({"unsubscribe", -1, PS, 0, 0, 0, UnsubscribeCmd, "pubsub",
         "Stop listening for messages posted to the given channels", "2.0.0"});
  t.Add({"punsubscribe", -1, PS, 0, 0, 0, PUnsubscribeCmd, "pubsub",
         "Stop listening for messages posted to channels matching the given patterns", "2.0.0"});
  t.Add({"publish", 3, kCmdPubsub | kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate, 0, 0, 0, PublishCmd,
         "pubsub", "Post a message to a channel", "2.0.0"});
  t.Add({"pubsub", -2, 0, 0, 0, 0, PubsubCmd, "pubsub",
         "A container for Pub/Sub commands", "2.8.0",
         {"channels", "numpat", "numsub", "shardchannels", "shardnumsub", "help"}});
}

}  // namespace shoal
