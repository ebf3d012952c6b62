#include "query_service/data_version_watch.h"

#include <utility>

#include "spdlog/spdlog.h"

namespace evtrade::query {

DataVersionWatch::DataVersionWatch(OpenStore open_store,
                                   const DataVersionWatchConfig& config)
    : open_store_(std::move(open_store)), config_(config) {
  poller_ = std::thread([this] { Poll(); });
}

DataVersionWatch::~DataVersionWatch() {
  Stop();
  poller_.join();
}

void DataVersionWatch::Subscribe(DataVersionListener* listener) {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    listener->OnWatchEnded(absl::UnavailableError("the server is stopping"));
    return;
  }
  listeners_.insert(listener);
  if (current_.has_value()) listener->OnDataVersion(*current_);
}

void DataVersionWatch::Unsubscribe(DataVersionListener* listener) {
  absl::MutexLock lock(&mu_);
  listeners_.erase(listener);
}

void DataVersionWatch::Stop() {
  absl::MutexLock lock(&mu_);
  if (stopping_) return;
  stopping_ = true;
  EndAllLocked(absl::UnavailableError("the server is stopping"));
}

int64_t DataVersionWatch::reads() const {
  absl::MutexLock lock(&mu_);
  return reads_;
}

void DataVersionWatch::EndAllLocked(const absl::Status& status) {
  for (DataVersionListener* listener : listeners_) {
    listener->OnWatchEnded(status);
  }
  listeners_.clear();
}

void DataVersionWatch::Poll() {
  std::unique_ptr<store::QueryStore> store;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      // No reads while nobody watches.
      mu_.Await(absl::Condition(
          +[](DataVersionWatch* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu_) {
            return w->stopping_ || !w->listeners_.empty();
          },
          this));
      if (stopping_) return;
    }
    // The read runs unlocked: subscribers come and go meanwhile.
    absl::Status failure;
    std::optional<int64_t> version;
    if (store == nullptr) {
      absl::StatusOr<std::unique_ptr<store::QueryStore>> opened = open_store_();
      if (opened.ok()) {
        store = *std::move(opened);
      } else {
        failure = opened.status();
      }
    }
    if (store != nullptr) {
      // The snapshot ends at once: only its data_version is wanted.
      absl::StatusOr<std::unique_ptr<store::QuerySnapshot>> snapshot =
          store->BeginSnapshot();
      if (snapshot.ok()) {
        version = (*snapshot)->data_version();
      } else {
        failure = snapshot.status();
      }
    }
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    absl::Duration pause = config_.poll_interval;
    if (version.has_value()) {
      ++reads_;
      if (current_ != version) {
        current_ = version;
        for (DataVersionListener* listener : listeners_) {
          listener->OnDataVersion(*version);
        }
      }
    } else {
      if (!listeners_.empty()) {
        spdlog::warn("data_version watch: ending {} stream(s): {}",
                     listeners_.size(), failure.ToString());
      }
      current_.reset();
      EndAllLocked(failure);
      pause = config_.retry_interval;
    }
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), pause);
    if (stopping_) return;
  }
}

}  // namespace evtrade::query
