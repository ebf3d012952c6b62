#include "bench/load/ingest_stream.h"

#include <chrono>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/server/grpc_status.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/client_callback.h"

namespace evtrade::bench {
namespace {

class IngestWriter final : public grpc::ClientWriteReactor<v1::IngestRequest> {
 public:
  IngestWriter(const IngestStreamConfig& config, SyntheticTrade& gen)
      : config_(config), gen_(gen) {}

  absl::StatusOr<IngestRun> Run(v1::IngestService::Stub& stub) {
    context_.AddMetadata("authorization", "Bearer " + config_.token);
    context_.set_deadline(std::chrono::system_clock::now() +
                          absl::ToChronoSeconds(config_.deadline));
    const absl::Time begin = absl::Now();
    stub.async()->Ingest(&context_, &response_, this);
    request_.set_source(config_.source);
    WriteNext();
    StartCall();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
    if (!status_.ok()) return FromGrpcStatus(status_);
    return IngestRun{response_, absl::Now() - begin};
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return;  // the stream broke; OnDone reports why
    request_.Clear();
    WriteNext();
  }

  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }

 private:
  // Fills request_ with the next message, or half-closes at the end.
  void WriteNext() {
    v1::TradeRecord record;
    while (request_.records_size() < config_.records_per_message &&
           gen_.Next(record)) {
      *request_.add_records() = std::move(record);
    }
    if (request_.records_size() == 0) {
      StartWritesDone();
    } else {
      StartWrite(&request_);
    }
  }

  const IngestStreamConfig& config_;
  SyntheticTrade& gen_;
  grpc::ClientContext context_;
  v1::IngestRequest request_;
  v1::IngestResponse response_;

  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<IngestRun> IngestAll(v1::IngestService::Stub& stub,
                                    const IngestStreamConfig& config,
                                    SyntheticTrade& gen) {
  IngestWriter writer(config, gen);
  return writer.Run(stub);
}

}  // namespace evtrade::bench
