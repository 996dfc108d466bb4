// Microbenchmarks of Crc16/KeySlot, which every keyed command runs (shard choice) a few times.
#include <string>

#include "benchmark/benchmark.h"
#include "datastructs/crc16.h"

namespace shoal {
namespace {

void BM_Crc16(benchmark::State& state) {
  std::string s(static_cast<size_t>(state.range(0)), 'k');
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>('a' + i % 26);
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.data());
    benchmark::DoNotOptimize(Crc16(s));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc16)->Arg(8)->Arg(16)->Arg(40)->Arg(256);

void BM_KeySlot(benchmark::State& state) {
  const std::string key = "key:000000123456";  // redis-benchmark's keys
  for (auto _ : state) {
    benchmark::DoNotOptimize(key.data());
    benchmark::DoNotOptimize(KeySlot(key));
  }
}
BENCHMARK(BM_KeySlot);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
