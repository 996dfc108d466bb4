// Microbenchmarks of Quicklist: push, pop, index and iterate over many nodes, plain (depth 0)
// and with the middle nodes compressed (list-compress-depth 1), and the LZ codec on one node.
#include <cstdint>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "datastructs/lz.h"
#include "datastructs/quicklist.h"

namespace shoal {
namespace {

Quicklist Filled(int64_t n, int64_t depth = 0) {
  Quicklist ql(-2);
  ql.set_compress_depth(depth);
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
    ql.set_compress_depth(state.range(1));
    for (int64_t i = 0; i < state.range(0); ++i) ql.PushBack("elem:123456");
    benchmark::DoNotOptimize(ql.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PushBack)->Args({100000, 0})->Args({100000, 1});

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
  Quicklist ql = Filled(state.range(0), state.range(1));
  auto sink = [](const Quicklist::Value& v) { benchmark::DoNotOptimize(v.str.data()); };
  for (auto _ : state) {
    ql.PushFront("elem:123456");
    ql.PopBack(sink);
    ql.PushBack("elem:654321");
    ql.PopFront(sink);
  }
  state.SetItemsProcessed(state.iterations() * 4);
}
BENCHMARK(BM_PushPopBothEnds)->Args({100000, 0})->Args({100000, 1});

void BM_Index(benchmark::State& state) {
  Quicklist ql = Filled(state.range(0), state.range(1));
  int64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ql.At(i).pos);
    ql.Settle();  // as LINDEX does: a compressed node read is dropped again
    i = (i + 7919) % state.range(0);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Index)->Args({1000, 0})->Args({100000, 0})->Args({100000, 1});

void BM_Iterate(benchmark::State& state) {
  Quicklist ql = Filled(state.range(0), state.range(1));
  char buf[Listpack::kIntBufSize];
  for (auto _ : state) {
    size_t total = 0;
    for (auto it = ql.Begin(); it.valid(); it = ql.Next(it)) total += ql.Get(it).View(buf).size();
    ql.Settle();
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Iterate)->Args({100000, 0})->Args({100000, 1});

// The same walk through ForRange (LRANGE's): one decode per entry instead of Get plus Next.
void BM_IterateForRange(benchmark::State& state) {
  Quicklist ql = Filled(state.range(0), state.range(1));
  char buf[Listpack::kIntBufSize];
  for (auto _ : state) {
    size_t total = 0;
    ql.ForRange(ql.Begin(), ql.size(),
                [&](const Quicklist::Value& v) { total += v.View(buf).size(); });
    ql.Settle();
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_IterateForRange)->Args({100000, 0})->Args({100000, 1});

// One full 8 KiB node of elem:<i> entries, as the codec sees it.
std::string NodeBytes() {
  Listpack lp;
  for (int i = 0; lp.bytes() < 8000; ++i) lp.PushBack("elem:" + std::to_string(100000 + i));
  return std::string(lp.data(), lp.bytes());
}

void BM_LzCompressNode(benchmark::State& state) {
  std::string raw = NodeBytes();
  std::vector<char> z(raw.size());
  size_t n = 0;
  for (auto _ : state) {
    n = lz::Compress(raw.data(), raw.size(), z.data(), z.size());
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * raw.size());
  state.counters["ratio"] = static_cast<double>(n) / raw.size();
}
BENCHMARK(BM_LzCompressNode);

void BM_LzDecompressNode(benchmark::State& state) {
  std::string raw = NodeBytes();
  std::vector<char> z(raw.size());
  size_t n = lz::Compress(raw.data(), raw.size(), z.data(), z.size());
  std::string out(raw.size(), '\0');
  for (auto _ : state) {
    benchmark::DoNotOptimize(lz::Decompress(z.data(), n, out.data(), out.size()));
  }
  state.SetBytesProcessed(state.iterations() * raw.size());
}
BENCHMARK(BM_LzDecompressNode);

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
