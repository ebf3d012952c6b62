// A small client of evtrade.v1.IngestService with domain-level methods. It
// owns the channel (made once, reused by every call) and the deadline policy
// of each call.
#ifndef EVTRADE_COMMON_CLIENT_INGEST_CLIENT_H_
#define EVTRADE_COMMON_CLIENT_INGEST_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/tls/tls_config.h"
#include "evtrade/v1/ingest_service.grpc.pb.h"

namespace evtrade {

struct IngestClientConfig {
  std::string address{};  // host:port of the ingest service
  std::string token{};    // bearer token sent with every call
  // Deadline of one whole Ingest stream, from StartIngest to the response:
  // a stream that takes longer is cancelled and writes nothing.
  absl::Duration stream_timeout = absl::Hours(1);
  // Deadline of unary calls (ListBatches).
  absl::Duration call_timeout = absl::Seconds(10);
  // TLS when it holds an identity or a CA (MakeChannelCredentials).
  TlsConfig tls{};
};

struct IngestOptions {
  std::string request_id{};  // idempotency key; empty = none
  std::string source{};      // provenance label for records without one
  bool all_or_nothing = false;
};

// One Ingest stream in progress. Not thread-safe. Destroying it before
// Finish cancels the stream, so nothing of it is written.
class IngestStream {
 public:
  ~IngestStream();
  IngestStream(const IngestStream&) = delete;
  IngestStream& operator=(const IngestStream&) = delete;

  // Sends one message (at most 10,000 records). False when the server has
  // already ended the stream (refused, replayed, failed): Finish says how.
  bool Send(std::vector<v1::TradeRecord> records);

  // Half-closes and waits for the server's answer, which comes only once
  // the batch is durably committed. At most once.
  absl::StatusOr<v1::IngestResponse> Finish();

  // Abandons the stream: the server rolls it back.
  void Cancel();

 private:
  friend class IngestClient;
  IngestStream(v1::IngestService::Stub* stub, const IngestClientConfig& config,
               IngestOptions options);

  grpc::ClientContext context_;
  v1::IngestResponse response_;
  std::unique_ptr<grpc::ClientWriter<v1::IngestRequest>> writer_;
  IngestOptions options_;
  bool first_ = true;
  bool finished_ = false;
};

// Thread-safe (gRPC stubs are).
class IngestClient {
 public:
  explicit IngestClient(IngestClientConfig config);

  // Opens a stream; records follow with Send.
  std::unique_ptr<IngestStream> StartIngest(IngestOptions options);

  // One page of batches, newest first.
  absl::StatusOr<v1::ListBatchesResponse> ListBatches(
      int page_size, const std::string& page_token);

 private:
  const IngestClientConfig config_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

}  // namespace evtrade

#endif  // EVTRADE_COMMON_CLIENT_INGEST_CLIENT_H_
