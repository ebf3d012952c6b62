// Benchmark results as JSON lines: one object per measurement, appended to
// a file that bench/write_report.py turns into docs/BENCHMARKS.md.
#ifndef EVTRADE_BENCH_LOAD_RESULTS_H_
#define EVTRADE_BENCH_LOAD_RESULTS_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "bench/load/latency.h"

namespace evtrade::bench {

// One measurement: an ordered set of fields.
class Result {
 public:
  explicit Result(std::string_view name);
  Result& Add(std::string_view key, std::string_view value);
  Result& Add(std::string_view key, const char* value) {
    return Add(key, std::string_view(value));
  }
  Result& Add(std::string_view key, int64_t value);
  Result& Add(std::string_view key, int value) {
    return Add(key, static_cast<int64_t>(value));
  }
  Result& Add(std::string_view key, double value);
  // calls, errors, first_error, seconds, p50_ms ... per_second.
  Result& Add(const LatencySummary& summary);

  // {"name": ..., ...} on one line.
  std::string ToJson() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;  // JSON values
};

// Appends to `path` (created when missing). Not thread-safe.
class ResultsFile {
 public:
  explicit ResultsFile(std::string path) : path_(std::move(path)) {}
  // Also echoes the line on stderr, for whoever watches the run.
  absl::Status Append(const Result& result);

 private:
  std::string path_;
};

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_LOAD_RESULTS_H_
