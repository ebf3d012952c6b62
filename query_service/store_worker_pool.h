// A small executor for blocking store reads: N threads, each owning its own
// QueryStore connection.
#ifndef EVTRADE_QUERY_SERVICE_STORE_WORKER_POOL_H_
#define EVTRADE_QUERY_SERVICE_STORE_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/store/query_store.h"

namespace evtrade::query {

// Runs posted tasks on `threads` worker threads; a task gets the connection
// of the thread it runs on, so no connection is ever used by two threads.
// Tasks run in the order posted (first free worker takes the oldest).
//
// Thread-safe: Post may be called from any thread. Destruction runs every
// task already posted, then joins the threads.
class StoreWorkerPool {
 public:
  using Task = absl::AnyInvocable<void(store::QueryStore&) &&>;
  using StoreFactory =
      std::function<absl::StatusOr<std::unique_ptr<store::QueryStore>>()>;

  // Opens one store per thread with `open_store` (all before any thread
  // starts, so a bad store path fails here).
  static absl::StatusOr<std::unique_ptr<StoreWorkerPool>> Start(
      int threads, const StoreFactory& open_store);

  ~StoreWorkerPool();
  StoreWorkerPool(const StoreWorkerPool&) = delete;
  StoreWorkerPool& operator=(const StoreWorkerPool&) = delete;

  void Post(Task task);

 private:
  explicit StoreWorkerPool(
      std::vector<std::unique_ptr<store::QueryStore>> stores);
  void Work(store::QueryStore& store);

  absl::Mutex mu_;
  std::deque<Task> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::unique_ptr<store::QueryStore>> stores_;
  std::vector<std::thread> threads_;
};

}  // namespace evtrade::query

#endif  // EVTRADE_QUERY_SERVICE_STORE_WORKER_POOL_H_
