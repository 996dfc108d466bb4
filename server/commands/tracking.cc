// Client-side caching: CLIENT TRACKING and its invalidations (see tracking.h).
#include "server/commands/tracking.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/commands/client_state.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/util/mutex.h"
#include "server/util/string_util.h"

namespace shoal {

std::atomic<int64_t> g_tracking_clients{0};  // connections with tracking on

namespace {

std::atomic<int64_t> g_keys{0};     // keys in all shards' tables
std::atomic<int64_t> g_items{0};    // (key, reader) pairs in them

// BCAST clients' prefixes. Every written key is matched against them while any exists, so the
// list is read under a reader lock and changed only by CLIENT TRACKING and disconnects.
struct BcastEntry {
  std::string prefix;
  int worker;
  uint64_t conn_id;
};
Mutex g_bcast_mu;
std::vector<BcastEntry> g_bcast ABSL_GUARDED_BY(g_bcast_mu);
std::atomic<int64_t> g_bcast_entries{0};

// One invalidation owed to a tracking client: for a key (default mode), for a key under one of
// its prefixes (BCAST), or for everything (flush).
struct Item {
  int worker;
  uint64_t conn_id;
  uint64_t writer;  // NOLOOP: a client is not told of its own writes
  std::string key;
  std::string prefix;
  bool bcast = false;
  bool flush = false;
};
// Queued by the thread that changed the keys, sent once its command is done.
thread_local std::vector<Item> t_queue;

constexpr std::string_view kInvalidateChannel = "__redis__:invalidate";

void QueueReaders(std::string_view key, const TrackingTable::Readers& readers, uint64_t writer) {
  for (const auto& r : readers) t_queue.push_back({r.worker, r.conn_id, writer, std::string(key), {}});
  g_items.fetch_sub(static_cast<int64_t>(readers.size()), std::memory_order_relaxed);
  g_keys.fetch_sub(1, std::memory_order_relaxed);
}

// Writes one invalidation to t: a RESP3 push, or (RESP2, only to a redirect target that is
// subscribed) a message on __redis__:invalidate. keys == nullptr: everything (null).
void Write(Worker& w, Connection* t, const std::vector<std::string_view>* keys, bool redirected) {
  int proto = t->proto.load(std::memory_order_relaxed);
  resp::ReplyBuilder rb(&t->out, proto);
  if (proto >= 3) {
    rb.PushHeader(2);
    rb.Bulk("invalidate");
  } else if (redirected && t->has_state() && t->state().subscriptions() > 0) {
    rb.PushHeader(3);
    rb.Bulk("message");
    rb.Bulk(kInvalidateChannel);
  } else {
    return;  // a RESP2 connection has nowhere to receive it
  }
  if (keys == nullptr) {
    rb.Null();
  } else {
    rb.BulkArray(*keys);
  }
  w.ScheduleFlush(t);
}

// The redirect target of (origin worker, origin id) is gone: flag it, and tell a RESP3 client once.
void RedirectBroken(Worker& w, uint64_t origin_id) {
  Connection* c = w.FindConnection(origin_id);
  ClientState* st = c ? c->state_if_any() : nullptr;
  if (!st || !st->tracking.on || st->tracking.broken_redirect) return;
  st->tracking.broken_redirect = true;
  c->tracking_broken.store(true, std::memory_order_relaxed);
  if (c->proto.load(std::memory_order_relaxed) >= 3) {
    resp::ReplyBuilder rb(&c->out, 3);
    rb.PushHeader(2);
    rb.Bulk("tracking-redir-broken");
    rb.Integer(static_cast<int64_t>(st->tracking.redirect));
    w.ScheduleFlush(c);
  }
}

// Sends one invalidation for tracking client c (on worker w): to c itself or to its redirect
// target, which may live on another worker.
void SendFor(Worker& w, Connection* c, ClientState& st, const std::vector<std::string_view>* keys) {
  if (st.tracking.redirect == 0) return Write(w, c, keys, false);
  const uint64_t target = st.tracking.redirect;
  const int tw = st.tracking.redirect_worker;
  if (tw == w.index()) {
    Connection* t = w.FindConnection(target);
    if (t == nullptr) return RedirectBroken(w, c->id);
    return Write(w, t, keys, true);
  }
  std::shared_ptr<std::vector<std::string>> owned;
  if (keys) owned = std::make_shared<std::vector<std::string>>(keys->begin(), keys->end());
  Server& server = w.server();
  if (tw < 0 || tw >= static_cast<int>(server.workers().size())) return RedirectBroken(w, c->id);
  server.workers()[tw]->Post([target, owned, origin = w.index(), origin_id = c->id](Worker& tw2) {
    Connection* t = tw2.FindConnection(target);
    if (t == nullptr) {
      tw2.server().workers()[origin]->Post(
          [origin_id](Worker& ow) { RedirectBroken(ow, origin_id); });
      return;
    }
    if (!owned) return Write(tw2, t, nullptr, true);
    std::vector<std::string_view> views(owned->begin(), owned->end());
    Write(tw2, t, &views, true);
  });
}

// On the worker owning the tracking clients of items: groups a BCAST client's keys per prefix
// (in prefix order, as Redis sends them) and sends each invalidation.
void Deliver(Worker& w, std::vector<Item>& items) {
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.conn_id != b.conn_id) return a.conn_id < b.conn_id;
    if (a.bcast != b.bcast) return a.bcast < b.bcast;
    return a.bcast && a.prefix < b.prefix;
  });
  std::vector<std::string_view> keys;
  for (size_t i = 0; i < items.size();) {
    const Item& first = items[i];
    size_t j = i + 1;
    if (first.bcast) {
      while (j < items.size() && items[j].bcast && items[j].conn_id == first.conn_id &&
             items[j].prefix == first.prefix) {
        ++j;
      }
    }
    Connection* c = w.FindConnection(first.conn_id);
    ClientState* st = c ? c->state_if_any() : nullptr;
    if (st && st->tracking.on) {
      if (first.flush) {
        SendFor(w, c, *st, nullptr);
      } else if (first.bcast == st->tracking.bcast) {
        keys.clear();
        for (size_t k = i; k < j; ++k) {
          if (!(st->tracking.noloop && items[k].writer == first.conn_id)) keys.push_back(items[k].key);
        }
        if (!keys.empty()) SendFor(w, c, *st, &keys);
      }
    }
    i = j;
  }
}

