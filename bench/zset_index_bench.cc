// Microbenchmarks of ZSetIndex: insert, score lookup, rank, element at rank and score ranges.
#include <algorithm>
#include <cstdint>
#include <cstdio>
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
    double sum = first != nullptr ? first->score : 0;
    z.ForEach(a, std::min(b, a + 10), [&sum](const ZSetIndex::Node* n) { sum += n->score; });
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

// ZADD key <rand> element:<rand> as redis-benchmark -r 100000 sends it: 100k members (12-digit
// names), each command a hash lookup and, unless the score happens to be the same, a score
// update to a random place in the order.
void BM_ZAddWorkload(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<std::string> m;
  m.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "element:%012lld", static_cast<long long>(i));
    m.emplace_back(buf);
  }
  ZSetIndex z;
  std::mt19937_64 rng(11);
  for (const auto& s : m) z.Insert(static_cast<double>(rng() % n), s);
  for (auto _ : state) {
    const std::string& member = m[rng() % n];
    const double score = static_cast<double>(rng() % n);
    ZSetIndex::Node* node = z.Find(member);
    if (node->score != score) z.UpdateScore(node, score);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ZAddWorkload)->Arg(100000)->Arg(1000000);

// ZPOPMIN + ZADD of a new member: erase at the front, insert at a random place.
void BM_PopMinInsert(benchmark::State& state) {
  const auto m = Members(state.range(0));
  ZSetIndex z;
  Fill(z, m);
  std::mt19937_64 rng(13);
  std::string popped;
  for (auto _ : state) {
    z.EraseRange(0, 1, [&popped](const ZSetIndex::Node* x) { popped.assign(x->member()); });
    z.Insert(static_cast<double>(rng() % 1000000), popped);
  }
}
BENCHMARK(BM_PopMinInsert)->Arg(100000);

// ZREVRANGE key 0 99 on a large set.
void BM_ReverseRange100(benchmark::State& state) {
  const auto m = Members(state.range(0));
  ZSetIndex z;
  Fill(z, m);
  std::mt19937_64 rng(17);
  for (auto _ : state) {
    const size_t end = rng() % z.size() + 1;
    double sum = 0;
    z.ForEachReverse(end > 100 ? end - 100 : 0, end,
                     [&sum](const ZSetIndex::Node* x) { sum += x->score; });
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_ReverseRange100)->Arg(1000000);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
