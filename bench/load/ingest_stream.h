// Streams synthetic records to IngestService.Ingest with the callback API:
// one stream, messages of `records_per_message`, each message filled while
// the previous write completes; the response arrives after the commit.
#ifndef EVTRADE_BENCH_LOAD_INGEST_STREAM_H_
#define EVTRADE_BENCH_LOAD_INGEST_STREAM_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/gen/synthetic_trade.h"
#include "evtrade/v1/ingest_service.grpc.pb.h"

namespace evtrade::bench {

struct IngestRun {
  evtrade::v1::IngestResponse response;
  absl::Duration elapsed;  // first write to the response (commit included)
};

struct IngestStreamConfig {
  std::string token;  // bearer token of the ingest service
  int records_per_message = 1000;
  std::string source = "bench";
  absl::Duration deadline = absl::Minutes(60);
};

// Sends every record `gen` produces as one stream and waits for the
// response. Blocks the calling thread; thread-compatible (one stream per
// call, `gen` used only by it).
absl::StatusOr<IngestRun> IngestAll(v1::IngestService::Stub& stub,
                                    const IngestStreamConfig& config,
                                    SyntheticTrade& gen);

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_LOAD_INGEST_STREAM_H_
