// evtrade.v1.IngestService: the only way records enter the store.
#ifndef EVTRADE_INGEST_SERVICE_INGEST_SERVICE_H_
#define EVTRADE_INGEST_SERVICE_INGEST_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/store/ingest_store.h"
#include "common/util/ingest_limits.h"
#include "common/util/serial_executor.h"
#include "evtrade/v1/ingest_service.grpc.pb.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace evtrade {

struct IngestServiceConfig {
  // Writers send "authorization: Bearer <token>"; must not be empty.
  std::string token{};
  // A message over these is refused (CheckIngestMessage) and the whole
  // stream writes nothing. The server's gRPC receive limit must be
  // IngestTransportReceiveLimit(message_limits).
  IngestMessageLimits message_limits{};
  // Errors listed in a response; `rejected` counts all of them.
  int max_errors = 1000;
  // Stored as Batch.writer for streams authenticated by the token.
  std::string writer_label = "token";
  // A stream holding the writer slot that sends no message (and does not
  // half-close) for this long is ended with ABORTED, its batch rolled back,
  // and the slot goes to the next stream: one stalled client cannot block
  // every writer.
  absl::Duration stream_idle_timeout = absl::Seconds(30);
};

// The IngestService on gRPC's callback API.
//
// Ingest: each stream is a reactor. SQLite writes block, so gRPC's threads
// never touch the store: every store call runs on `writer_`, one thread.
// The store admits one open batch at a time, so streams take turns through
// a FIFO writer slot; a waiting stream does not read its messages (gRPC flow
// control holds the client back), and a stream holding the slot reads its
// next message only after the previous one was written. Memory per stream is
// therefore one message. A stream that is cancelled, times out or breaks
// drops its BatchWriter, which rolls the transaction back. A stream that
// holds the slot and sends nothing for config.stream_idle_timeout is ended
// with ABORTED ("idle ..., nothing written") and rolled back: ABORTED, not
// DEADLINE_EXCEEDED, because no deadline of the caller expired -- the
// server aborted the caller's transaction to free the one writer, and the
// gRPC status code guide's answer to an aborted transaction is to retry it
// at a higher level (the whole stream), which is what the client must do.
//
// Metrics, added to the registry given to the constructor:
//   evtrade_ingest_records_total{outcome}: records of the streams answered
//     OK (replays excluded), by outcome: inserted, updated, unchanged,
//     rejected -- the sums of the responses' counts, hence of the
//     committed batches' counts in ListBatches (an all_or_nothing stream
//     with an invalid record counts every record rejected).
//   evtrade_store_last_ingest_timestamp_seconds: ingest time of the newest
//     batch in the store, read at start (0 for an empty store) and set at
//     every commit of this process (other ingest replicas' commits show on
//     their own gauge: take the max over replicas).
//
// Thread-safe. `store` is not owned and must outlive the service; the gRPC
// server must be shut down (all calls done) before the service is destroyed.
//
// Ingest reads raw messages and parses them itself: gRPC reports a message
// it cannot parse (e.g. a string field that is not UTF-8, which protobuf's
// C++ serializer only logs) to a streaming reader exactly like the client's
// half-close, and a half-close commits. Parsing here turns it into
// INVALID_ARGUMENT for the whole stream.
class IngestServiceImpl final
    : public v1::IngestService::WithCallbackMethod_ListBatches<
          v1::IngestService::WithRawCallbackMethod_Ingest<
              v1::IngestService::Service>> {
 public:
  // `registry` null: the metrics go to a registry of the service's own.
  IngestServiceImpl(IngestServiceConfig config, store::IngestStore* store,
                    std::shared_ptr<prometheus::Registry> registry = nullptr);
  ~IngestServiceImpl() override;

  // Raw IngestRequest messages in, a serialized IngestResponse out.
  grpc::ServerReadReactor<grpc::ByteBuffer>* Ingest(
      grpc::CallbackServerContext* context,
      grpc::ByteBuffer* response) override;

  grpc::ServerUnaryReactor* ListBatches(
      grpc::CallbackServerContext* context,
      const v1::ListBatchesRequest* request,
      v1::ListBatchesResponse* response) override;

  // For tests: waits until a stream holds the writer slot and at least
  // `waiting` streams wait for it; false when `timeout` passes first.
  bool AwaitWriterSlot(size_t waiting, absl::Duration timeout);

 private:
  class IngestReactor;

  // UNAUTHENTICATED unless the call carries the configured bearer token.
  grpc::Status Authenticate(const grpc::CallbackServerContext& context) const;

  // The writer slot. Grants it to `stream` now (calling OnSlotGranted) or
  // queues it; the holder calls ReleaseSlot, which grants the next one.
  void RequestSlot(IngestReactor* stream);
  // Removes a queued stream (cancelled while waiting); false when it holds
  // or held the slot already.
  bool CancelWaiting(IngestReactor* stream);
  void ReleaseSlot();

  // The idle timer of the slot holder's outstanding read `read`: when it
  // runs out, the stream's OnIdle(read) runs on the writer thread. Arming
  // replaces the previous timer; disarming is a no-op unless `stream` is
  // the one armed.
  void ArmIdleTimer(IngestReactor* stream, int64_t read);
  void DisarmIdleTimer(IngestReactor* stream);
  void WatchIdleStreams();  // the idle_watcher_ thread

  // A stream answered OK with `response` (not a replay): counts its
  // records by outcome.
  void CountOutcomes(const v1::IngestResponse& response);

  const IngestServiceConfig config_;
  store::IngestStore* const store_;

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Counter* inserted_;
  prometheus::Counter* updated_;
  prometheus::Counter* unchanged_;
  prometheus::Counter* rejected_;
  prometheus::Gauge* last_ingest_;

  absl::Mutex slot_mu_;
  bool slot_taken_ ABSL_GUARDED_BY(slot_mu_) = false;
  std::deque<IngestReactor*> waiting_ ABSL_GUARDED_BY(slot_mu_);

  absl::Mutex idle_mu_;
  IngestReactor* idle_stream_ ABSL_GUARDED_BY(idle_mu_) = nullptr;
  int64_t idle_read_ ABSL_GUARDED_BY(idle_mu_) = 0;
  absl::Time idle_deadline_ ABSL_GUARDED_BY(idle_mu_);
  int64_t idle_changes_ ABSL_GUARDED_BY(idle_mu_) = 0;
  bool idle_stopping_ ABSL_GUARDED_BY(idle_mu_) = false;

  // Last, so they are destroyed (draining their tasks) first. Reactors are
  // deleted on writer_, after every task they posted.
  SerialExecutor writer_;     // every store call of Ingest
  SerialExecutor lister_;     // ListBatches, so it never waits behind a stream
  std::thread idle_watcher_;  // started last, joined first
};

}  // namespace evtrade

#endif  // EVTRADE_INGEST_SERVICE_INGEST_SERVICE_H_
