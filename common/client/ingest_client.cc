#include "common/client/ingest_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/server/grpc_status.h"
#include "common/tls/tls_config.h"
#include "common/util/ingest_limits.h"

namespace evtrade {
namespace {

// The client sends at most what the service accepts.
constexpr int kMaxMessageBytes = static_cast<int>(kMaxIngestMessageBytes);

void Prepare(grpc::ClientContext& context, const std::string& token,
             absl::Duration timeout) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

}  // namespace

IngestStream::IngestStream(v1::IngestService::Stub* stub,
                           const IngestClientConfig& config,
                           IngestOptions options)
    : options_(std::move(options)) {
  Prepare(context_, config.token, config.stream_timeout);
  writer_ = stub->Ingest(&context_, &response_);
}

IngestStream::~IngestStream() {
  if (!finished_) Cancel();
}

bool IngestStream::Send(std::vector<v1::TradeRecord> records) {
  v1::IngestRequest request;
  if (first_) {
    first_ = false;
    request.set_request_id(options_.request_id);
    request.set_source(options_.source);
    request.set_all_or_nothing(options_.all_or_nothing);
  }
  request.mutable_records()->Reserve(static_cast<int>(records.size()));
  for (v1::TradeRecord& record : records) {
    *request.add_records() = std::move(record);
  }
  return writer_->Write(request);
}

absl::StatusOr<v1::IngestResponse> IngestStream::Finish() {
  finished_ = true;
  if (first_) {
    // Even an empty stream says who it is, so a replay is recognised.
    Send({});
  }
  writer_->WritesDone();
  grpc::Status status = writer_->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return std::move(response_);
}

void IngestStream::Cancel() {
  finished_ = true;
  context_.TryCancel();
  // Reap the call so its resources go; the status is CANCELLED.
  writer_->Finish().IgnoreError();
}

IngestClient::IngestClient(IngestClientConfig config)
    : config_(std::move(config)) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  channel_ = grpc::CreateCustomChannel(
      config_.address, MakeChannelCredentials(config_.tls), args);
  stub_ = v1::IngestService::NewStub(channel_);
}

std::unique_ptr<IngestStream> IngestClient::StartIngest(IngestOptions options) {
  return std::unique_ptr<IngestStream>(
      new IngestStream(stub_.get(), config_, std::move(options)));
}

absl::StatusOr<v1::ListBatchesResponse> IngestClient::ListBatches(
    int page_size, const std::string& page_token) {
  grpc::ClientContext context;
  Prepare(context, config_.token, config_.call_timeout);
  v1::ListBatchesRequest request;
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  v1::ListBatchesResponse response;
  grpc::Status status = stub_->ListBatches(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace evtrade
