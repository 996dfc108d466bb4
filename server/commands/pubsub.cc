// Pub/Sub: SUBSCRIBE PSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB, and the sharded SSUBSCRIBE
// SUNSUBSCRIBE SPUBLISH (without a cluster, a channel namespace of their own). Subscribers may live on
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

// What a subscription names: a channel, a pattern, or a shard channel (SSUBSCRIBE).
enum Kind { kChannel = 0, kPattern = 1, kShard = 2 };

// Who listens to what. Subscribing and unsubscribing happen on the subscriber's worker; PUBLISH
// reads under a shared lock from any worker.
class Registry {
 public:
  using Map = absl::flat_hash_map<std::string, std::vector<Subscriber>>;
  // Returns false if conn was already there.
  bool Add(Kind kind, std::string_view name, Worker* w, uint64_t id) {
    MutexLock l(&mu_);
    auto& v = maps_[kind][absl::string_view(name.data(), name.size())];
    for (const auto& s : v) {
      if (s.conn_id == id) return false;
    }
    v.push_back({w, id});
    return true;
  }
  void Remove(Kind kind, std::string_view name, uint64_t id) {
    MutexLock l(&mu_);
    auto& m = maps_[kind];
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
    Kind kind;
  };
  using Targets = absl::flat_hash_map<Worker*, std::vector<Target>>;
  // PUBLISH reaches channel and pattern subscribers, SPUBLISH (shard) shard channel ones.
  size_t Collect(std::string_view channel, bool shard, Targets* out) {
    ReaderMutexLock l(&mu_);
    size_t n = 0;
    const Kind exact = shard ? kShard : kChannel;
    auto it = maps_[exact].find(absl::string_view(channel.data(), channel.size()));
    if (it != maps_[exact].end()) {
      for (const auto& s : it->second) (*out)[s.worker].push_back({s.conn_id, {}, exact}), ++n;
    }
    if (shard) return n;
    for (const auto& [pat, subs] : maps_[kPattern]) {
      if (!GlobMatch(std::string_view(pat.data(), pat.size()), channel)) continue;
      for (const auto& s : subs) (*out)[s.worker].push_back({s.conn_id, std::string(pat), kPattern}), ++n;
    }
    return n;
  }

  std::vector<std::string> Channels(Kind kind, std::string_view pattern, bool has_pattern) {
    ReaderMutexLock l(&mu_);
    std::vector<std::string> out;
    for (const auto& [ch, subs] : maps_[kind]) {
      if (!has_pattern || GlobMatch(pattern, std::string_view(ch.data(), ch.size()))) {
        out.emplace_back(ch);
      }
    }
    return out;
  }
  size_t NumSub(Kind kind, std::string_view channel) {
    ReaderMutexLock l(&mu_);
    auto it = maps_[kind].find(absl::string_view(channel.data(), channel.size()));
    return it == maps_[kind].end() ? 0 : it->second.size();
  }
  // Distinct names subscribed to (channels, patterns or shard channels).
  size_t Count(Kind kind) {
    ReaderMutexLock l(&mu_);
    return maps_[kind].size();
  }

 private:
  Mutex mu_;
  Map maps_[3] ABSL_GUARDED_BY(mu_);
};

Registry& TheRegistry() {
  static Registry* r = new Registry();
  return *r;
}

// Appends one message, pmessage or smessage push to c's output and asks its worker to flush it.
void Deliver(Worker& w, Connection* c, const Registry::Target& t, std::string_view channel,
             std::string_view message) {
  resp::ReplyBuilder rb(&c->out, c->proto.load(std::memory_order_relaxed));
  if (t.kind == kPattern) {
    rb.PushHeader(4);
    rb.Bulk("pmessage");
    rb.Bulk(t.pattern);
  } else {
    rb.PushHeader(3);
    rb.Bulk(t.kind == kShard ? "smessage" : "message");
  }
  rb.Bulk(channel);
  rb.Bulk(message);
  w.ScheduleFlush(c);
}

std::string_view KindWord(Kind kind, bool subscribe) {
  static constexpr std::string_view kWords[2][3] = {
      {"unsubscribe", "punsubscribe", "sunsubscribe"}, {"subscribe", "psubscribe", "ssubscribe"}};
  return kWords[subscribe][kind];
}

// The count that follows is the client's channel and pattern subscriptions, or (for the shard
// commands) its shard channel subscriptions, as Redis counts them.
void ReplySubscription(CommandContext& ctx, Kind kind, bool subscribe, std::string_view name,
                       bool null_name) {
  const ClientState& st = ctx.conn.state();
  ctx.rb.PushHeader(3);
  ctx.rb.Bulk(KindWord(kind, subscribe));
  if (null_name) {
    ctx.rb.Null();
  } else {
    ctx.rb.Bulk(name);
  }
  size_t n = kind == kShard ? st.shard_channels.size() : st.channels.size() + st.patterns.size();
  ctx.rb.Integer(static_cast<int64_t>(n));
}

void PublishCounts(Connection& conn) {
  ClientState& st = conn.state();
  conn.sub_count.store(static_cast<int>(st.channels.size()), std::memory_order_relaxed);
  conn.psub_count.store(static_cast<int>(st.patterns.size()), std::memory_order_relaxed);
  conn.ssub_count.store(static_cast<int>(st.shard_channels.size()), std::memory_order_relaxed);
}

absl::flat_hash_set<std::string>& SetOf(ClientState& st, Kind kind) {
  return kind == kChannel ? st.channels : kind == kPattern ? st.patterns : st.shard_channels;
}

