// Microbenchmarks of the HyperLogLog primitives behind PFADD, PFCOUNT and PFMERGE.
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "datastructs/hyperloglog.h"

namespace shoal::hll {
namespace {

// An element name without "literal" + std::string, which GCC 12 misreports under -Wrestrict.
std::string Name(char prefix, int i) { return std::string(1, prefix).append(std::to_string(i)); }

std::string Filled(int n, size_t sparse_max) {
  std::string v = NewSparse();
  for (int i = 0; i < n; ++i) Add(&v, Name('e', i), sparse_max);
  return v;
}

void BM_PatternLen(benchmark::State& state) {
  const std::string e = "user:0000123456";
  uint32_t idx;
  for (auto _ : state) benchmark::DoNotOptimize(PatternLen(e, &idx));
}
BENCHMARK(BM_PatternLen);

void BM_AddDense(benchmark::State& state) {
  std::string v = Filled(20000, 3000);
  int i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(Add(&v, std::to_string(i++), 3000));
}
BENCHMARK(BM_AddDense);

// New elements into a sparse HLL of a few hundred registers (editing in place, merges).
void BM_AddSparse(benchmark::State& state) {
  std::string base = Filled(static_cast<int>(state.range(0)), 3000);
  std::string v;
  int i = 0;
  for (auto _ : state) {
    if (i % 256 == 0) v = base;
    benchmark::DoNotOptimize(Add(&v, Name('n', i++), 3000));
  }
}
BENCHMARK(BM_AddSparse)->Arg(10)->Arg(500);

void BM_CountDense(benchmark::State& state) {
  const std::string v = Filled(20000, 3000);
  bool invalid = false;
  for (auto _ : state) benchmark::DoNotOptimize(Count(v, &invalid));
}
BENCHMARK(BM_CountDense);

void BM_CountSparse(benchmark::State& state) {
  const std::string v = Filled(500, 1 << 20);
  bool invalid = false;
  for (auto _ : state) benchmark::DoNotOptimize(Count(v, &invalid));
}
BENCHMARK(BM_CountSparse);

void BM_MergeDense(benchmark::State& state) {
  const std::string v = Filled(20000, 3000);
  std::vector<uint8_t> max(kRegisters, 0);
  for (auto _ : state) {
    MergeInto(v, max.data());
    benchmark::DoNotOptimize(max.data());
  }
}
BENCHMARK(BM_MergeDense);

}  // namespace
}  // namespace shoal::hll

BENCHMARK_MAIN();
