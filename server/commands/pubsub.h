// Publishing from anywhere in the server: PUBLISH and keyspace notifications.
#pragma once

#include <cstddef>
#include <string_view>

namespace shoal {

class Server;
class Worker;
struct CommandContext;

// Delivers message to every subscriber of channel and of the patterns matching it, on whatever
// worker each lives. current is the calling worker (its own subscribers are served directly) or
// nullptr. Returns the number of receivers.
size_t PublishMessage(Worker* current, std::string_view channel, std::string_view message);

// Keyspace notifications (notify-keyspace-events): publishes event for key on
// __keyspace@<db>__:<key> and/or __keyevent@<db>__:<event> when cls (a NotifyFlag) is enabled.
void NotifyKeyspaceEvent(CommandContext& ctx, int cls, std::string_view event,
                         std::string_view key);
void NotifyKeyspaceEventDb(Server& server, int cls, std::string_view event, std::string_view key,
                           int db);
// Active channels and patterns (INFO stats).
void PubSubCounts(size_t* channels, size_t* patterns, size_t* shard_channels);
// Routes expiries and new keys from the store to the notifications.
void InstallKeyspaceNotifications(Server* server);

}  // namespace shoal
