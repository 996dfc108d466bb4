// shoal-server: parses options, sets up logging and signals, runs the workers until told to stop.
#include <signal.h>
#include <pthread.h>

#include <cstdio>
#include <memory>

#include "absl/synchronization/mutex.h"
#include "server/commands/command.h"
#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/net/server.h"
#include "server/store/memory.h"
#include "server/util/cycle_clock.h"
#include "spdlog/sinks/basic_file_sink.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

#ifdef SHOAL_HAVE_JEMALLOC
// jemalloc reads this at start-up. Freed pages go back to the kernel after a second, by a
// background thread rather than on the hot path: with jemalloc's default 10 s decay a list that
// grew node by node kept ~20% more resident memory than it used (docs/benchmarks.md).
// Small size classes get 64 KiB slabs (jemalloc caps them at 512 regions) instead of 4-28 KiB:
// every slab costs a metadata record, and with one-page slabs of 128-byte keyspace entries
// that was 4 bytes a key (1M keys: 141 -> 137 bytes a key resident).
extern "C" const char* malloc_conf;
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000,slab_sizes:1-4096:16";
#endif

namespace {

spdlog::level::level_enum LevelFor(const std::string& name) {
  if (name == "debug") return spdlog::level::debug;
  if (name == "verbose") return spdlog::level::info;
  if (name == "warning") return spdlog::level::warn;
  return spdlog::level::info;  // notice
}

}  // namespace

int main(int argc, char** argv) {
  shoal::Config config;
  int rc = config.ParseCommandLine(argc, argv);
  if (rc >= 0) return rc;

  try {
    std::shared_ptr<spdlog::logger> logger;
    if (config.logfile().empty()) {
      logger = spdlog::stdout_logger_mt("shoal");
    } else {
      logger = spdlog::basic_logger_mt("shoal", config.logfile());
    }
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
  } catch (const spdlog::spdlog_ex& e) {
    fprintf(stderr, "shoal-server: cannot open log file '%s': %s\n", config.logfile().c_str(),
            e.what());
    return 1;
  }
  spdlog::set_level(LevelFor(config.loglevel()));
  config.set_on_change([&config](std::string_view name) {
    if (name == "loglevel") spdlog::set_level(LevelFor(config.loglevel()));
  });

  // Workers inherit a mask with SIGINT/SIGTERM blocked; only this thread takes them, in sigwait.
  signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // Shard locks are always taken in ascending order; the runtime cycle detector only costs time.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  shoal::RegisterAllCommands();
  shoal::CyclesPerMicrosecond();  // calibrate the statistics clock before serving
  shoal::Server server(&config);
  shoal::InstallKeyspaceNotifications(&server);
  if (!server.Start()) return 1;
  shoal::RecordStartupMemory();

  // SHUTDOWN from a client sets the flag this loop polls between signal waits.
  int sig = 0;
  while (!server.shutdown_requested()) {
    timespec ts{0, 200 * 1000 * 1000};
    siginfo_t info;
    sig = sigtimedwait(&stop_signals, &info, &ts);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::warn("Received {}, scheduling shutdown...", sig == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
  }
  server.RequestShutdown();
  server.Wait();
  spdlog::info("shoal-server is now ready to exit, bye bye...");
  return 0;
}
