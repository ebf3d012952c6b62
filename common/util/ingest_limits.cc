#include "common/util/ingest_limits.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"

namespace evtrade {

int IngestTransportReceiveLimit(const IngestMessageLimits& limits) {
  constexpr int64_t kFactor = 4;
  constexpr int64_t kMax = std::numeric_limits<int>::max();
  return static_cast<int>(
      std::min(kMax, std::max<int64_t>(limits.max_bytes, 0) * kFactor));
}

absl::Status CheckIngestMessage(int64_t records, int64_t bytes,
                                const IngestMessageLimits& limits) {
  if (bytes > limits.max_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "message of ", bytes, " bytes is over the limit of ", limits.max_bytes,
        " bytes; send fewer records per message; nothing written"));
  }
  if (records > limits.max_records) {
    return absl::InvalidArgumentError(
        absl::StrCat("records: at most ", limits.max_records,
                     " per message, got ", records, "; nothing written"));
  }
  return absl::OkStatus();
}

}  // namespace evtrade
