// The store's data_version as the query service learns it: one thread polls
// the store and tells every subscriber (the WatchDataVersion streams) of
// each change.
#ifndef EVTRADE_QUERY_SERVICE_DATA_VERSION_WATCH_H_
#define EVTRADE_QUERY_SERVICE_DATA_VERSION_WATCH_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/store/query_store.h"

namespace evtrade::query {

struct DataVersionWatchConfig {
  // Time between two reads of the store's data_version while anyone
  // watches. A commit is seen by the first read that starts after it, so
  // subscribers hear of it within poll_interval plus one read.
  absl::Duration poll_interval = absl::Milliseconds(1);
  // After a failed read (store unreachable), the next one waits this long.
  absl::Duration retry_interval = absl::Milliseconds(200);
};

// Told of the store's data_version. Both calls are made with the watch's
// lock held: they must not block nor call back into the watch.
class DataVersionListener {
 public:
  virtual ~DataVersionListener() = default;
  // The current data_version: the first call after Subscribe, then each
  // change (a subscriber may miss intermediate values, never the latest).
  virtual void OnDataVersion(int64_t data_version) = 0;
  // The watch cannot vouch for the version any more (a failed read, or
  // Stop()): the subscriber is dropped and hears nothing more.
  virtual void OnWatchEnded(const absl::Status& status) = 0;
};

// Reads the store's data_version every poll_interval while it has
// subscribers (no reads while nobody watches), on one thread with its own
// store connection. The read is the store's snapshot start (SQLite: one
// key lookup in `meta` inside a read transaction; PostgreSQL: the same
// over the connection), which costs microseconds on SQLite.
//
// A failed read ends every subscription (OnWatchEnded with the read's
// status): a subscriber must not go on trusting a version nobody checks.
//
// Thread-safe. Destroy only after every subscriber has unsubscribed.
class DataVersionWatch {
 public:
  using OpenStore =
      std::function<absl::StatusOr<std::unique_ptr<store::QueryStore>>()>;

  DataVersionWatch(OpenStore open_store, const DataVersionWatchConfig& config);
  ~DataVersionWatch();
  DataVersionWatch(const DataVersionWatch&) = delete;
  DataVersionWatch& operator=(const DataVersionWatch&) = delete;

  // Adds a listener: told the current version at once when one was read
  // since the last failure, else after the next successful read. After
  // Stop(), OnWatchEnded(UNAVAILABLE) at once instead.
  void Subscribe(DataVersionListener* listener);
  // After it returns the listener is never called again.
  void Unsubscribe(DataVersionListener* listener);

  // Ends every subscription with UNAVAILABLE (the server shuts down) and
  // refuses new ones; stops polling.
  void Stop();

  // Successful reads so far (for tests).
  int64_t reads() const;

 private:
  void Poll();
  void EndAllLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const OpenStore open_store_;
  const DataVersionWatchConfig config_;
  mutable absl::Mutex mu_;
  absl::flat_hash_set<DataVersionListener*> listeners_ ABSL_GUARDED_BY(mu_);
  std::optional<int64_t> current_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t reads_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread poller_;
};

}  // namespace evtrade::query

#endif  // EVTRADE_QUERY_SERVICE_DATA_VERSION_WATCH_H_
