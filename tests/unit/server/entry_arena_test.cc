// The entry arena: handles name entries exactly, memory is reused, and entries allocated on one
// thread can be freed on another (a key written by one worker, deleted by the other).
#include "server/store/entry_arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <thread>
#include <unordered_set>
#include <vector>

#include "server/store/value.h"

namespace shoal {
namespace {

TEST(EntryArena, HandlesRoundTripAndAreNeverZero) {
  std::vector<Entry*> entries;
  for (size_t size : {12, 16, 17, 100, 124, 128, 129, 1000, 5000, 70000}) {
    for (int i = 0; i < 50; ++i) {
      auto* e = static_cast<Entry*>(entry_arena::Allocate(size));
      ASSERT_NE(e, nullptr);
      ASSERT_EQ(reinterpret_cast<uintptr_t>(e) % 16, 0u) << size;
      ASSERT_GE(entry_arena::UsableSize(e), size);
      std::memset(e, 0xab, size);
      EntryLink l = entry_arena::ToLink(e);
      ASSERT_NE(l, EntryLink{});
      ASSERT_EQ(entry_arena::FromLink(l), e);
      entries.push_back(e);
    }
  }
  EXPECT_EQ(entry_arena::FromLink(EntryLink{}), nullptr);
  EXPECT_EQ(entry_arena::ToLink(nullptr), EntryLink{});
  std::unordered_set<EntryLink> distinct;
  for (Entry* e : entries) distinct.insert(entry_arena::ToLink(e));
  EXPECT_EQ(distinct.size(), entries.size());
  for (Entry* e : entries) entry_arena::Free(e);
}

#ifdef SHOAL_ENTRY_HANDLES
// (With handles only: under the sanitizers entries come from malloc, whose quarantine delays reuse.)
TEST(EntryArena, FreedMemoryIsReused) {
  // Allocating and freeing the same total many times must not walk through the range.
  std::vector<void*> first;
  for (int i = 0; i < 10000; ++i) first.push_back(entry_arena::Allocate(128));
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (void* p : first) {
    lo = std::min(lo, reinterpret_cast<uintptr_t>(p));
    hi = std::max(hi, reinterpret_cast<uintptr_t>(p));
  }
  for (void* p : first) entry_arena::Free(p);
  for (int round = 0; round < 50; ++round) {
    std::vector<void*> again;
    for (int i = 0; i < 10000; ++i) again.push_back(entry_arena::Allocate(128));
    for (void* p : again) {
      auto a = reinterpret_cast<uintptr_t>(p);
      ASSERT_TRUE(a >= lo - (16 << 20) && a <= hi + (16 << 20)) << "round " << round;
      entry_arena::Free(p);
    }
  }
}
#endif

TEST(EntryArena, CrossThreadFree) {
  constexpr int kPerThread = 20000;
  std::vector<void*> made[2];
  std::thread producers[2];
  for (int t = 0; t < 2; ++t) {
    producers[t] = std::thread([&, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < kPerThread; ++i) {
        size_t size = 16 + rng() % 300;
        auto* p = static_cast<unsigned char*>(entry_arena::Allocate(size));
        p[0] = static_cast<unsigned char>(t);
        p[size - 1] = static_cast<unsigned char>(i);
        made[t].push_back(p);
      }
      entry_arena::FlushThreadCache();
    });
  }
  for (auto& th : producers) th.join();
  // Each thread frees what the other allocated.
  std::thread consumers[2];
  for (int t = 0; t < 2; ++t) {
    consumers[t] = std::thread([&, t] {
      for (void* p : made[1 - t]) {
        ASSERT_EQ(static_cast<unsigned char*>(p)[0], 1 - t);
        entry_arena::Free(p);
      }
      entry_arena::FlushThreadCache();
    });
  }
  for (auto& th : consumers) th.join();
}

#ifdef SHOAL_ENTRY_HANDLES
TEST(EntryArena, FullOnlyNearTheCapacity) {
  EXPECT_EQ(entry_arena::Capacity() >> 30, 63u);  // 64 GiB less the reserved head
  entry_arena::NoteUsedMemory(uint64_t{1} << 30);
  EXPECT_FALSE(entry_arena::Full());
  entry_arena::NoteUsedMemory(entry_arena::Capacity());
  EXPECT_TRUE(entry_arena::Full());
  entry_arena::NoteUsedMemory(0);
  EXPECT_FALSE(entry_arena::Full());
}
#endif

}  // namespace
}  // namespace shoal

namespace shoal {
namespace {

// A string entry allocated with spare capacity grows in place up to it (APPEND, SETBIT), keeping
// its key and bytes; past it, or when the length field would need another byte, it refuses.
TEST(EntryValue, GrowsInPlaceWithinItsCapacity) {
  const std::string key = "grow:key";
  Entry* e = Entry::New(key, ObjType::kString, 10, /*has_expire=*/true, /*capacity=*/100);
  e->set_expire_at(123456789);
  std::memcpy(e->value(), "0123456789", 10);
  ASSERT_GE(e->ValueCapacity(), 100u);
  EXPECT_TRUE(e->ResizeValueInPlace(100));
  EXPECT_EQ(e->value_len(), 100u);
  EXPECT_EQ(e->key(), key);
  EXPECT_EQ(e->expire_at(), 123456789);
  EXPECT_EQ(std::string_view(e->value(), 10), "0123456789");
  // 128 needs a two-byte length: never in place.
  EXPECT_FALSE(e->ResizeValueInPlace(128));
  EXPECT_FALSE(e->ResizeValueInPlace(static_cast<uint32_t>(e->ValueCapacity() + 1)));
  EXPECT_EQ(e->value_len(), 100u);
  EXPECT_TRUE(e->ResizeValueInPlace(20));  // shrinking keeps the start
  EXPECT_EQ(std::string_view(e->value(), 10), "0123456789");
  EXPECT_EQ(e->value_len(), 20u);
  Entry::Free(e);

  // Without spare room the capacity is what the size class rounds up to, never less than asked.
  Entry* exact = Entry::New(key, ObjType::kString, 300, false);
  EXPECT_GE(exact->ValueCapacity(), 300u);
  EXPECT_FALSE(exact->ResizeValueInPlace(static_cast<uint32_t>(exact->ValueCapacity() + 1)));
  Entry::Free(exact);
}

}  // namespace
}  // namespace shoal
