// Microbenchmarks of the RDB value codec: DUMP encoding and RESTORE decoding per type, and CRC64.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "datastructs/crc64.h"
#include "server/store/hash_value.h"
#include "server/store/list_value.h"
#include "server/store/rdb_codec.h"
#include "server/store/set_value.h"
#include "server/store/zset_value.h"

namespace shoal {
namespace {

// range(0): 0 string (1 KB), 1 list, 2 listpack hash, 3 hashtable hash, 4 intset,
// 5 hashtable set, 6 listpack zset, 7 skiplist zset; collections of range(1) elements.
Entry* MakeValue(int kind, int n) {
  switch (kind) {
    case 0: {
      std::string v;
      for (int i = 0; v.size() < 1024; ++i) v += std::to_string(i * 7919);
      Entry* e = Entry::New("k", ObjType::kString, static_cast<uint32_t>(v.size()), false);
      memcpy(e->value(), v.data(), v.size());
      return e;
    }
    case 1: {
      auto l = ListValue::Make();
      for (int i = 0; i < n; ++i) l->mut().PushBack(absl::StrCat("element:", i));
      return NewCollectionEntry("k", std::move(l), -1);
    }
    case 2:
    case 3: {
      auto h = std::make_unique<HashValue>();
      for (int i = 0; i < n; ++i) h->Set(absl::StrCat("field:", i), std::to_string(i));
      return NewCollectionEntry("k", std::move(h), -1);
    }
    case 4:
    case 5: {
      auto s = std::make_unique<SetValue>(SetValue::Encoding::kIntSet);
      for (int i = 0; i < n; ++i) s->Add(kind == 4 ? std::to_string(i * 3) : absl::StrCat("m", i));
      return NewCollectionEntry("k", std::move(s), -1);
    }
    default: {
      auto z = ZSetValue::Create(static_cast<size_t>(n), 8);
      double ignored;
      for (int i = 0; i < n; ++i) z->Add(absl::StrCat("m", i), i * 0.5, 0, &ignored);
      return NewCollectionEntry("k", std::move(z), -1);
    }
  }
}

void Args(benchmark::internal::Benchmark* b) {
  b->Args({0, 1});
  for (int kind : {1, 3, 5, 7}) b->Args({kind, 10000});
  for (int kind : {2, 4, 6}) b->Args({kind, 100});
}

void BM_Dump(benchmark::State& state) {
  Entry* e = MakeValue(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string p = rdb::DumpPayload(e, rdb::EncodeOptions{});
    bytes += p.size();
    benchmark::DoNotOptimize(p);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  Entry::Free(e);
}
BENCHMARK(BM_Dump)->Apply(Args);

void BM_Restore(benchmark::State& state) {
  Entry* e = MakeValue(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const std::string p = rdb::DumpPayload(e, rdb::EncodeOptions{});
  Entry::Free(e);
  for (auto _ : state) {
    bool ok = rdb::VerifyDumpPayload(p);
    auto v = rdb::DecodeDumpPayload(p, rdb::DecodeLimits{});
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * p.size()));
}
BENCHMARK(BM_Restore)->Apply(Args);

void BM_Crc64(benchmark::State& state) {
  std::string data(static_cast<size_t>(state.range(0)), 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131);
  for (auto _ : state) benchmark::DoNotOptimize(Crc64(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Crc64)->Arg(64)->Arg(1 << 20);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
