// Microbenchmarks of the RESP request parser and reply writer (ns per command / per reply).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/resp/parser.h"
#include "server/resp/reply.h"

namespace shoal::resp {
namespace {

constexpr int kPipelineCommands = 1000;

// A pipelined read buffer: alternating SET key:NNNNNN <100-byte value> and GET key:NNNNNN.
std::string MultibulkPipeline() {
  const std::string value(100, 'v');
  std::string buf;
  char key[16];
  for (int i = 0; i < kPipelineCommands; ++i) {
    std::snprintf(key, sizeof(key), "key:%06d", i);
    if (i % 2 == 0) {
      buf += "*3\r\n$3\r\nSET\r\n$10\r\n";
      buf += key;
      absl::StrAppend(&buf, "\r\n$100\r\n", value, "\r\n");
    } else {
      buf += "*2\r\n$3\r\nGET\r\n$10\r\n";
      buf += key;
      buf += "\r\n";
    }
  }
  return buf;
}

std::string InlinePipeline() {
  std::string buf;
  char line[64];
  for (int i = 0; i < kPipelineCommands; ++i) {
    std::snprintf(line, sizeof(line), i % 2 ? "GET key:%06d\r\n" : "SET key:%06d somevalue\r\n", i);
    buf += line;
  }
  return buf;
}

void ParsePipeline(benchmark::State& state, const std::string& buf) {
  RequestParser parser;
  size_t args = 0;
  for (auto _ : state) {
    std::string_view rest = buf;
    while (!rest.empty()) {
      if (parser.Parse(rest) != ParseResult::kCommand) {
        state.SkipWithError("parse failed");
        return;
      }
      args += parser.args().size();
      rest.remove_prefix(parser.consumed());
    }
  }
  benchmark::DoNotOptimize(args);
  state.SetItemsProcessed(state.iterations() * kPipelineCommands);
  state.SetBytesProcessed(state.iterations() * buf.size());
}

void BM_ParseMultibulkPipeline(benchmark::State& state) {
  ParsePipeline(state, MultibulkPipeline());
}
BENCHMARK(BM_ParseMultibulkPipeline);

void BM_ParseInlinePipeline(benchmark::State& state) { ParsePipeline(state, InlinePipeline()); }
BENCHMARK(BM_ParseInlinePipeline);

// The SET commands of the pipeline arriving in 16-byte reads: the cost of resuming.
void BM_ParseMultibulkChunked(benchmark::State& state) {
  const std::string cmd = absl::StrCat("*3\r\n$3\r\nSET\r\n$10\r\nkey:000001\r\n$100\r\n",
                                       std::string(100, 'v'), "\r\n");
  RequestParser parser;
  for (auto _ : state) {
    ParseResult r = ParseResult::kNeedMore;
    for (size_t n = 16; r == ParseResult::kNeedMore; n += 16) {
      r = parser.Parse(std::string_view(cmd.data(), std::min(n, cmd.size())));
    }
    benchmark::DoNotOptimize(parser.args().data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseMultibulkChunked);

constexpr int kRepliesPerBatch = 1000;

// Each iteration writes a batch of replies into a buffer that is reused, as a connection does.
template <typename F>
void WriteReplies(benchmark::State& state, F write) {
  std::string out;
  ReplyBuilder rb(&out, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < kRepliesPerBatch; ++i) write(rb, i);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kRepliesPerBatch);
}

void BM_ReplyBulk100(benchmark::State& state) {
  const std::string value(100, 'v');
  WriteReplies(state, [&](ReplyBuilder& rb, int) { rb.Bulk(value); });
}
BENCHMARK(BM_ReplyBulk100)->Arg(2)->Arg(3);

void BM_ReplyInteger(benchmark::State& state) {
  WriteReplies(state, [](ReplyBuilder& rb, int i) { rb.Integer(static_cast<int64_t>(i) * 7919); });
}
BENCHMARK(BM_ReplyInteger)->Arg(2);

void BM_ReplySmallInteger(benchmark::State& state) {
  WriteReplies(state, [](ReplyBuilder& rb, int i) { rb.Integer(i % 10); });
}
BENCHMARK(BM_ReplySmallInteger)->Arg(2);

void BM_ReplyArrayOf10Bulks(benchmark::State& state) {
  const std::vector<std::string> storage = {"alpha",   "bravo", "charlie", "delta", "echo",
                                            "foxtrot", "golf",  "hotel",   "india", "juliett"};
  const std::vector<std::string_view> items(storage.begin(), storage.end());
  WriteReplies(state, [&](ReplyBuilder& rb, int) { rb.BulkArray(items); });
}
BENCHMARK(BM_ReplyArrayOf10Bulks)->Arg(2);

void BM_ReplyArrayOf10BulksOneByOne(benchmark::State& state) {
  const std::vector<std::string> storage = {"alpha",   "bravo", "charlie", "delta", "echo",
                                            "foxtrot", "golf",  "hotel",   "india", "juliett"};
  WriteReplies(state, [&](ReplyBuilder& rb, int) {
    rb.ArrayHeader(storage.size());
    for (const std::string& s : storage) rb.Bulk(s);
  });
}
BENCHMARK(BM_ReplyArrayOf10BulksOneByOne)->Arg(2);

void BM_ReplyDouble(benchmark::State& state) {
  WriteReplies(state, [](ReplyBuilder& rb, int i) { rb.Double(i * 1.1); });
}
BENCHMARK(BM_ReplyDouble)->Arg(2)->Arg(3);

}  // namespace
}  // namespace shoal::resp

BENCHMARK_MAIN();
