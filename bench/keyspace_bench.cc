// Microbenchmark of keyspace lookups in batches, as a worker runs a pipeline or a round of
// receives: no prefetch, the bucket prefetch alone, and the bucket then chain prefetch
// (DbTable::PrefetchBucket / PrefetchChain). 1M keys of 12 bytes with 100-byte values, the
// layout of the memory test, so that entries and buckets are far larger than the caches.
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "server/store/store.h"

namespace shoal {
namespace {

constexpr int kKeys = 1'000'000;

std::string KeyName(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k:%010d", 1'000'000'000 + i);
  return buf;
}

DbTable& Table() {
  static DbTable* t = [] {
    auto* table = new DbTable();
    const std::string value(100, 'v');
    for (int i = 0; i < kKeys; ++i) {
      Entry* e = Entry::New(KeyName(i), ObjType::kString, 100, false);
      std::memcpy(e->value(), value.data(), value.size());
      table->Insert(e);
    }
    return table;
  }();
  return *t;
}

// range(0): 0 no prefetch, 1 buckets, 2 buckets then chains; range(1): batch size.
void BM_BatchedGet(benchmark::State& state) {
  DbTable& t = Table();
  const int mode = static_cast<int>(state.range(0));
  const size_t batch = static_cast<size_t>(state.range(1));
  std::mt19937_64 rng(42);
  std::vector<std::string> keys(1 << 16);
  for (auto& k : keys) k = KeyName(static_cast<int>(rng() % kKeys));
  std::vector<uint64_t> hashes(batch);
  char out[128];
  size_t next = 0;
  uint64_t found = 0;
  for (auto _ : state) {
    const size_t first = next;
    if (mode >= 1) {
      for (size_t i = 0; i < batch; ++i) {
        hashes[i] = DbTable::KeyHash(keys[(first + i) & 0xffff]);
        t.PrefetchBucket(hashes[i]);
      }
    }
    if (mode == 2) {
      for (size_t i = 0; i < batch; ++i) t.PrefetchChain(hashes[i]);
    }
    for (size_t i = 0; i < batch; ++i) {
      // As GET: find the entry and copy its value out (a reply).
      if (Entry* e = t.Find(keys[(first + i) & 0xffff], 0)) {
        std::memcpy(out, e->value(), e->value_len());
        benchmark::DoNotOptimize(out);
        ++found;
      }
    }
    next = (first + batch) & 0xffff;
  }
  if (found == 0) state.SkipWithError("no key found");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
}
BENCHMARK(BM_BatchedGet)->ArgsProduct({{0, 1, 2}, {2, 4, 16}});

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
