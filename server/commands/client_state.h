// Per-connection state of transactions (MULTI/WATCH) and Pub/Sub, created on first use.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace shoal {

class Connection;
class Server;

struct ClientState {
  // MULTI: commands queued with owned copies of their arguments until EXEC or DISCARD.
  bool in_multi = false;
  bool multi_aborted = false;  // a command was refused while queueing: EXEC answers EXECABORT
  std::vector<std::vector<std::string>> queued;
  size_t queued_bytes = 0;

  // WATCH: the keys, whether each existed when watched (an expiry since then counts as a
  // change), and the flag any write to one of them sets, from whichever worker wrote it.
  struct Watched {
    int db;
    std::string key;
    bool existed;
  };
  std::vector<Watched> watched;
  std::atomic<bool> watch_dirty{false};

  // A blocking command (BLPOP, ...) waiting for one of its keys. The command's arguments are kept
  // to retry it when a key is written.
  struct Block {
    bool active = false;
    bool retrying = false;  // running a retry: blocking again keeps the place in the queues
    bool null_array = true;  // what a timeout answers: null array (BLPOP) or null bulk (BLMOVE)
    bool zero = false;       // ... or :0 (WAIT)
    uint64_t seq = 0;        // bumped at each block, so stale wake-ups are recognised
    int db = 0;
    int64_t deadline_ms = 0;  // 0: no timeout
    std::vector<std::string> args;
    std::vector<std::string> keys;
    std::string woken_key;  // during a retry: the key whose write woke the client
  };
  Block block;

  // CLIENT TRACKING: the mode, and CLIENT CACHING's word for the next command (OPTIN/OPTOUT).
  struct Tracking {
    bool on = false;
    bool bcast = false;
    bool optin = false;
    bool optout = false;
    bool noloop = false;
    bool caching = false;  // CLIENT CACHING YES (OPTIN) or NO (OPTOUT) given for the next command
    bool broken_redirect = false;
    uint64_t redirect = 0;  // client id the invalidations go to, 0 for this connection
    int redirect_worker = -1;
    std::vector<std::string> prefixes;  // BCAST, sorted
  };
  Tracking tracking;

  // Pub/Sub subscriptions; shard channels are SSUBSCRIBE's (a namespace of their own).
  absl::flat_hash_set<std::string> channels;
  absl::flat_hash_set<std::string> patterns;
  absl::flat_hash_set<std::string> shard_channels;

  // Any subscription puts a RESP2 client in the subscribed context.
  size_t subscriptions() const { return channels.size() + patterns.size() + shard_channels.size(); }
};

// Leaves MULTI, dropping the queued commands.
void DiscardTransaction(Connection& conn);
// Forgets every WATCHed key of the connection (taking each key's shard lock in turn).
void UnwatchAll(Server& server, Connection& conn);
// Drops every channel and pattern subscription of the connection.
void ReleaseSubscriptions(Server& server, Connection& conn);
// Releases what a closing connection holds in shared tables: watches and subscriptions.
void ReleaseClientState(Server& server, Connection& conn);

}  // namespace shoal