void SubscribeGeneric(CommandContext& ctx, Kind kind) {
  ClientState& st = ctx.conn.state();
  auto& set = SetOf(st, kind);
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view name = ctx.args[i];
    if (set.insert(std::string(name)).second) {
      TheRegistry().Add(kind, name, &ctx.worker, ctx.conn.id);
    }
    PublishCounts(ctx.conn);
    ReplySubscription(ctx, kind, true, name, false);
  }
}

void UnsubscribeGeneric(CommandContext& ctx, Kind kind) {
  ClientState& st = ctx.conn.state();
  auto& set = SetOf(st, kind);
  if (ctx.args.size() == 1) {
    if (set.empty()) return ReplySubscription(ctx, kind, false, "", true);
    std::vector<std::string> all(set.begin(), set.end());
    for (const auto& name : all) {
      set.erase(name);
      TheRegistry().Remove(kind, name, ctx.conn.id);
      PublishCounts(ctx.conn);
      ReplySubscription(ctx, kind, false, name, false);
    }
    return;
  }
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view name = ctx.args[i];
    auto it = set.find(absl::string_view(name.data(), name.size()));
    if (it != set.end()) {
      set.erase(it);
      TheRegistry().Remove(kind, name, ctx.conn.id);
      PublishCounts(ctx.conn);
    }
    ReplySubscription(ctx, kind, false, name, false);
  }
}

void SubscribeCmd(CommandContext& ctx) { SubscribeGeneric(ctx, kChannel); }
void PSubscribeCmd(CommandContext& ctx) { SubscribeGeneric(ctx, kPattern); }
void SSubscribeCmd(CommandContext& ctx) { SubscribeGeneric(ctx, kShard); }
void UnsubscribeCmd(CommandContext& ctx) { UnsubscribeGeneric(ctx, kChannel); }
void PUnsubscribeCmd(CommandContext& ctx) { UnsubscribeGeneric(ctx, kPattern); }
void SUnsubscribeCmd(CommandContext& ctx) { UnsubscribeGeneric(ctx, kShard); }

size_t Publish(Worker* current, std::string_view channel, std::string_view message, bool shard);

void SPublishCmd(CommandContext& ctx) {
  size_t n = Publish(&ctx.worker, ctx.args[1], ctx.args[2], /*shard=*/true);
  ctx.rb.Integer(static_cast<int64_t>(n));
}

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
    auto chans = TheRegistry().Channels(kChannel, has_pattern ? a[2] : std::string_view(), has_pattern);
    ctx.rb.ArrayHeader(chans.size());
    for (const auto& c : chans) ctx.rb.Bulk(c);
    return;
  }
  if (EqualsLower(sub, "numsub")) {
    ctx.rb.ArrayHeader(2 * (a.size() - 2));  // a flat array even in RESP3, as Redis 7.0
    for (size_t i = 2; i < a.size(); ++i) {
      ctx.rb.Bulk(a[i]);
      ctx.rb.Integer(static_cast<int64_t>(TheRegistry().NumSub(kChannel, a[i])));
    }
    return;
  }
  if (EqualsLower(sub, "numpat") && a.size() == 2) {
    return ctx.rb.Integer(static_cast<int64_t>(TheRegistry().Count(kPattern)));
  }
  if (EqualsLower(sub, "shardchannels") && a.size() <= 3) {
    bool has_pattern = a.size() == 3;
    auto chans = TheRegistry().Channels(kShard, has_pattern ? a[2] : std::string_view(), has_pattern);
    ctx.rb.ArrayHeader(chans.size());
    for (const auto& c : chans) ctx.rb.Bulk(c);
    return;
  }
  if (EqualsLower(sub, "shardnumsub")) {
    ctx.rb.ArrayHeader(2 * (a.size() - 2));
    for (size_t i = 2; i < a.size(); ++i) {
      ctx.rb.Bulk(a[i]);
      ctx.rb.Integer(static_cast<int64_t>(TheRegistry().NumSub(kShard, a[i])));
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
  return Publish(current, channel, message, /*shard=*/false);
}

namespace {
size_t Publish(Worker* current, std::string_view channel, std::string_view message, bool shard) {
  Registry::Targets targets;
  size_t n = TheRegistry().Collect(channel, shard, &targets);
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
}  // namespace

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
  for (const auto& c : st->channels) TheRegistry().Remove(kChannel, c, conn.id);
  for (const auto& p : st->patterns) TheRegistry().Remove(kPattern, p, conn.id);
  for (const auto& c : st->shard_channels) TheRegistry().Remove(kShard, c, conn.id);
  st->channels.clear();
  st->patterns.clear();
  st->shard_channels.clear();
  PublishCounts(conn);
}

void PubSubCounts(size_t* channels, size_t* patterns, size_t* shard_channels) {
  *channels = TheRegistry().Count(kChannel);
  *patterns = TheRegistry().Count(kPattern);
  *shard_channels = TheRegistry().Count(kShard);
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
  // The shard channel counts as a key for Redis Cluster's slot routing (COMMAND INFO's first
  // key 1, a not_key key spec); here it only names the shard whose lock the command takes.
  t.Add({"ssubscribe", -2, PS, 1, -1, 1, SSubscribeCmd, "pubsub",
         "Listen for messages published to the given shard channels", "7.0.0"});
  t.Add({"sunsubscribe", -1, PS, 1, -1, 1, SUnsubscribeCmd, "pubsub",
         "Stop listening for messages posted to the given shard channels", "7.0.0"});
  t.Add({"spublish", 3, kCmdPubsub | kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate, 1, 1, 1,
         SPublishCmd, "pubsub", "Post a message to a shard channel", "7.0.0"});
  t.Add({"pubsub", -2, 0, 0, 0, 0, PubsubCmd, "pubsub",
         "A container for Pub/Sub commands", "2.8.0",
         {"channels", "numpat", "numsub", "shardchannels", "shardnumsub", "help"}});
}

}  // namespace shoal
