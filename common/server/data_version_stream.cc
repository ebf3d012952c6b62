#include "common/server/data_version_stream.h"

#include <utility>

namespace evtrade {

void DataVersionStream::Tell(int64_t data_version) {
  absl::MutexLock lock(&mu_);
  latest_ = data_version;
  MaybeWriteLocked();
}

void DataVersionStream::End(grpc::Status status) {
  absl::MutexLock lock(&mu_);
  EndLocked(std::move(status));
}

void DataVersionStream::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  if (!ok) {
    // The client went away; OnCancel or OnDone follows.
    EndLocked(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
    return;
  }
  if (end_.has_value()) {
    FinishLocked();
    return;
  }
  MaybeWriteLocked();
}

void DataVersionStream::OnCancel() {
  End(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
}

void DataVersionStream::OnDone() {
  Detach();
  delete this;
}

void DataVersionStream::MaybeWriteLocked() {
  if (writing_ || end_.has_value() || latest_ == sent_) return;
  response_.set_data_version(latest_);
  sent_ = latest_;
  writing_ = true;
  StartWrite(&response_);
}

void DataVersionStream::EndLocked(grpc::Status status) {
  if (end_.has_value()) return;
  end_ = std::move(status);
  if (!writing_) FinishLocked();
}

void DataVersionStream::FinishLocked() {
  if (finished_) return;
  finished_ = true;
  Finish(*end_);
}

}  // namespace evtrade
