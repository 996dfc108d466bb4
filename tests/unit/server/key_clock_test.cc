// The per-key access clock: LRU stamps, FIFO creation time, and the LFU counter's growth and decay.
#include "server/store/key_clock.h"

#include <gtest/gtest.h>

#include "server/store/store.h"
#include "server/store/value.h"

namespace shoal {
namespace {

class KeyClockTest : public ::testing::Test {
 protected:
  void SetUp() override { e_ = Entry::New("key", ObjType::kString, 1, false); }
  void TearDown() override {
    Entry::Free(e_);
    SetKeyClock(KeyClock::kLru, 10, 1);
  }
  static uint32_t Minutes() { return (KeyTicks() / (60 * kKeyTicksPerSecond)) & 0xffff; }
  Entry* e_ = nullptr;
};

TEST_F(KeyClockTest, LruStampsEveryAccess) {
  SetKeyClock(KeyClock::kLru, 10, 1);
  RefreshKeyClock();
  e_->atime = KeyTicks() - 100 * kKeyTicksPerSecond - 7;
  EXPECT_EQ(IdleSeconds(e_), 100u);
  EXPECT_EQ(IdleTicks(e_), 100 * kKeyTicksPerSecond + 7);
  TouchKey(e_);
  EXPECT_EQ(IdleTicks(e_), 0u);
  EXPECT_EQ(NewKeyAtime(), KeyTicks());
  e_->atime = KeyTicks() + 3;  // stamped by a worker whose clock read is a little newer
  EXPECT_EQ(IdleTicks(e_), 0u);
}

TEST_F(KeyClockTest, FifoKeepsTheCreationTime) {
  SetKeyClock(KeyClock::kFifo, 10, 1);
  RefreshKeyClock();
  e_->atime = KeyTicks() - 42 * kKeyTicksPerSecond;
  TouchKey(e_);
  EXPECT_EQ(IdleSeconds(e_), 42u);
}

TEST_F(KeyClockTest, LfuStartsAtFiveAndCountsEveryAccessWithLogFactorZero) {
  SetKeyClock(KeyClock::kLfu, 0, 1);
  e_->atime = NewKeyAtime();
  EXPECT_EQ(LfuCounter(e_), kLfuInitCounter);
  for (int i = 0; i < 100; ++i) TouchKey(e_);
  EXPECT_EQ(LfuCounter(e_), kLfuInitCounter + 100);
  for (int i = 0; i < 300; ++i) TouchKey(e_);
  EXPECT_EQ(LfuCounter(e_), 255u);  // saturates
}

TEST_F(KeyClockTest, LfuGrowthSlowsWithTheCounter) {
  SetKeyClock(KeyClock::kLfu, 10, 1);
  e_->atime = NewKeyAtime();
  TouchKey(e_);  // at or below 5 every access counts
  EXPECT_EQ(LfuCounter(e_), kLfuInitCounter + 1);
  for (int i = 0; i < 10000; ++i) TouchKey(e_);
  // p = 1 / ((c - 5) * 10 + 1): about sqrt(2 * 10000 / 10) = 45 steps for 10,000 accesses.
  EXPECT_GT(LfuCounter(e_), 30u);
  EXPECT_LT(LfuCounter(e_), 70u);
}

TEST_F(KeyClockTest, LfuDecaysOnePerDecayPeriod) {
  SetKeyClock(KeyClock::kLfu, 10, 1);
  e_->atime = ((Minutes() - 3) & 0xffff) << 8 | 10;
  EXPECT_EQ(LfuCounter(e_), 7u);
  SetKeyClock(KeyClock::kLfu, 10, 2);
  EXPECT_EQ(LfuCounter(e_), 9u);  // one whole 2-minute period
  SetKeyClock(KeyClock::kLfu, 10, 0);
  EXPECT_EQ(LfuCounter(e_), 10u);  // decay off
  SetKeyClock(KeyClock::kLfu, 10, 1);
  e_->atime = ((Minutes() - 50) & 0xffff) << 8 | 10;
  EXPECT_EQ(LfuCounter(e_), 0u);  // never below zero
  // A touch after the decay starts from the decayed value and restamps the minute.
  SetKeyClock(KeyClock::kLfu, 0, 1);
  e_->atime = ((Minutes() - 3) & 0xffff) << 8 | 10;
  TouchKey(e_);
  EXPECT_EQ(LfuCounter(e_), 8u);
  EXPECT_EQ(e_->atime >> 8, Minutes());
}

// RESTORE's IDLETIME and FREQ: each applies only under its policy family, as in Redis.
TEST_F(KeyClockTest, RestoredClockFollowsThePolicy) {
  SetKeyClock(KeyClock::kLru, 10, 1);
  RefreshKeyClock();
  SetRestoredKeyClock(e_, -1, 1000);
  EXPECT_EQ(IdleSeconds(e_), 1000u);
  SetRestoredKeyClock(e_, 50, -1);  // FREQ outside LFU: a fresh clock
  EXPECT_EQ(IdleSeconds(e_), 0u);
  SetRestoredKeyClock(e_, -1, int64_t{1} << 40);  // clamped to what the clock tells apart
  EXPECT_GT(IdleSeconds(e_), 20'000'000u);
  SetKeyClock(KeyClock::kFifo, 10, 1);
  SetRestoredKeyClock(e_, -1, 60);
  EXPECT_EQ(IdleSeconds(e_), 60u);
  SetKeyClock(KeyClock::kLfu, 10, 1);
  SetRestoredKeyClock(e_, 200, -1);
  EXPECT_EQ(LfuCounter(e_), 200u);
  SetRestoredKeyClock(e_, -1, 1000);  // IDLETIME under LFU: the initial counter
  EXPECT_EQ(LfuCounter(e_), kLfuInitCounter);
}

}  // namespace
}  // namespace shoal
