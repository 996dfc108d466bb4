// One client connection: its sockets, parser, buffers and the per-client state commands see.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "server/net/iobuf.h"
#include "server/resp/parser.h"

namespace shoal {

class Worker;
struct ClientState;

class alignas(8) Connection {
 public:
  Connection(Worker* worker, int fd, uint64_t id, std::string addr, std::string laddr,
             bool is_unix);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  size_t pending_output() const { return out.size() + sending.size() - out_sent; }
  // Transaction and Pub/Sub state, created on first use (most clients never need it).
  ClientState& state();
  bool has_state() const { return state_ != nullptr; }
  ClientState* state_if_any() { return state_.get(); }

  // Identity.
  Worker* const worker;
  const int fd;
  const uint64_t id;
  const std::string addr;
  const std::string laddr;
  const bool is_unix;
  const int64_t created_ms;

  // Fields CLIENT LIST reads from other threads: atomics, or guarded by the registry's mutex.
  std::atomic<int64_t> last_interaction_ms;
  std::atomic<int> db{0};
  std::atomic<int> last_cmd{-1};
  std::atomic<int> last_sub{-1};  // index into the command's subcommands, or -1
  std::atomic<size_t> qbuf_size{0};
  std::atomic<size_t> obuf_size{0};
  std::string name;  // guarded by ClientRegistry's mutex

  // Owner-thread state.
  std::atomic<int> proto{2};  // written by the owner, read by CLIENT LIST elsewhere
  bool authenticated = false;
  // CLIENT REPLY: OFF drops every reply (Pub/Sub pushes still arrive, as in Redis 7); SKIP drops
  // the next command's replies
  // (SKIP_NEXT is set by CLIENT REPLY SKIP and becomes SKIP once that command is done).
  static constexpr uint8_t kReplyOff = 1, kReplySkip = 2, kReplySkipNext = 4;
  uint8_t reply_flags = 0;
  bool replies_dropped() const { return reply_flags & (kReplyOff | kReplySkip); }
  // CLIENT NO-EVICT (CLIENT LIST flag e). Shoal does not evict clients for memory
  // (maxmemory-clients), so it is only recorded, as Redis does while that limit is 0.
  std::atomic<bool> no_evict{false};
  // In MONITOR mode (CLIENT LIST flag O): sent a line for every command; written by the owner,
  // read by the workers that feed it.
  std::atomic<bool> monitor{false};
  resp::RequestParser parser;
  IoBuf in;         // unparsed input that did not fit in one read batch
  std::string out;  // replies not yet written (under io_uring: not yet handed to a send)
  // Under epoll: bytes of `out` written. Under io_uring: bytes of `sending` sent; `sending` is
  // the buffer a send request reads, which nothing touches until the send completes.
  size_t out_sent = 0;
  std::string sending;
  // io_uring requests in flight for this connection: it is deleted once none is left.
  uint32_t inflight = 0;
  bool recv_armed = false;
  // The last receive returned less than a buffer, so the socket was empty after it: the next
  // receive waits for data without first trying to read (under io_uring).
  bool recv_drained = false;
  bool peer_eof = false;  // the client shut its side down: nothing more to receive
  bool recv_cancelling = false;
  bool send_inflight = false;
  uint32_t epoll_mask = 0;
  bool in_epoll = false;
  bool close_after_reply = false;
  bool closing = false;
  bool paused = false;  // input processing held back until output drains
  // Parked by a blocking command: input is read and kept, not run. Atomic: CLIENT LIST reads it.
  std::atomic<bool> blocked{false};
  // Held by CLIENT PAUSE (blocked is set too): the command that met the pause is still in `in`
  // and runs, with what follows it, once the pause ends.
  std::atomic<bool> postponed{false};
  // CLIENT TRACKING is on (CLIENT LIST flag t; every read command checks it), the redirect target
  // CLIENT LIST shows (-1 when off) and whether that target went away (flag R).
  std::atomic<bool> tracking{false};
  std::atomic<int64_t> tracking_redirect{-1};
  std::atomic<bool> tracking_broken{false};
  std::atomic<bool> tracking_bcast{false};  // CLIENT LIST flag B
  // For CLIENT LIST: subscription counts and MULTI's queue length (-1 outside MULTI), written by
  // the owner thread.
  std::atomic<int> sub_count{0};
  std::atomic<int> psub_count{0};
  std::atomic<int> ssub_count{0};
  std::atomic<int> multi_count{-1};
  int64_t soft_limit_since_ms = 0;
  size_t index_in_worker = 0;
  uint32_t active_window = 0;  // the worker's last activity window in which this one sent bytes

 private:
  std::unique_ptr<ClientState> state_;
};

}  // namespace shoal
