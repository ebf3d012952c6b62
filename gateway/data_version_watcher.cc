#include "gateway/data_version_watcher.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <string>
#include <utility>

#include "spdlog/spdlog.h"

namespace evtrade::gateway {

// One WatchDataVersion call. Created and deleted by the runner thread;
// gRPC runs its callbacks on its own threads. OnDone's last act is to tell
// the watcher, after which gRPC no longer touches the reactor.
class DataVersionWatcher::Stream final
    : public grpc::ClientReadReactor<v1::WatchDataVersionResponse> {
 public:
  Stream(DataVersionWatcher* watcher, v1::QueryService::Stub* stub)
      : watcher_(watcher) {
    stub->async()->WatchDataVersion(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void Cancel() { context_.TryCancel(); }
  const grpc::Status& status() const { return status_; }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream ended: OnDone follows
    watcher_->Told(response_.data_version());
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    status_ = status;
    watcher_->StreamEnded();
  }

 private:
  DataVersionWatcher* const watcher_;
  grpc::ClientContext context_;
  v1::WatchDataVersionRequest request_;
  v1::WatchDataVersionResponse response_;
  grpc::Status status_;
};

DataVersionWatcher::DataVersionWatcher(std::shared_ptr<grpc::Channel> channel,
                                       const DataVersionWatcherConfig& config)
    : stub_(v1::QueryService::NewStub(std::move(channel))), config_(config) {
  runner_ = std::thread([this] { Run(); });
}

DataVersionWatcher::~DataVersionWatcher() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (stream_ != nullptr) stream_->Cancel();
  }
  runner_.join();
}

std::optional<int64_t> DataVersionWatcher::Known() const {
  absl::MutexLock lock(&mu_);
  return known_;
}

bool DataVersionWatcher::WaitFor(std::optional<int64_t> version,
                                 absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  struct Want {
    const DataVersionWatcher* watcher;
    std::optional<int64_t> version;
  } want{this, version};
  return mu_.AwaitWithTimeout(absl::Condition(
                                  +[](Want* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                                    return w->watcher->known_ == w->version;
                                  },
                                  &want),
                              timeout);
}

int DataVersionWatcher::streams_opened() const {
  absl::MutexLock lock(&mu_);
  return streams_opened_;
}

void DataVersionWatcher::Told(int64_t version) {
  absl::MutexLock lock(&mu_);
  if (!stream_open_) return;
  if (!told_) spdlog::info("data_version watch established at {}", version);
  known_ = version;
  told_ = true;
}

void DataVersionWatcher::StreamEnded() {
  absl::MutexLock lock(&mu_);
  // From here on the version is asked per report until a new stream tells.
  known_.reset();
  stream_open_ = false;
}

void DataVersionWatcher::Run() {
  absl::Duration backoff = config_.initial_backoff;
  std::string last_failure;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      stream_open_ = true;
      told_ = false;
      ++streams_opened_;
    }
    auto stream = std::make_unique<Stream>(this, stub_.get());
    bool delivered = false;
    {
      absl::MutexLock lock(&mu_);
      stream_ = stream.get();
      if (stopping_) stream_->Cancel();
      mu_.Await(absl::Condition(
          +[](DataVersionWatcher* w)
               ABSL_NO_THREAD_SAFETY_ANALYSIS { return !w->stream_open_; },
          this));
      stream_ = nullptr;
      delivered = told_;
      if (stopping_) return;
    }
    const std::string failure = stream->status().error_message();
    stream.reset();
    if (delivered) {
      spdlog::warn(
          "data_version watch ended ({}): asking for data_version per "
          "report until it is back",
          failure);
      backoff = config_.initial_backoff;
    } else if (failure != last_failure) {
      spdlog::info("data_version watch not established ({}); retrying",
                   failure);
    }
    last_failure = failure;
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), backoff);
    if (stopping_) return;
    backoff = std::min(backoff * 2, config_.max_backoff);
  }
}

}  // namespace evtrade::gateway
