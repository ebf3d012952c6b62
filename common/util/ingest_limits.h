// The per-message limits of evtrade.v1.IngestService.Ingest: the one home
// of the numbers and of the check. The service enforces them, the ingest
// client and the CLI stay within them, tests send at them.
#ifndef EVTRADE_COMMON_UTIL_INGEST_LIMITS_H_
#define EVTRADE_COMMON_UTIL_INGEST_LIMITS_H_

#include <cstdint>

#include "absl/status/status.h"

namespace evtrade {

// Records in one IngestRequest (the contract, ingest_service.proto).
inline constexpr int kMaxRecordsPerIngestMessage = 10'000;
// Serialized bytes of one IngestRequest. Records are bounded (common/domain
// /bounds.h), so a message of kMaxRecordsPerIngestMessage records fits.
inline constexpr int64_t kMaxIngestMessageBytes = 16 * 1024 * 1024;
struct IngestMessageLimits {
  int max_records = kMaxRecordsPerIngestMessage;
  int64_t max_bytes = kMaxIngestMessageBytes;
};

// The gRPC receive limit an ingest server sets for `limits`: four times
// max_bytes (at most INT_MAX). A message refused by gRPC's own size check
// reaches the service as a plain end of stream, whose cancellation may be
// reported only later, so it could be mistaken for a half-close and
// committed; the service's own check (CheckIngestMessage) must see every
// message over max_bytes first.
int IngestTransportReceiveLimit(const IngestMessageLimits& limits);

// OK for a message of `records` records and `bytes` serialized bytes within
// `limits`; else the status the service ends the stream with (nothing of the
// stream is written): RESOURCE_EXHAUSTED for bytes over max_bytes (checked
// first), INVALID_ARGUMENT for records over max_records.
absl::Status CheckIngestMessage(int64_t records, int64_t bytes,
                                const IngestMessageLimits& limits = {});

}  // namespace evtrade

#endif  // EVTRADE_COMMON_UTIL_INGEST_LIMITS_H_
