// Microbenchmarks of Listpack: push, pop, index, iterate and search.
#include <cstdint>
#include <string>

#include "benchmark/benchmark.h"
#include "datastructs/listpack.h"

namespace shoal {
namespace {

Listpack Filled(int64_t n) {
  Listpack lp;
  std::string s;
  for (int64_t i = 0; i < n; ++i) {
    s = std::string("elem:").append(std::to_string(100000 + i));
    lp.PushBack(s);
  }
  return lp;
}

void BM_PushBack(benchmark::State& state) {
  for (auto _ : state) {
    Listpack lp;
    for (int64_t i = 0; i < state.range(0); ++i) lp.PushBack("elem:123456");
    benchmark::DoNotOptimize(lp.bytes());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PushBack)->Arg(128)->Arg(600);

void BM_PushBackInt(benchmark::State& state) {
  for (auto _ : state) {
    Listpack lp;
    for (int64_t i = 0; i < state.range(0); ++i) lp.PushBack(i * 1000);
    benchmark::DoNotOptimize(lp.bytes());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PushBackInt)->Arg(600);

void BM_PushPopFront(benchmark::State& state) {
  Listpack lp = Filled(state.range(0));
  for (auto _ : state) {
    lp.PushFront("elem:123456");
    lp.Erase(lp.First());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PushPopFront)->Arg(16)->Arg(600);

void BM_PushPopBack(benchmark::State& state) {
  Listpack lp = Filled(state.range(0));
  for (auto _ : state) {
    lp.PushBack("elem:123456");
    lp.Erase(lp.Last());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PushPopBack)->Arg(16)->Arg(600);

void BM_SeekMiddle(benchmark::State& state) {
  Listpack lp = Filled(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(lp.Seek(state.range(0) / 2));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SeekMiddle)->Arg(16)->Arg(600);

void BM_IterateForward(benchmark::State& state) {
  Listpack lp = Filled(state.range(0));
  char buf[Listpack::kIntBufSize];
  for (auto _ : state) {
    size_t total = 0;
    for (auto p = lp.First(); p != Listpack::kNone; p = lp.Next(p)) {
      total += lp.Get(p).View(buf).size();
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_IterateForward)->Arg(600);

void BM_IterateBackward(benchmark::State& state) {
  Listpack lp = Filled(state.range(0));
  char buf[Listpack::kIntBufSize];
  for (auto _ : state) {
    size_t total = 0;
    for (auto p = lp.Last(); p != Listpack::kNone; p = lp.Prev(p)) {
      total += lp.Get(p).View(buf).size();
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_IterateBackward)->Arg(600);

void BM_FindFieldSkip1(benchmark::State& state) {
  Listpack lp = Filled(state.range(0) * 2);
  std::string last = std::string("elem:").append(std::to_string(100000 + state.range(0) * 2 - 2));
  for (auto _ : state) benchmark::DoNotOptimize(lp.Find(lp.First(), last, 1));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FindFieldSkip1)->Arg(128);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
