// Microbenchmarks of the keyspace Dict, with absl::flat_hash_map as a reference point.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "datastructs/dict.h"

namespace shoal {
namespace {

struct BenchNode {
  BenchNode* next = nullptr;
  std::string key;
  uint64_t value = 0;
};

struct BenchTraits {
  static std::string_view Key(const BenchNode* n) { return n->key; }
  static BenchNode*& Next(BenchNode* n) { return n->next; }
  static uint64_t Hash(std::string_view key) { return HashBytes(key); }
};

using BenchDict = Dict<BenchNode, BenchTraits>;
// Looked up with absl::string_view (heterogeneous lookup, no std::string built per call). Note
// that Debian's Abseil is built with its own absl::string_view, distinct from std::string_view.
using AbslMap = absl::flat_hash_map<std::string, BenchNode*>;

// Keys like a typical cache keyspace ("key:123"), in a shuffled order so that consecutive
// lookups don't walk memory sequentially.
std::vector<std::string> MakeKeys(int64_t n, const char* prefix) {
  std::vector<std::string> keys;
  keys.reserve(n);
  for (int64_t i = 0; i < n; ++i) keys.push_back(absl::StrCat(prefix, i));
  std::shuffle(keys.begin(), keys.end(), std::mt19937_64(42));
  return keys;
}

std::vector<BenchNode> MakeNodes(const std::vector<std::string>& keys) {
  std::vector<BenchNode> nodes(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    nodes[i].key = keys[i];
    nodes[i].value = i;
  }
  return nodes;
}

// A table holding `n` keys, fully rehashed, plus the keys in lookup order.
struct Fixture {
  explicit Fixture(int64_t n) : keys(MakeKeys(n, "key:")), nodes(MakeNodes(keys)) {
    std::shuffle(keys.begin(), keys.end(), std::mt19937_64(7));
    for (BenchNode& node : nodes) dict.Insert(&node);
    dict.RehashSteps(1 << 30);
  }
  std::vector<std::string> keys;
  std::vector<BenchNode> nodes;
  BenchDict dict;
};

void BM_DictInsert(benchmark::State& state) {
  const std::vector<std::string> keys = MakeKeys(state.range(0), "key:");
  std::vector<BenchNode> nodes = MakeNodes(keys);
  for (auto _ : state) {
    BenchDict dict;
    for (BenchNode& node : nodes) dict.Insert(&node);
    benchmark::DoNotOptimize(dict.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_AbslInsert(benchmark::State& state) {
  const std::vector<std::string> keys = MakeKeys(state.range(0), "key:");
  std::vector<BenchNode> nodes = MakeNodes(keys);
  for (auto _ : state) {
    AbslMap map;
    for (BenchNode& node : nodes) map.emplace(node.key, &node);
    benchmark::DoNotOptimize(map.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_DictFindHit(benchmark::State& state) {
  Fixture f(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.dict.Find(f.keys[i]));
    if (++i == f.keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_AbslFindHit(benchmark::State& state) {
  Fixture f(state.range(0));
  AbslMap map;
  for (BenchNode& node : f.nodes) map.emplace(node.key, &node);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(map.find(absl::string_view(f.keys[i])));
    if (++i == f.keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DictFindMiss(benchmark::State& state) {
  Fixture f(state.range(0));
  const std::vector<std::string> missing = MakeKeys(state.range(0), "miss:");
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.dict.Find(missing[i]));
    if (++i == missing.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_AbslFindMiss(benchmark::State& state) {
  Fixture f(state.range(0));
  AbslMap map;
  for (BenchNode& node : f.nodes) map.emplace(node.key, &node);
  const std::vector<std::string> missing = MakeKeys(state.range(0), "miss:");
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(map.find(absl::string_view(missing[i])));
    if (++i == missing.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

// Removes every key (the table shrinks incrementally on the way down); re-inserting them for the
// next iteration is not timed.
void BM_DictRemove(benchmark::State& state) {
  Fixture f(state.range(0));
  for (auto _ : state) {
    for (const std::string& key : f.keys) benchmark::DoNotOptimize(f.dict.Remove(key));
    state.PauseTiming();
    for (BenchNode& node : f.nodes) f.dict.Insert(&node);
    f.dict.RehashSteps(1 << 30);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_AbslErase(benchmark::State& state) {
  Fixture f(state.range(0));
  AbslMap map;
  for (BenchNode& node : f.nodes) map.emplace(node.key, &node);
  for (auto _ : state) {
    for (const std::string& key : f.keys) map.erase(absl::string_view(key));
    state.PauseTiming();
    for (BenchNode& node : f.nodes) map.emplace(node.key, &node);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// A full SCAN of the table, one bucket per call as the server would do it (COUNT 1).
void BM_DictScanFull(benchmark::State& state) {
  Fixture f(state.range(0));
  for (auto _ : state) {
    uint64_t sum = 0;
    uint64_t cursor = 0;
    do {
      cursor = f.dict.Scan(cursor, [&](BenchNode* n) { sum += n->value; });
    } while (cursor != 0);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_DictRandom(benchmark::State& state) {
  Fixture f(state.range(0));
  uint64_t bits = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.dict.Random(++bits));
  state.SetItemsProcessed(state.iterations());
}

void BM_HashBytes(benchmark::State& state) {
  const std::string key(state.range(0), 'k');
  for (auto _ : state) {
    std::string_view k = key;
    benchmark::DoNotOptimize(k);
    benchmark::DoNotOptimize(HashBytes(k));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_AbslHash(benchmark::State& state) {
  const std::string key(state.range(0), 'k');
  for (auto _ : state) {
    std::string_view k = key;
    benchmark::DoNotOptimize(k);
    benchmark::DoNotOptimize(
        absl::Hash<absl::string_view>{}(absl::string_view(k.data(), k.size())));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_DictInsert)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AbslInsert)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DictFindHit)->Arg(1000)->Arg(1000000);
BENCHMARK(BM_AbslFindHit)->Arg(1000)->Arg(1000000);
BENCHMARK(BM_DictFindMiss)->Arg(1000)->Arg(1000000);
BENCHMARK(BM_AbslFindMiss)->Arg(1000)->Arg(1000000);
BENCHMARK(BM_DictRemove)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AbslErase)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DictScanFull)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DictRandom)->Arg(1000)->Arg(1000000);
BENCHMARK(BM_HashBytes)->Arg(8)->Arg(16)->Arg(32)->Arg(64)->Arg(256);
BENCHMARK(BM_AbslHash)->Arg(8)->Arg(16)->Arg(32)->Arg(64)->Arg(256);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
