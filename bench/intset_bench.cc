// Microbenchmarks of IntSet: lookup, in-order and random insertion, random draws.
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "benchmark/benchmark.h"
#include "datastructs/intset.h"

namespace shoal {
namespace {

std::vector<int64_t> RandomValues(int64_t n, int64_t range, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> dist(-range, range);
  std::vector<int64_t> out(n);
  for (auto& v : out) v = dist(rng);
  return out;
}

void BM_IntSetContains(benchmark::State& state) {
  const int64_t n = state.range(0);
  IntSet s;
  for (int64_t v : RandomValues(n, 1 << 30, 1)) s.Add(v);
  const std::vector<int64_t> probes = RandomValues(4096, 1 << 30, 2);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.Contains(probes[i++ & 4095]));
  }
}
BENCHMARK(BM_IntSetContains)->Arg(16)->Arg(512)->Arg(8192);

void BM_IntSetAddRandom(benchmark::State& state) {
  const int64_t n = state.range(0);
  const std::vector<int64_t> values = RandomValues(n, 1 << 30, 3);
  for (auto _ : state) {
    IntSet s;
    for (int64_t v : values) s.Add(v);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_IntSetAddRandom)->Arg(16)->Arg(512)->Arg(8192);

void BM_IntSetAddAscending(benchmark::State& state) {
  const int64_t n = state.range(0);
  for (auto _ : state) {
    IntSet s;
    for (int64_t v = 0; v < n; ++v) s.Add(v);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_IntSetAddAscending)->Arg(512)->Arg(8192);

// The reference point: a node-based ordered set.
void BM_StdSetAddRandom(benchmark::State& state) {
  const int64_t n = state.range(0);
  const std::vector<int64_t> values = RandomValues(n, 1 << 30, 3);
  for (auto _ : state) {
    std::set<int64_t> s;
    for (int64_t v : values) s.insert(v);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_StdSetAddRandom)->Arg(16)->Arg(512)->Arg(8192);

void BM_IntSetRandom(benchmark::State& state) {
  IntSet s;
  for (int64_t v : RandomValues(512, 1 << 20, 4)) s.Add(v);
  std::mt19937_64 rng(5);
  for (auto _ : state) benchmark::DoNotOptimize(s.Random(rng()));
}
BENCHMARK(BM_IntSetRandom);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
