// Microbenchmarks of ZSetIndex: insert, score lookup, rank, element at rank and score ranges.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "datastructs/zset_index.h"

namespace shoal {
namespace {

std::vector<std::string> Members(int64_t n) {
  std::vector<std::string> m;
  m.reserve(n);
  for (int64_t i = 0; i < n; ++i) m.push_back(absl::StrCat("member:", i));
  std::shuffle(m.begin(), m.end(), std::mt19937_64(7));
  return m;
}

void Fill(ZSetIndex& z, const std::vector<std::string>& m) {
  std::mt19937_64 rng(1);
  for (const auto& s : m) z.Insert(static_cast<double>(rng() % 1000000), s);
}

void BM_Insert(benchmark::State& state) {
  const auto m = Members(state.range(0));
  for (auto _ : state) {
    ZSetIndex z;
    Fill(z, m);
    benchmark::DoNotOptimize(z.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Insert)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_FindScore(benchmark::State& state) {
  const auto m = Members(state.range(0));
  ZSetIndex z;
  Fill(z, m);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(z.Find(m[i])->score);
    if (++i == m.size()) i = 0;
  }
}
BENCHMARK(BM_FindScore)->Arg(1000)->Arg(1000000);

void BM_Rank(benchmark::State& state) {
  const auto m = Members(state.range(0));
  ZSetIndex z;
  Fill(z, m);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(z.Rank(z.Find(m[i])));
    if (++i == m.size()) i = 0;
  }
}
BENCHMARK(BM_Rank)->Arg(1000)->Arg(1000000);

void BM_AtRank(benchmark::State& state) {
  const auto m = Members(state.range(0));
  ZSetIndex z;
  Fill(z, m);
  std::mt19937_64 rng(3);
  for (auto _ : state) benchmark::DoNotOptimize(z.AtRank(rng() % z.size()));
}
BENCHMARK(BM_AtRank)->Arg(1000)->Arg(1000000);

// ZRANGEBYSCORE-like: count a score window and walk its first 10 elements.
void BM_ScoreRange10(benchmark::State& state) {
  const auto m = Members(state.range(0));
  ZSetIndex z;
  Fill(z, m);
  std::mt19937_64 rng(5);
  for (auto _ : state) {
    const double lo = static_cast<double>(rng() % 1000000);
    ZSetIndex::Node* first = nullptr;
    const size_t a = z.CountScoreBelow(lo, false, &first);
    const size_t b = z.CountScoreBelow(lo + 1000, true);
    double sum = 0;
    for (size_t k = a; k < b && k < a + 10; ++k, first = first->next()) sum += first->score;
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_ScoreRange10)->Arg(1000)->Arg(1000000);

void BM_UpdateScore(benchmark::State& state) {
  const auto m = Members(state.range(0));
  ZSetIndex z;
  Fill(z, m);
  std::mt19937_64 rng(9);
  size_t i = 0;
  for (auto _ : state) {
    z.UpdateScore(z.Find(m[i]), static_cast<double>(rng() % 1000000));
    if (++i == m.size()) i = 0;
  }
}
BENCHMARK(BM_UpdateScore)->Arg(1000)->Arg(1000000);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