bool Overlap(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

void RemoveBcast(uint64_t conn_id) {
  MutexLock l(&g_bcast_mu);
  size_t before = g_bcast.size();
  std::erase_if(g_bcast, [&](const BcastEntry& e) { return e.conn_id == conn_id; });
  g_bcast_entries.fetch_sub(static_cast<int64_t>(before - g_bcast.size()),
                            std::memory_order_relaxed);
}


}  // namespace

void TrackingRememberKeys(Connection& conn, Store& store, std::span<const std::string_view> args,
                          const KeyPositions& keys, std::span<const uint32_t> shards) {
  ClientState* st = conn.state_if_any();
  if (!st || !st->tracking.on || st->tracking.bcast) return;
  // OPTIN remembers only after CLIENT CACHING YES, OPTOUT all but after CLIENT CACHING NO.
  if (st->tracking.optin != st->tracking.caching) return;
  const int64_t max_keys = conn.worker->server().config().tracking_table_max_keys();
  const TrackingTable::Reader me{conn.worker->index(), conn.id};
  for (size_t i = 0; i < keys.size(); ++i) {
    TrackingTable& table = store.shard(shards[i]).tracking;
    // At the limit a key of this shard is forgotten first (its readers are invalidated), so the
    // tables stay within the limit plus one key per shard.
    if (max_keys > 0 && g_keys.load(std::memory_order_relaxed) >= max_keys) {
      table.TakeAny([](std::string_view k, const TrackingTable::Readers& r) { QueueReaders(k, r, 0); });
    }
    size_t items = table.items();
    g_keys.fetch_add(static_cast<int64_t>(table.Remember(args[keys[i]], me)),
                     std::memory_order_relaxed);
    g_items.fetch_add(static_cast<int64_t>(table.items() - items), std::memory_order_relaxed);
  }
}

void TrackingKeyChanged(Shard& shard, std::string_view key, uint64_t writer) {
  if (!shard.tracking.empty()) {
    shard.tracking.Take(key, [&](std::string_view k, const TrackingTable::Readers& r) {
      QueueReaders(k, r, writer);
    });
  }
  if (g_bcast_entries.load(std::memory_order_relaxed) == 0) return;
  ReaderMutexLock l(&g_bcast_mu);
  for (const auto& e : g_bcast) {
    if (key.starts_with(e.prefix)) {
      t_queue.push_back({e.worker, e.conn_id, writer, std::string(key), e.prefix, true});
    }
  }
}

void TrackingSendQueued(Worker& worker) {
  if (t_queue.empty()) [[likely]] return;
  std::vector<Item> items;
  items.swap(t_queue);
  auto& workers = worker.server().workers();
  std::vector<std::vector<Item>> per_worker(workers.size());
  for (auto& it : items) {
    if (it.worker >= 0 && it.worker < static_cast<int>(per_worker.size())) {
      per_worker[it.worker].push_back(std::move(it));
    }
  }
  for (size_t w = 0; w < per_worker.size(); ++w) {
    if (per_worker[w].empty()) continue;
    if (static_cast<int>(w) == worker.index()) {
      Deliver(worker, per_worker[w]);
    } else {
      workers[w]->Post([list = std::move(per_worker[w])](Worker& ww) mutable { Deliver(ww, list); });
    }
  }
}

