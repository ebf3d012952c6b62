// The server side of one WatchDataVersion stream, apart from where the
// versions come from (the query service's store watch, or a test's fake).
#ifndef EVTRADE_COMMON_SERVER_DATA_VERSION_STREAM_H_
#define EVTRADE_COMMON_SERVER_DATA_VERSION_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "evtrade/v1/query_service.pb.h"

namespace evtrade {

// Writes the latest version it was told, one write at a time: a version
// told while a write is in flight is written after it, and versions in
// between are skipped (a watcher needs the latest, not every one). Tell and
// End may be called with the caller's own lock held: gRPC runs OnWriteDone,
// OnCancel and OnDone on its own threads, never inside StartWrite or
// Finish, so neither side waits for the other.
//
// Deletes itself when gRPC is done with it, after calling Detach.
class DataVersionStream
    : public grpc::ServerWriteReactor<v1::WatchDataVersionResponse> {
 public:
  // Writes `data_version` now, or after the write in flight.
  void Tell(int64_t data_version);
  // Finishes the stream with `status` now, or after the write in flight;
  // the first end wins.
  void End(grpc::Status status);

  void OnWriteDone(bool ok) final;
  void OnCancel() final;
  void OnDone() final;

 protected:
  ~DataVersionStream() override = default;
  // Stops whatever tells this stream versions; called once, from OnDone,
  // just before the stream deletes itself.
  virtual void Detach() = 0;

 private:
  void MaybeWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EndLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  v1::WatchDataVersionResponse response_ ABSL_GUARDED_BY(mu_);
  int64_t latest_ ABSL_GUARDED_BY(mu_) = -1;
  int64_t sent_ ABSL_GUARDED_BY(mu_) = -1;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> end_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace evtrade

#endif  // EVTRADE_COMMON_SERVER_DATA_VERSION_STREAM_H_
