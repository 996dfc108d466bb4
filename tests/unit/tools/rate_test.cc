// Tests of shoal-bench's fixed-rate schedule, ratio interleaving, and coordinated-omission
// correction against an in-test server that stalls once.
#include "tools/shoal-bench/rate.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tools/shoal-bench/runner.h"

namespace shoal::bench {
namespace {

TEST(RateSchedule, IntendedTimesAreEvenlySpaced) {
  RateSchedule s(1000, 1, 0, 5'000'000'000);
  EXPECT_EQ(s.IntendedTime(0), 5'000'000'000);
  EXPECT_EQ(s.IntendedTime(1), 5'001'000'000);
  EXPECT_EQ(s.IntendedTime(999), 5'999'000'000);
  EXPECT_EQ(s.DueCount(4'999'999'999), 0u);
  EXPECT_EQ(s.DueCount(5'000'000'000), 1u);
  EXPECT_EQ(s.DueCount(5'000'999'999), 1u);
  EXPECT_EQ(s.DueCount(5'001'000'000), 2u);
}

TEST(RateSchedule, ConnectionsArePhaseShiftedIntoOneEvenStream) {
  // 4 connections sharing 4000/s: each sends every 1 ms, offset by 250 us.
  std::vector<int64_t> all;
  for (int c = 0; c < 4; ++c) {
    RateSchedule s(4000, 4, c, 0);
    EXPECT_DOUBLE_EQ(s.interval_ns(), 1e6);
    for (uint64_t i = 0; i < 100; ++i) all.push_back(s.IntendedTime(i));
  }
  std::sort(all.begin(), all.end());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], static_cast<int64_t>(i) * 250'000) << i;
}

TEST(RateSchedule, NoDriftOverLongRuns) {
  RateSchedule s(3, 1, 0, 0);  // Interval 333,333,333.3 ns: accumulation would drift.
  EXPECT_NEAR(static_cast<double>(s.IntendedTime(3'000'000)), 1e15, 1.0);
}

TEST(RateSchedule, DueCountAgreesWithIntendedTimes) {
  RateSchedule s(777, 3, 2, 123'456);
  for (int64_t now = 0; now < 50'000'000; now += 37'123) {
    const uint64_t due = s.DueCount(now);
    if (due > 0) {
      EXPECT_LE(s.IntendedTime(due - 1), now);
    }
    EXPECT_GT(s.IntendedTime(due), now);
  }
}

TEST(Ratio, SlotsFollowTheRatioEvenly) {
  auto pattern = [](uint32_t f, uint32_t g) {
    std::string p;
    for (uint64_t i = 0; i < f + g; ++i) p += RatioSlotIsFirst(i, f, g) ? 'S' : 'G';
    return p;
  };
  EXPECT_EQ(pattern(1, 3), "GGGS");
  EXPECT_EQ(pattern(2, 3), "GGSGS");
  EXPECT_EQ(pattern(1, 1), "GS");
  EXPECT_EQ(pattern(1, 0), "S");
  EXPECT_EQ(pattern(0, 1), "G");
  int sets = 0;
  for (uint64_t i = 0; i < 11000; ++i) sets += RatioSlotIsFirst(i, 1, 10);
  EXPECT_EQ(sets, 1000);
}

// Answers every PING with +PONG; before answering request number `stall_at` it freezes for
// `stall_ms`, like a server in a long GC pause or fork.
class StallingServer {
 public:
  StallingServer(uint64_t stall_at, int stall_ms) : stall_at_(stall_at), stall_ms_(stall_ms) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    EXPECT_EQ(listen(listen_fd_, 16), 0);
    socklen_t len = sizeof(sa);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~StallingServer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
  }
  int port() const { return port_; }
  uint64_t requests() const { return requests_.load(); }

 private:
  static constexpr size_t kPingSize = 14;  // *1\r\n$4\r\nPING\r\n

  void Serve() {
    std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
    std::vector<size_t> partial{0};
    char buf[65536];
    while (!stop_) {
      if (poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        const int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) {
          fds.push_back({fd, POLLIN, 0});
          partial.push_back(0);
        }
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
        const ssize_t n = recv(fds[i].fd, buf, sizeof(buf), 0);
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          continue;
        }
        partial[i] += static_cast<size_t>(n);
        std::string out;
        while (partial[i] >= kPingSize) {
          partial[i] -= kPingSize;
          if (++requests_ == stall_at_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(stall_ms_));
          }
          out += "+PONG\r\n";
        }
        if (!out.empty()) {
          EXPECT_EQ(send(fds[i].fd, out.data(), out.size(), MSG_NOSIGNAL),
                    static_cast<ssize_t>(out.size()));
        }
      }
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].fd >= 0) close(fds[i].fd);
    }
  }

  uint64_t stall_at_;
  int stall_ms_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> requests_{0};
  std::thread thread_;
};

Options PingOptions(int port) {
  Options o;
  o.port = port;
  o.threads = 1;
  o.clients = 1;
  o.pipeline = 1;
  o.commands = {"PING"};
  o.seed = 1;
  o.max_errors = -1;
  return o;
}

uint64_t CountAbove(const LatencyHistogram& h, uint64_t ns) {
  return h.count() - h.CountAtOrBelow(ns);
}

constexpr uint64_t kMs = 1'000'000;

TEST(CoordinatedOmission, FixedRateChargesTheStallToEveryRequestScheduledDuringIt) {
  StallingServer server(/*stall_at=*/300, /*stall_ms=*/200);
  Options o = PingOptions(server.port());
  o.rate = 1000;  // One request per millisecond.
  o.duration_s = 1.0;
  o.requests = Options::kUnlimited;
  auto r = RunBenchmark(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->failures(), 0u);
  const LatencyHistogram& h = r->overall;
  // Every scheduled request is sent, stall or not: ~1000 in 1 s.
  EXPECT_GE(h.count(), 950u);
  EXPECT_LE(h.count(), 1000u);
  // The ~200 requests due during the 200 ms stall waited 200, 199, ..., 1 ms: their
  // latencies are spread evenly over 0..200 ms instead of one 200 ms sample. Lower bounds
  // are the claim; upper bounds are loose because a busy machine only adds latency.
  EXPECT_GE(CountAbove(h, 10 * kMs), 150u);
  EXPECT_LE(CountAbove(h, 10 * kMs), 400u);
  EXPECT_GE(CountAbove(h, 100 * kMs), 70u);
  EXPECT_LE(CountAbove(h, 100 * kMs), 200u);
  EXPECT_GE(CountAbove(h, 150 * kMs), 25u);
  EXPECT_GE(h.max(), 195 * kMs);
  EXPECT_LT(h.max(), 1000 * kMs);
  EXPECT_GE(h.ValueAtPercentile(99), 150 * kMs);
  EXPECT_GE(h.ValueAtPercentile(90), 50 * kMs);
  EXPECT_LT(h.ValueAtPercentile(50), 20 * kMs);
}

TEST(CoordinatedOmission, ClosedLoopSeesTheSameStallAsOneSample) {
  // The contrast that motivates fixed-rate mode: with one connection in a closed loop
  // nothing is sent during the stall, so it is a single slow sample and p99 looks fine.
  StallingServer server(/*stall_at=*/300, /*stall_ms=*/200);
  Options o = PingOptions(server.port());
  o.requests = 2000;
  auto r = RunBenchmark(o);
  ASSERT_TRUE(r.ok()) << r.status();
  const LatencyHistogram& h = r->overall;
  EXPECT_EQ(h.count(), 2000u);
  EXPECT_GE(CountAbove(h, 100 * kMs), 1u);
  EXPECT_LE(CountAbove(h, 100 * kMs), 2u);  // One, unless the machine itself hiccups.
  EXPECT_GE(h.max(), 195 * kMs);
  EXPECT_LT(h.ValueAtPercentile(99), 50 * kMs);
}

TEST(FixedRate, SendsAtTheRequestedRate) {
  StallingServer server(/*stall_at=*/0, 0);
  Options o = PingOptions(server.port());
  o.clients = 4;
  o.rate = 2000;
  o.duration_s = 0.5;
  o.requests = Options::kUnlimited;
  auto r = RunBenchmark(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GE(r->replies, 990u);
  EXPECT_LE(r->replies, 1000u);
  EXPECT_EQ(server.requests(), r->replies);
  EXPECT_NEAR(r->elapsed_s, 0.5, 0.1);
  EXPECT_NEAR(r->ops_per_sec, 2000, 250);
}

TEST(FixedRate, RequestLimitEndsTheRun) {
  StallingServer server(/*stall_at=*/0, 0);
  Options o = PingOptions(server.port());
  o.clients = 3;
  o.rate = 5000;
  o.requests = 500;
  auto r = RunBenchmark(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->replies, 500u);
  EXPECT_NEAR(r->elapsed_s, 0.1, 0.05);
}

}  // namespace
}  // namespace shoal::bench
