// Microbenchmarks of StringSet / StringMap, with absl::flat_hash_{set,map} of std::string for
// scale.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "datastructs/string_table.h"

namespace shoal {
namespace {

std::vector<std::string> MakeFields(int64_t n) {
  std::vector<std::string> out;
  out.reserve(n);
  for (int64_t i = 0; i < n; ++i) out.push_back(absl::StrCat("field:", i));
  std::shuffle(out.begin(), out.end(), std::mt19937_64(1));
  return out;
}

void BM_StringSetInsert(benchmark::State& state) {
  const auto fields = MakeFields(state.range(0));
  for (auto _ : state) {
    StringSet s;
    for (const auto& f : fields) s.Insert(f);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_StringSetInsert)->Arg(1000)->Arg(100000);

void BM_AbslSetInsert(benchmark::State& state) {
  const auto fields = MakeFields(state.range(0));
  for (auto _ : state) {
    absl::flat_hash_set<std::string> s;
    for (const auto& f : fields) s.insert(f);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AbslSetInsert)->Arg(1000)->Arg(100000);

void BM_StringSetContains(benchmark::State& state) {
  const auto fields = MakeFields(state.range(0));
  StringSet s;
  for (const auto& f : fields) s.Insert(f);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.Contains(fields[i]));
    if (++i == fields.size()) i = 0;
  }
}
BENCHMARK(BM_StringSetContains)->Arg(1000)->Arg(100000);

void BM_StringMapSetOverwrite(benchmark::State& state) {
  const auto fields = MakeFields(state.range(0));
  StringMap m;
  for (const auto& f : fields) m.Set(f, "value-01");
  size_t i = 0;
  for (auto _ : state) {
    m.Set(fields[i], (i & 1) ? "value-02" : "longer-value-03");
    if (++i == fields.size()) i = 0;
  }
}
BENCHMARK(BM_StringMapSetOverwrite)->Arg(1000)->Arg(100000);

void BM_StringMapFind(benchmark::State& state) {
  const auto fields = MakeFields(state.range(0));
  StringMap m;
  for (const auto& f : fields) m.Set(f, "value-01");
  size_t i = 0;
  std::string_view v;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.Find(fields[i], &v));
    if (++i == fields.size()) i = 0;
  }
}
BENCHMARK(BM_StringMapFind)->Arg(1000)->Arg(100000);

void BM_AbslMapFind(benchmark::State& state) {
  const auto fields = MakeFields(state.range(0));
  absl::flat_hash_map<std::string, std::string> m;
  for (const auto& f : fields) m[f] = "value-01";
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.find(fields[i]));
    if (++i == fields.size()) i = 0;
  }
}
BENCHMARK(BM_AbslMapFind)->Arg(1000)->Arg(100000);

void BM_StringSetRandom(benchmark::State& state) {
  const auto fields = MakeFields(state.range(0));
  StringSet s;
  for (const auto& f : fields) s.Insert(f);
  std::mt19937_64 rng(2);
  for (auto _ : state) benchmark::DoNotOptimize(s.Random(rng()));
}
BENCHMARK(BM_StringSetRandom)->Arg(1000)->Arg(100000);

void BM_StringSetScanAll(benchmark::State& state) {
  const auto fields = MakeFields(state.range(0));
  StringSet s;
  for (const auto& f : fields) s.Insert(f);
  for (auto _ : state) {
    uint64_t cursor = 0;
    size_t seen = 0;
    do {
      cursor = s.Scan(cursor, [&](std::string_view) { ++seen; });
    } while (cursor != 0);
    benchmark::DoNotOptimize(seen);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_StringSetScanAll)->Arg(100000);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
