// Microbenchmarks of Quicklist: push, pop, index and iterate over many nodes.
#include <cstdint>
#include <string>

#include "benchmark/benchmark.h"
#include "datastructs/quicklist.h"

namespace shoal {
namespace {

Quicklist Filled(int64_t n) {
  Quicklist ql(-2);
  std::string s;
  for (int64_t i = 0; i < n; ++i) {
    s = std::string("elem:").append(std::to_string(100000 + i % 900000));
    ql.PushBack(s);
  }
  return ql;
}

void BM_PushBack(benchmark::State& state) {
  for (auto _ : state) {
    Quicklist ql(-2);
    for (int64_t i = 0; i < state.range(0); ++i) ql.PushBack("elem:123456");
    benchmark::DoNotOptimize(ql.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PushBack)->Arg(100000);

void BM_PushFront(benchmark::State& state) {
  for (auto _ : state) {
    Quicklist ql(-2);
    for (int64_t i = 0; i < state.range(0); ++i) ql.PushFront("elem:123456");
    benchmark::DoNotOptimize(ql.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PushFront)->Arg(100000);

void BM_PushPopBothEnds(benchmark::State& state) {
  Quicklist ql = Filled(state.range(0));
  auto sink = [](const Quicklist::Value& v) { benchmark::DoNotOptimize(v.str.data()); };
  for (auto _ : state) {
    ql.PushFront("elem:123456");
    ql.PopBack(sink);
    ql.PushBack("elem:654321");
    ql.PopFront(sink);
  }
  state.SetItemsProcessed(state.iterations() * 4);
}
BENCHMARK(BM_PushPopBothEnds)->Arg(100000);

void BM_Index(benchmark::State& state) {
  Quicklist ql = Filled(state.range(0));
  int64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ql.At(i).pos);
    i = (i + 7919) % state.range(0);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Index)->Arg(1000)->Arg(100000);

void BM_Iterate(benchmark::State& state) {
  Quicklist ql = Filled(state.range(0));
  char buf[Listpack::kIntBufSize];
  for (auto _ : state) {
    size_t total = 0;
    for (auto it = ql.Begin(); it.valid(); it = ql.Next(it)) total += ql.Get(it).View(buf).size();
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Iterate)->Arg(100000);

void BM_Range100(benchmark::State& state) {
  Quicklist ql = Filled(state.range(0));
  char buf[Listpack::kIntBufSize];
  for (auto _ : state) {
    size_t total = 0;
    auto it = ql.At(0);
    for (int i = 0; i < 100 && it.valid(); ++i, it = ql.Next(it)) {
      total += ql.Get(it).View(buf).size();
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_Range100)->Arg(100000);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
