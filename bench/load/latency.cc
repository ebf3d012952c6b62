#include "bench/load/latency.h"

#include <algorithm>
#include <cmath>

namespace evtrade::bench {
namespace {

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

// `sorted` is not empty.
absl::Duration NearestRank(const std::vector<absl::Duration>& sorted,
                           double percent) {
  const double rank = std::ceil(percent / 100.0 * sorted.size());
  const size_t index = static_cast<size_t>(std::max(rank, 1.0)) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

LatencySummary Summarize(std::vector<absl::Duration> latencies, int64_t errors,
                         absl::Duration elapsed) {
  LatencySummary summary;
  summary.calls = static_cast<int64_t>(latencies.size());
  summary.errors = errors;
  summary.seconds = absl::ToDoubleSeconds(elapsed);
  if (latencies.empty()) return summary;
  std::sort(latencies.begin(), latencies.end());
  summary.p50_ms = Ms(NearestRank(latencies, 50));
  summary.p90_ms = Ms(NearestRank(latencies, 90));
  summary.p99_ms = Ms(NearestRank(latencies, 99));
  summary.max_ms = Ms(latencies.back());
  absl::Duration total;
  for (absl::Duration d : latencies) total += d;
  summary.mean_ms = Ms(total) / latencies.size();
  if (summary.seconds > 0) {
    summary.per_second = summary.calls / summary.seconds;
  }
  return summary;
}

}  // namespace evtrade::bench
