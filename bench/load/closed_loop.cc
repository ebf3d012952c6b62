#include "bench/load/closed_loop.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace evtrade::bench {
namespace {

constexpr int64_t kMaxErrors = 100;

// State shared by the callers of one run. Each caller's calls are
// sequential, so its latency vector is only ever touched by one call chain
// at a time.
class Run {
 public:
  Run(const LoadConfig& config, const StartCall& start)
      : config_(config),
        start_(start),
        deadline_(absl::Now() + config.duration),
        latencies_(config.callers),
        active_(config.callers) {}

  void Issue(int caller) {
    const int64_t sequence = next_.fetch_add(1);
    // The stop flag spares each caller's first call, so that every run
    // measures something.
    if (sequence >= config_.max_calls || absl::Now() >= deadline_ ||
        (config_.stop != nullptr && config_.stop->load() &&
         sequence >= config_.callers)) {
      absl::MutexLock lock(&mu_);
      --active_;
      return;
    }
    const absl::Time begin = absl::Now();
    start_(caller, sequence, [this, caller, begin](const grpc::Status& status) {
      const absl::Duration latency = absl::Now() - begin;
      if (status.ok()) {
        latencies_[caller].push_back(latency);
      } else {
        absl::MutexLock lock(&mu_);
        if (errors_++ == 0) {
          first_error_ = std::to_string(status.error_code()) + " " +
                         status.error_message();
        }
        // A failing backend fails fast (and maybe inline): stop rather than
        // spin through the call budget.
        if (errors_ >= kMaxErrors) {
          --active_;
          return;
        }
      }
      Issue(caller);
    });
  }

  LatencySummary Wait(absl::Time began) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* active) { return *active == 0; }, &active_));
    const absl::Duration elapsed = absl::Now() - began;
    std::vector<absl::Duration> all;
    for (auto& one : latencies_) all.insert(all.end(), one.begin(), one.end());
    LatencySummary summary = Summarize(std::move(all), errors_, elapsed);
    summary.first_error = first_error_;
    return summary;
  }

 private:
  const LoadConfig config_;
  const StartCall& start_;
  const absl::Time deadline_;
  std::atomic<int64_t> next_{0};
  std::vector<std::vector<absl::Duration>> latencies_;

  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_);
  int64_t errors_ ABSL_GUARDED_BY(mu_) = 0;
  std::string first_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

LatencySummary RunClosedLoop(const LoadConfig& config, const StartCall& start) {
  const absl::Time began = absl::Now();
  auto run = std::make_unique<Run>(config, start);
  for (int caller = 0; caller < config.callers; ++caller) run->Issue(caller);
  return run->Wait(began);
}

}  // namespace evtrade::bench