void TrackingFlush(Server& server, Store& store) {
  for (int s = 0; s < store.num_shards(); ++s) {
    TrackingTable& t = store.shard(s).tracking;
    g_items.fetch_sub(static_cast<int64_t>(t.items()), std::memory_order_relaxed);
    g_keys.fetch_sub(static_cast<int64_t>(t.Clear()), std::memory_order_relaxed);
  }
  server.clients().ForEach([](Connection* c) {
    if (c->tracking.load(std::memory_order_relaxed)) {
      Item it{c->worker->index(), c->id, 0, {}, {}};
      it.flush = true;
      t_queue.push_back(std::move(it));
    }
  });
}

void TrackingAfterCommand(Connection& conn, const CommandSpec* spec) {
  ClientState* st = conn.state_if_any();
  if (st && st->tracking.caching && !st->in_multi && spec->name != "client") {
    st->tracking.caching = false;
  }
}

void DisableTracking(Connection& conn) {
  ClientState* st = conn.state_if_any();
  if (!st || !st->tracking.on) return;
  if (st->tracking.bcast) RemoveBcast(conn.id);
  st->tracking = ClientState::Tracking();
  conn.tracking.store(false, std::memory_order_relaxed);
  conn.tracking_redirect.store(-1, std::memory_order_relaxed);
  conn.tracking_broken.store(false, std::memory_order_relaxed);
  conn.tracking_bcast.store(false, std::memory_order_relaxed);
  g_tracking_clients.fetch_sub(1, std::memory_order_relaxed);
}

void ClientTrackingCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  int64_t redirect = 0;
  int redirect_worker = -1;
  bool bcast = false, optin = false, optout = false, noloop = false;
  std::vector<std::string> prefixes;
  for (size_t j = 3; j < a.size(); ++j) {
    bool more = j + 1 < a.size();
    if (EqualsLower(a[j], "redirect") && more) {
      ++j;
      if (redirect != 0) return ctx.Error("ERR A client can only redirect to a single other client");
      if (!ParseInt64(a[j], &redirect)) return ctx.Error(kErrNotInt);
      ctx.server.clients().ForEach([&](Connection* c) {
        if (static_cast<int64_t>(c->id) == redirect) redirect_worker = c->worker->index();
      });
      if (redirect_worker < 0) {
        return ctx.Error("ERR The client ID you want redirect to does not exist");
      }
    } else if (EqualsLower(a[j], "bcast")) {
      bcast = true;
    } else if (EqualsLower(a[j], "optin")) {
      optin = true;
    } else if (EqualsLower(a[j], "optout")) {
      optout = true;
    } else if (EqualsLower(a[j], "noloop")) {
      noloop = true;
    } else if (EqualsLower(a[j], "prefix") && more) {
      prefixes.emplace_back(a[++j]);
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  Connection& conn = ctx.conn;
  if (EqualsLower(a[2], "off")) {
    DisableTracking(conn);
    return ctx.rb.Ok();
  }
  if (!EqualsLower(a[2], "on")) return ctx.Error(kErrSyntax);
  ClientState::Tracking& tr = conn.state().tracking;
  if (!bcast && !prefixes.empty()) {
    return ctx.Error("ERR PREFIX option requires BCAST mode to be enabled");
  }
  if (tr.on && tr.bcast != bcast) {
    return ctx.Error("ERR You can't switch BCAST mode on/off before disabling tracking for this "
                     "client, and then re-enabling it with a different mode.");
  }
  if (bcast && (optin || optout)) {
    return ctx.Error("ERR OPTIN and OPTOUT are not compatible with BCAST");
  }
  if (optin && optout) return ctx.Error("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if ((optin && tr.optout) || (optout && tr.optin)) {
    return ctx.Error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
                     "client, and then re-enabling it with a different mode.");
  }
  if (bcast) {
    for (size_t i = 0; i < prefixes.size(); ++i) {
      for (const auto& old : tr.prefixes) {
        if (Overlap(old, prefixes[i])) {
          return ctx.Error(Cat("ERR Prefix '", CStr(prefixes[i]),
                                        "' overlaps with an existing prefix '", CStr(old),
                                        "'. Prefixes for a single client must not overlap."));
        }
      }
      for (size_t j = i + 1; j < prefixes.size(); ++j) {
        if (Overlap(prefixes[i], prefixes[j])) {
          return ctx.Error(Cat("ERR Prefix '", CStr(prefixes[i]),
                                        "' overlaps with another provided prefix '",
                                        CStr(prefixes[j]),
                                        "'. Prefixes for a single client must not overlap."));
        }
      }
    }
  }
  if (!tr.on) {
    tr.on = true;
    conn.tracking.store(true, std::memory_order_relaxed);
    g_tracking_clients.fetch_add(1, std::memory_order_relaxed);
  }
  tr.broken_redirect = false;
  conn.tracking_broken.store(false, std::memory_order_relaxed);
  tr.redirect = static_cast<uint64_t>(redirect);
  tr.redirect_worker = redirect_worker;
  conn.tracking_redirect.store(redirect, std::memory_order_relaxed);
  tr.bcast = bcast;
  conn.tracking_bcast.store(bcast, std::memory_order_relaxed);
  tr.optin = optin;
  tr.optout = optout;
  tr.noloop = noloop;
  if (bcast) {
    // No prefix given: every key (the empty prefix), as in Redis.
    if (prefixes.empty()) prefixes.emplace_back();
    MutexLock l(&g_bcast_mu);
    for (auto& p : prefixes) {
      if (std::find(tr.prefixes.begin(), tr.prefixes.end(), p) != tr.prefixes.end()) continue;
      g_bcast.push_back({p, ctx.worker.index(), conn.id});
      g_bcast_entries.fetch_add(1, std::memory_order_relaxed);
      tr.prefixes.push_back(std::move(p));
    }
    std::sort(tr.prefixes.begin(), tr.prefixes.end());
  }
  ctx.rb.Ok();
}

