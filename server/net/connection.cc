// One client connection.
#include "server/net/connection.h"

#include <unistd.h>

#include "server/commands/client_state.h"
#include "server/store/store.h"

namespace shoal {

Connection::Connection(Worker* w, int fd_, uint64_t id_, std::string addr_, std::string laddr_,
                       bool unix_)
    : worker(w),
      fd(fd_),
      id(id_),
      addr(std::move(addr_)),
      laddr(std::move(laddr_)),
      is_unix(unix_),
      created_ms(NowMs()),
      last_interaction_ms(created_ms) {}

Connection::~Connection() {
  if (fd >= 0) ::close(fd);
}

ClientState& Connection::state() {
  if (!state_) state_ = std::make_unique<ClientState>();
  return *state_;
}

}  // namespace shoal
