// A closed-loop load driver for asynchronous (callback API) gRPC calls:
// `callers` independent callers, each starting its next call as soon as its
// previous one completes, until a time limit or a call budget is reached.
#ifndef EVTRADE_BENCH_LOAD_CLOSED_LOOP_H_
#define EVTRADE_BENCH_LOAD_CLOSED_LOOP_H_

#include <atomic>
#include <cstdint>
#include <functional>

#include "absl/time/time.h"
#include "bench/load/latency.h"
#include "grpcpp/support/status.h"

namespace evtrade::bench {

struct LoadConfig {
  int callers = 1;
  // The run stops issuing calls once this much time has passed...
  absl::Duration duration = absl::Seconds(2);
  // ...or once this many calls have been started, whichever comes first.
  int64_t max_calls = 1'000'000;
  // ...or once this is true (when not null; each caller still makes at
  // least one call).
  const std::atomic<bool>* stop = nullptr;
};

// Called when a call completes, on any thread, exactly once per call.
using CallDone = std::function<void(const grpc::Status&)>;

// Starts call number `sequence` (0, 1, 2, ... over the whole run, each
// number once) for caller `caller` and returns without waiting; `done` is
// called when it completes. Must be thread-safe: callers run in parallel.
using StartCall =
    std::function<void(int caller, int64_t sequence, CallDone done)>;

// Runs the load and waits until every started call has completed. The
// latency of a call is from just before `start` to the call of `done`.
LatencySummary RunClosedLoop(const LoadConfig& config, const StartCall& start);

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_LOAD_CLOSED_LOOP_H_
