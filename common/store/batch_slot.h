// Pieces both IngestStore backends share: the in-process writer slot and the
// state checks of a BatchWriter. Store-internal.
#ifndef EVTRADE_COMMON_STORE_BATCH_SLOT_H_
#define EVTRADE_COMMON_STORE_BATCH_SLOT_H_

#include <cstdint>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace evtrade::store {

// One BatchWriter of a store at a time within the process: Acquire blocks
// while another holds the slot. Thread-safe.
class WriterSlot {
 public:
  void Acquire();
  void Release();

 private:
  absl::Mutex mu_;
  bool taken_ ABSL_GUARDED_BY(mu_) = false;
};

// Whether a BatchWriter may still write: ABORTED (with the first error)
// once a statement failed, FAILED_PRECONDITION once committed.
absl::Status CheckBatchUsable(int64_t batch_id,
                              const std::optional<absl::Status>& failed,
                              bool committed);

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_BATCH_SLOT_H_
