// Microbenchmarks of the bitmap primitives behind BITCOUNT, BITPOS, BITOP and BITFIELD, against a
// bit-at-a-time loop as the baseline they replace.
#include <cstdint>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "datastructs/bitops.h"

namespace shoal::bitops {
namespace {

std::vector<uint8_t> RandomBytes(size_t n) {
  std::mt19937_64 rng(42);
  std::vector<uint8_t> d(n);
  for (auto& b : d) b = static_cast<uint8_t>(rng());
  return d;
}

void BM_CountBits(benchmark::State& state) {
  const auto d = RandomBytes(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(CountBits(d.data(), 3, d.size() * 8 - 5));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CountBits)->Arg(64)->Arg(4096)->Arg(1 << 20);

void BM_CountBitsBitByBit(benchmark::State& state) {
  const auto d = RandomBytes(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    uint64_t n = 0;
    for (uint64_t i = 3; i <= d.size() * 8 - 5; ++i) n += GetBit(d.data(), d.size(), i);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CountBitsBitByBit)->Arg(4096);

// The first set bit at the end of a run of zeros (a sparse bitmap).
void BM_FindBitSparse(benchmark::State& state) {
  std::vector<uint8_t> d(static_cast<size_t>(state.range(0)), 0);
  d.back() = 1;
  for (auto _ : state) benchmark::DoNotOptimize(FindBit(d.data(), 0, d.size() * 8 - 1, 1));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FindBitSparse)->Arg(64)->Arg(4096)->Arg(1 << 20);

void BM_CombineAnd(benchmark::State& state) {
  const auto a = RandomBytes(static_cast<size_t>(state.range(0)));
  const auto b = RandomBytes(static_cast<size_t>(state.range(0)));
  std::vector<uint8_t> out(a.size());
  const uint8_t* srcs[] = {a.data(), b.data()};
  const size_t lens[] = {a.size(), b.size()};
  for (auto _ : state) {
    Combine(BitOp::kAnd, srcs, lens, 2, out.data(), out.size());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CombineAnd)->Arg(4096)->Arg(1 << 20);

void BM_FieldIncr(benchmark::State& state) {
  std::vector<uint8_t> d(64, 0);
  const int bits = static_cast<int>(state.range(0));
  uint64_t off = 0;
  for (auto _ : state) {
    const int64_t v = GetSigned(d.data(), d.size(), off, bits);
    int64_t r;
    SignedAdd(v, 1, bits, Overflow::kWrap, &r);
    SetField(d.data(), off, bits, static_cast<uint64_t>(r));
    off = (off + 7) % 400;
  }
}
BENCHMARK(BM_FieldIncr)->Arg(8)->Arg(32)->Arg(64);

}  // namespace
}  // namespace shoal::bitops

BENCHMARK_MAIN();
