#include "query_service/store_worker_pool.h"

#include <utility>

#include "absl/status/status.h"

namespace evtrade::query {

absl::StatusOr<std::unique_ptr<StoreWorkerPool>> StoreWorkerPool::Start(
    int threads, const StoreFactory& open_store) {
  if (threads < 1) {
    return absl::InvalidArgumentError("worker threads must be at least 1");
  }
  std::vector<std::unique_ptr<store::QueryStore>> stores;
  for (int i = 0; i < threads; ++i) {
    absl::StatusOr<std::unique_ptr<store::QueryStore>> opened = open_store();
    if (!opened.ok()) return opened.status();
    stores.push_back(*std::move(opened));
  }
  return std::unique_ptr<StoreWorkerPool>(
      new StoreWorkerPool(std::move(stores)));
}

StoreWorkerPool::StoreWorkerPool(
    std::vector<std::unique_ptr<store::QueryStore>> stores)
    : stores_(std::move(stores)) {
  threads_.reserve(stores_.size());
  for (auto& store : stores_) {
    threads_.emplace_back([this, s = store.get()] { Work(*s); });
  }
}

StoreWorkerPool::~StoreWorkerPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

void StoreWorkerPool::Post(Task task) {
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(task));
}

void StoreWorkerPool::Work(store::QueryStore& store) {
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !tasks_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (tasks_.empty()) return;  // stopping, and nothing left to run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    std::move(task)(store);
  }
}

}  // namespace evtrade::query
