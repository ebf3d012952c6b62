// A single worker thread running posted tasks in order. Used to move
// blocking work (SQLite writes) off gRPC's callback threads, which must never
// block.
#ifndef EVTRADE_COMMON_UTIL_SERIAL_EXECUTOR_H_
#define EVTRADE_COMMON_UTIL_SERIAL_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace evtrade {

// Thread-safe. Tasks run one at a time, in the order they were posted, on
// the executor's own thread. The destructor runs every task already posted
// (tasks may post more) and then joins the thread; posting from another
// thread during destruction is a bug.
class SerialExecutor {
 public:
  SerialExecutor();
  ~SerialExecutor();
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  void Post(std::function<void()> task);

 private:
  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts after the fields above exist
};

}  // namespace evtrade

#endif  // EVTRADE_COMMON_UTIL_SERIAL_EXECUTOR_H_