void ClientTrackingInfoCmd(CommandContext& ctx) {
  ClientState* st = ctx.conn.state_if_any();
  const bool on = st && st->tracking.on;
  auto& rb = ctx.rb;
  rb.MapHeader(3);
  rb.Bulk("flags");
  if (!on) {
    rb.SetHeader(1);
    rb.Bulk("off");
  } else {
    const auto& t = st->tracking;
    std::vector<std::string_view> flags = {"on"};
    if (t.bcast) flags.push_back("bcast");
    if (t.optin) flags.push_back("optin");
    if (t.optin && t.caching) flags.push_back("caching-yes");
    if (t.optout) flags.push_back("optout");
    if (t.optout && t.caching) flags.push_back("caching-no");
    if (t.noloop) flags.push_back("noloop");
    if (t.broken_redirect) flags.push_back("broken_redirect");
    rb.SetHeader(flags.size());
    for (auto f : flags) rb.Bulk(f);
  }
  rb.Bulk("redirect");
  rb.Integer(on ? static_cast<int64_t>(st->tracking.redirect) : -1);
  rb.Bulk("prefixes");
  if (!on) return rb.ArrayHeader(0);
  rb.ArrayHeader(st->tracking.prefixes.size());
  for (const auto& p : st->tracking.prefixes) rb.Bulk(p);
}

void ClientCachingCmd(CommandContext& ctx) {
  ClientState* st = ctx.conn.state_if_any();
  if (!st || !st->tracking.on || !(st->tracking.optin || st->tracking.optout)) {
    return ctx.Error("ERR CLIENT CACHING can be called only when the client is in tracking mode "
                     "with OPTIN or OPTOUT mode enabled");
  }
  std::string_view opt = ctx.args[2];
  if (EqualsLower(opt, "yes")) {
    if (!st->tracking.optin) {
      return ctx.Error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
    }
  } else if (EqualsLower(opt, "no")) {
    if (!st->tracking.optout) {
      return ctx.Error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
    }
  } else {
    return ctx.Error(kErrSyntax);
  }
  st->tracking.caching = true;
  ctx.rb.Ok();
}

void ClientGetRedirCmd(CommandContext& ctx) {
  ClientState* st = ctx.conn.state_if_any();
  ctx.rb.Integer(st && st->tracking.on ? static_cast<int64_t>(st->tracking.redirect) : -1);
}

TrackingStats GetTrackingStats() {
  int64_t prefixes;
  {
    ReaderMutexLock l(&g_bcast_mu);
    std::vector<std::string_view> distinct;
    for (const auto& e : g_bcast) distinct.push_back(e.prefix);
    std::sort(distinct.begin(), distinct.end());
    prefixes = std::unique(distinct.begin(), distinct.end()) - distinct.begin();
  }
  return {g_tracking_clients.load(std::memory_order_relaxed), g_keys.load(std::memory_order_relaxed),
          g_items.load(std::memory_order_relaxed), prefixes};
}

}  // namespace shoal
