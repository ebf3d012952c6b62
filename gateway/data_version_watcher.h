// The gateway's view of the store's data_version, told by the query
// service over one long-lived WatchDataVersion stream rather than asked
// before every report.
#ifndef EVTRADE_GATEWAY_DATA_VERSION_WATCHER_H_
#define EVTRADE_GATEWAY_DATA_VERSION_WATCHER_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "evtrade/v1/query_service.grpc.pb.h"

namespace evtrade::gateway {

struct DataVersionWatcherConfig {
  // Pause before opening a new stream after one ended (or failed to open):
  // starts here, doubles per failed attempt up to max_backoff, and starts
  // over once a stream has delivered a version.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// Keeps one WatchDataVersion stream open on `channel` (the query client's
// channel, whose keepalive pings find a dead peer of the open stream: the
// stream has no deadline, as it is meant to live for the process), and
// reopens it with backoff whenever it ends.
//
// Known() is the last version told on the stream that is open now; nullopt
// from the moment the stream ends until a new one has told the current
// version. So a caller that trusts Known() never trusts a stream that is
// gone, and a caller that gets nullopt must ask (GetStoreInfo).
//
// Thread-safe. The destructor cancels the stream and waits for it to end.
class DataVersionWatcher {
 public:
  DataVersionWatcher(std::shared_ptr<grpc::Channel> channel,
                     const DataVersionWatcherConfig& config);
  ~DataVersionWatcher();
  DataVersionWatcher(const DataVersionWatcher&) = delete;
  DataVersionWatcher& operator=(const DataVersionWatcher&) = delete;

  std::optional<int64_t> Known() const;

  // For tests: waits until Known() is `version` (or, with nullopt, until
  // it is unknown); false after `timeout`.
  bool WaitFor(std::optional<int64_t> version, absl::Duration timeout) const;
  // Streams opened so far.
  int streams_opened() const;

 private:
  class Stream;
  void Run();
  // Stream callbacks (any gRPC thread).
  void Told(int64_t version);
  void StreamEnded();

  std::unique_ptr<v1::QueryService::Stub> stub_;
  const DataVersionWatcherConfig config_;
  mutable absl::Mutex mu_;
  std::optional<int64_t> known_ ABSL_GUARDED_BY(mu_);
  bool told_ ABSL_GUARDED_BY(mu_) = false;  // by the current stream
  bool stream_open_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int streams_opened_ ABSL_GUARDED_BY(mu_) = 0;
  Stream* stream_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread runner_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_DATA_VERSION_WATCHER_H_
