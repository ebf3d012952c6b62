// Latency percentiles and throughput of a set of timed calls.
#ifndef EVTRADE_BENCH_LOAD_LATENCY_H_
#define EVTRADE_BENCH_LOAD_LATENCY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace evtrade::bench {

struct LatencySummary {
  int64_t calls = 0;   // calls that succeeded (the percentiles are theirs)
  int64_t errors = 0;  // calls that failed
  std::string first_error;
  double seconds = 0;  // wall time of the whole run
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  double mean_ms = 0;
  double per_second = 0;  // successful calls / seconds
};

// Nearest-rank percentiles (the smallest latency with at least p% of the
// calls at or below it) of `latencies`, which it sorts.
LatencySummary Summarize(std::vector<absl::Duration> latencies, int64_t errors,
                         absl::Duration elapsed);

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_LOAD_LATENCY_H_
