// evtrade.v1.IngestService: the only way records enter the store.
#ifndef EVTRADE_INGEST_SERVICE_INGEST_SERVICE_H_
#define EVTRADE_INGEST_SERVICE_INGEST_SERVICE_H_

#include <cstdint>
#include <deque>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/store/ingest_store.h"
#include "common/util/serial_executor.h"
#include "evtrade/v1/ingest_service.grpc.pb.h"

namespace evtrade {

struct IngestServiceConfig {
  // Writers send "authorization: Bearer <token>"; must not be empty.
  std::string token{};
  // Larger messages are refused with INVALID_ARGUMENT and the whole stream
  // writes nothing (the contract says 10,000).
  int max_records_per_message = 10000;
  // Larger messages are refused with RESOURCE_EXHAUSTED by the service
  // itself, and the stream writes nothing. The server's gRPC receive limit
  // must be set above this (see kTransportMessageLimitFactor): a message
  // refused by gRPC's own size check reaches the reactor as a plain end of
  // stream whose cancellation may be reported only later, so it could
  // otherwise be mistaken for a half-close and committed.
  int64_t max_message_bytes = 16 * 1024 * 1024;
  // Errors listed in a response; `rejected` counts all of them.
  int max_errors = 1000;
  // Stored as Batch.writer for streams authenticated by the token.
  std::string writer_label = "token";
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
// drops its BatchWriter, which rolls the transaction back.
//
// Thread-safe. `store` is not owned and must outlive the service; the gRPC
// server must be shut down (all calls done) before the service is destroyed.
// The gRPC receive limit for the ingest server, as a multiple of
// IngestServiceConfig::max_message_bytes.
inline constexpr int kTransportMessageLimitFactor = 4;

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
  IngestServiceImpl(IngestServiceConfig config, store::IngestStore* store);
  ~IngestServiceImpl() override;

  // Raw IngestRequest messages in, a serialized IngestResponse out.
  grpc::ServerReadReactor<grpc::ByteBuffer>* Ingest(
      grpc::CallbackServerContext* context,
      grpc::ByteBuffer* response) override;

  grpc::ServerUnaryReactor* ListBatches(
      grpc::CallbackServerContext* context,
      const v1::ListBatchesRequest* request,
      v1::ListBatchesResponse* response) override;

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

  const IngestServiceConfig config_;
  store::IngestStore* const store_;

  absl::Mutex slot_mu_;
  bool slot_taken_ ABSL_GUARDED_BY(slot_mu_) = false;
  std::deque<IngestReactor*> waiting_ ABSL_GUARDED_BY(slot_mu_);

  // Last, so they are destroyed (draining their tasks) first.
  SerialExecutor writer_;  // every store call of Ingest
  SerialExecutor lister_;  // ListBatches, so it never waits behind a stream
};

}  // namespace evtrade

#endif  // EVTRADE_INGEST_SERVICE_INGEST_SERVICE_H_
