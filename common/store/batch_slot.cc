#include "common/store/batch_slot.h"

#include "absl/strings/str_cat.h"

namespace evtrade::store {

void WriterSlot::Acquire() {
  mu_.LockWhen(absl::Condition(
      +[](bool* taken) { return !*taken; }, &taken_));
  taken_ = true;
  mu_.Unlock();
}

void WriterSlot::Release() {
  absl::MutexLock lock(&mu_);
  taken_ = false;
}

absl::Status CheckBatchUsable(int64_t batch_id,
                              const std::optional<absl::Status>& failed,
                              bool committed) {
  if (failed.has_value()) {
    return absl::AbortedError(absl::StrCat(
        "batch ", batch_id,
        " failed earlier and writes nothing: ", failed->message()));
  }
  if (committed) {
    return absl::FailedPreconditionError(
        absl::StrCat("batch ", batch_id, " is already committed"));
  }
  return absl::OkStatus();
}

}  // namespace evtrade::store
