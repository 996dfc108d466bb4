// shoal-bench output: the summary table, the JSON document and the percentile dump.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_REPORT_H_
#define SHOAL_TOOLS_SHOAL_BENCH_REPORT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "tools/shoal-bench/histogram.h"
#include "tools/shoal-bench/runner.h"

namespace shoal::bench {

// Percentiles reported everywhere.
inline constexpr double kReportedPercentiles[] = {50, 90, 99, 99.9, 99.99};

std::string SummaryText(const RunResult& r);
std::string ToJson(const RunResult& r);
// HdrHistogram's text layout ("Value Percentile TotalCount 1/(1-Percentile)", values in ms),
// so existing plotters read it; 5 rows per halving of the distance to 100%.
std::string PercentileDistribution(const LatencyHistogram& h);

std::string JsonEscape(std::string_view s);
absl::Status WriteFile(const std::string& path, std::string_view content);

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_REPORT_H_
