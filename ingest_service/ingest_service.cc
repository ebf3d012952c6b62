#include "ingest_service/ingest_service.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include <optional>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/domain/paging.h"
#include "common/domain/record_validation.h"
#include "common/server/grpc_status.h"
#include "common/store/write_records.h"
#include "common/util/token.h"

namespace evtrade {
namespace {

constexpr absl::string_view kPageTokenPrefix = "batches-before:";

std::string EncodePageToken(int64_t before_batch_id) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kPageTokenPrefix, before_batch_id));
}

// nullopt for a token we did not make.
std::optional<int64_t> DecodePageToken(const std::string& token) {
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded)) return std::nullopt;
  absl::string_view raw = decoded;
  if (!absl::ConsumePrefix(&raw, kPageTokenPrefix)) return std::nullopt;
  int64_t before = 0;
  if (!absl::SimpleAtoi(raw, &before) || before <= 0) return std::nullopt;
  return before;
}

void ToProto(const store::BatchInfo& info, v1::Batch& batch) {
  batch.set_batch_id(info.batch_id);
  batch.set_request_id(info.meta.request_id);
  batch.set_source(info.meta.source);
  batch.set_writer(info.meta.writer);
  const int64_t seconds = absl::ToUnixSeconds(info.ingest_time);
  batch.mutable_ingest_time()->set_seconds(seconds);
  batch.mutable_ingest_time()->set_nanos(
      static_cast<int32_t>((info.ingest_time - absl::FromUnixSeconds(seconds)) /
                           absl::Nanoseconds(1)));
  batch.set_received(info.counts.received);
  batch.set_inserted(info.counts.inserted);
  batch.set_updated(info.counts.updated);
  batch.set_unchanged(info.counts.unchanged);
  batch.set_rejected(info.counts.rejected);
  batch.set_data_version(info.data_version);
}

}  // namespace

// One Ingest stream. Constructed on a gRPC thread; OnReadDone hands each
// message to the service's writer thread, where all store work and the
// decision to read on or finish are made. Deletes itself in OnDone.
class IngestServiceImpl::IngestReactor final
    : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  IngestReactor(IngestServiceImpl* service,
                grpc::CallbackServerContext* context,
                grpc::ByteBuffer* response)
      : service_(service), context_(context), raw_response_(response) {}

  // Called once the stream holds the writer slot (any thread).
  void OnSlotGranted() {
    holds_slot_ = true;
    ReadNext();
  }

  void OnReadDone(bool ok) override {
    read_pending_.store(false, std::memory_order_release);
    service_->DisarmIdleTimer(this);
    service_->writer_.Post([this, ok] {
      if (finished_) return;  // ended while this read was outstanding
      if (ok) {
        HandleMessage();
      } else {
        HandleEnd();
      }
    });
  }

  void OnCancel() override {
    // A stream still waiting for the slot has no read pending that could
    // fail, so it must be finished here; any other stream learns of the
    // cancellation from its failing read.
    if (service_->CancelWaiting(this)) {
      Finish(Ended("while waiting for the writer slot"));
    }
  }

  // Deleted on the writer thread, after every task this stream posted.
  void OnDone() override {
    service_->writer_.Post([this] { delete this; });
  }

  // Writer thread: the idle timer of read `read` ran out. Ends the stream
  // unless that read has completed since.
  void OnIdle(int64_t read) {
    if (finished_ || read != reads_.load(std::memory_order_acquire) ||
        !read_pending_.load(std::memory_order_acquire)) {
      return;
    }
    Reply(grpc::Status(
        grpc::StatusCode::ABORTED,
        absl::StrCat(
            "stream idle for ",
            absl::FormatDuration(service_->config_.stream_idle_timeout),
            " while holding the writer slot (the server's stream "
            "idle timeout); rolled back, nothing written; send the "
            "whole stream again")));
  }

 private:
  // Starts the next read; a slot holder's read runs under the idle timer.
  void ReadNext() {
    const int64_t read = reads_.fetch_add(1, std::memory_order_acq_rel) + 1;
    read_pending_.store(true, std::memory_order_release);
    if (holds_slot_) service_->ArmIdleTimer(this, read);
    StartRead(&raw_request_);
  }

  // Writer thread from here on.
  void HandleMessage() {
    const int64_t message_index = messages_++;
    const size_t message_bytes = raw_request_.Length();  // parsing clears it
    // A retry of a committed request id gets its stored answer before any
    // other check: the first thing after parsing is the replay lookup.
    if (!grpc::SerializationTraits<v1::IngestRequest>::Deserialize(
             &raw_request_, &request_)
             .ok()) {
      return Reply(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          absl::StrCat("message ", message_index,
                       " of the stream is not a valid IngestRequest (is "
                       "every text field UTF-8?); nothing written")));
    }
    if (!started_) {
      started_ = true;
      meta_.request_id = request_.request_id();
      meta_.source = std::string(absl::StripAsciiWhitespace(request_.source()));
      meta_.writer = service_->config_.writer_label;
      all_or_nothing_ = request_.all_or_nothing();
      if (!meta_.request_id.empty()) {
        auto stored = service_->store_->FindResponse(meta_.request_id);
        if (!stored.ok()) return Reply(ToGrpcStatus(stored.status()));
        if (stored->has_value()) return ReplyReplayed(**stored);
      }
      auto batch = service_->store_->BeginBatch(meta_);
      if (!batch.ok()) return Reply(ToGrpcStatus(batch.status()));
      batch_ = *std::move(batch);
    }
    if (absl::Status s = CheckIngestMessage(request_.records_size(),
                                            static_cast<int64_t>(message_bytes),
                                            service_->config_.message_limits);
        !s.ok()) {
      return Reply(ToGrpcStatus(s));
    }
    for (v1::TradeRecord& record : *request_.mutable_records()) {
      const int64_t index = counts_.received;
      // A null batch_ (all_or_nothing failed) only checks the rest.
      absl::StatusOr<std::optional<FieldError>> error =
          store::ValidateAndUpsert(record, meta_.source, batch_.get(), counts_);
      if (!error.ok()) return Reply(ToGrpcStatus(error.status()));
      if (error->has_value()) Reject(index, **error);
    }
    request_.Clear();
    ReadNext();
  }

  // `error` of record `index`, already counted rejected.
  void Reject(int64_t index, const FieldError& error) {
    if (response_.errors_size() < service_->config_.max_errors) {
      v1::RecordError* out = response_.add_errors();
      out->set_index(index);
      out->set_field(error.field);
      out->set_reason(error.reason);
    }
    if (all_or_nothing_ && batch_ != nullptr) {
      // Nothing of this stream will be written: roll back now and let the
      // next stream write while this one is only checked to the end.
      batch_.reset();
      ReleaseSlotIfHeld();
    }
  }

  // The client half-closed, cancelled, timed out or went away. A failed
  // read looks like a half-close in OnReadDone(false); since
  // grpc/grpc#26245 (2021, well before our 1.51) IsCancelled() is already
  // true when the read failed because the stream broke, so a broken stream
  // is never committed.
  void HandleEnd() {
    if (context_->IsCancelled()) return Reply(Ended("during the stream"));
    response_.set_received(counts_.received);
    response_.set_rejected(counts_.rejected);
    if (!started_) return Reply(grpc::Status::OK);  // empty stream
    if (batch_ == nullptr) {
      // all_or_nothing with an invalid record: every record is refused.
      response_.set_rejected(counts_.received);
      service_->CountOutcomes(response_);
      return Reply(grpc::Status::OK);
    }
    response_.set_batch_id(batch_->batch_id());
    response_.set_data_version(batch_->data_version());
    response_.set_inserted(counts_.inserted);
    response_.set_updated(counts_.updated);
    response_.set_unchanged(counts_.unchanged);
    absl::StatusOr<store::BatchInfo> committed =
        batch_->Commit(counts_, response_.SerializeAsString());
    batch_.reset();
    if (committed.ok()) {
      service_->CountOutcomes(response_);
      service_->last_ingest_->Set(
          absl::ToDoubleSeconds(committed->ingest_time - absl::UnixEpoch()));
      return Reply(grpc::Status::OK);
    }
    if (absl::IsAlreadyExists(committed.status())) {
      // Another writer committed the same request_id while this stream ran.
      auto stored = service_->store_->FindResponse(meta_.request_id);
      if (stored.ok() && stored->has_value()) return ReplyReplayed(**stored);
    }
    response_.Clear();
    Reply(ToGrpcStatus(committed.status()));
  }

  void ReplyReplayed(const std::string& serialized) {
    batch_.reset();
    if (!response_.ParseFromString(serialized)) {
      response_.Clear();
      return Reply(
          grpc::Status(grpc::StatusCode::INTERNAL,
                       absl::StrCat("stored response of request_id ",
                                    meta_.request_id, " is unreadable")));
    }
    response_.set_replayed(true);
    Reply(grpc::Status::OK);
  }

  // Rolls back what is still open and finishes. Tasks that run after it
  // (a read that was outstanding completes) see finished_ and do nothing.
  void Reply(const grpc::Status& status) {
    finished_ = true;
    batch_.reset();
    ReleaseSlotIfHeld();
    if (status.ok()) {
      bool own_buffer = false;
      if (grpc::Status serialized =
              grpc::SerializationTraits<v1::IngestResponse>::Serialize(
                  response_, raw_response_, &own_buffer);
          !serialized.ok()) {
        return Finish(serialized);
      }
    }
    Finish(status);
  }

  // The client is gone: DEADLINE_EXCEEDED when its deadline passed, else
  // CANCELLED.
  grpc::Status Ended(absl::string_view when) const {
    return EndedCallStatus(CallDeadline(context_->deadline()),
                           absl::StrCat(when, "; nothing written"));
  }

  void ReleaseSlotIfHeld() {
    if (!holds_slot_) return;
    holds_slot_ = false;
    service_->DisarmIdleTimer(this);
    service_->ReleaseSlot();
  }

  IngestServiceImpl* const service_;
  grpc::CallbackServerContext* const context_;
  grpc::ByteBuffer* const raw_response_;

  // Touched by OnSlotGranted before the first read, then only on the writer
  // thread (each read is started by the task before).
  grpc::ByteBuffer raw_request_;
  v1::IngestRequest request_;
  v1::IngestResponse response_;
  int64_t messages_ = 0;
  // Reads started, and whether the last one is outstanding: OnIdle's check
  // that the read the timer was armed for is still the one waiting.
  std::atomic<int64_t> reads_{0};
  std::atomic<bool> read_pending_{false};
  bool finished_ = false;
  bool holds_slot_ = false;
  bool started_ = false;
  bool all_or_nothing_ = false;
  store::BatchMeta meta_;
  store::BatchCounts counts_;
  std::unique_ptr<store::BatchWriter> batch_;
};

IngestServiceImpl::IngestServiceImpl(
    IngestServiceConfig config, store::IngestStore* store,
    std::shared_ptr<prometheus::Registry> registry)
    : config_(std::move(config)),
      store_(store),
      registry_(registry != nullptr ? std::move(registry)
                                    : std::make_shared<prometheus::Registry>()),
      idle_watcher_([this] { WatchIdleStreams(); }) {
  auto& records = prometheus::BuildCounter()
                      .Name("evtrade_ingest_records_total")
                      .Help(
                          "Records of the Ingest streams answered OK "
                          "(replays excluded), by outcome.")
                      .Register(*registry_);
  inserted_ = &records.Add({{"outcome", "inserted"}});
  updated_ = &records.Add({{"outcome", "updated"}});
  unchanged_ = &records.Add({{"outcome", "unchanged"}});
  rejected_ = &records.Add({{"outcome", "rejected"}});
  last_ingest_ =
      &prometheus::BuildGauge()
           .Name("evtrade_store_last_ingest_timestamp_seconds")
           .Help(
               "Ingest time of the newest batch in the store (read at "
               "start, then set at each commit of this process), seconds "
               "since the epoch; 0 when the store holds no batch.")
           .Register(*registry_)
           .Add({});
  // A store that cannot be read now leaves 0 until the first commit.
  absl::StatusOr<store::BatchPage> newest =
      store_->ListBatches(1, std::nullopt);
  if (newest.ok() && !newest->batches.empty()) {
    last_ingest_->Set(absl::ToDoubleSeconds(
        newest->batches.front().ingest_time - absl::UnixEpoch()));
  }
}

void IngestServiceImpl::CountOutcomes(const v1::IngestResponse& response) {
  inserted_->Increment(static_cast<double>(response.inserted()));
  updated_->Increment(static_cast<double>(response.updated()));
  unchanged_->Increment(static_cast<double>(response.unchanged()));
  rejected_->Increment(static_cast<double>(response.rejected()));
}

IngestServiceImpl::~IngestServiceImpl() {
  {
    absl::MutexLock lock(&idle_mu_);
    idle_stopping_ = true;
  }
  idle_watcher_.join();
}

void IngestServiceImpl::ArmIdleTimer(IngestReactor* stream, int64_t read) {
  absl::MutexLock lock(&idle_mu_);
  idle_stream_ = stream;
  idle_read_ = read;
  idle_deadline_ = absl::Now() + config_.stream_idle_timeout;
  ++idle_changes_;
}

void IngestServiceImpl::DisarmIdleTimer(IngestReactor* stream) {
  absl::MutexLock lock(&idle_mu_);
  if (idle_stream_ != stream) return;
  idle_stream_ = nullptr;
  ++idle_changes_;
}

void IngestServiceImpl::WatchIdleStreams() {
  absl::MutexLock lock(&idle_mu_);
  while (!idle_stopping_) {
    const int64_t changes = idle_changes_;
    auto changed = [this, changes]() ABSL_SHARED_LOCKS_REQUIRED(idle_mu_) {
      return idle_stopping_ || idle_changes_ != changes;
    };
    if (idle_stream_ == nullptr) {
      idle_mu_.Await(absl::Condition(&changed));
      continue;
    }
    if (absl::Now() < idle_deadline_) {
      idle_mu_.AwaitWithDeadline(absl::Condition(&changed), idle_deadline_);
      continue;
    }
    // Posted while the timer is still armed, hence before the stream can
    // disarm it on its way to Finish: the task runs before the stream's
    // deletion, which OnDone posts later to the same executor.
    IngestReactor* stream = idle_stream_;
    const int64_t read = idle_read_;
    idle_stream_ = nullptr;
    ++idle_changes_;
    writer_.Post([stream, read] { stream->OnIdle(read); });
  }
}

bool IngestServiceImpl::AwaitWriterSlot(size_t waiting,
                                        absl::Duration timeout) {
  absl::MutexLock lock(&slot_mu_);
  auto enough = [this, waiting]() ABSL_SHARED_LOCKS_REQUIRED(slot_mu_) {
    return slot_taken_ && waiting_.size() >= waiting;
  };
  return slot_mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

grpc::Status IngestServiceImpl::Authenticate(
    const grpc::CallbackServerContext& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "authorization: missing 'Bearer <token>' metadata");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "authorization: expected 'Bearer <token>'");
  }
  value.remove_prefix(kScheme.size());
  const absl::string_view presented = absl::StripAsciiWhitespace(value);
  if (!ConstantTimeEquals(config_.token, std::string_view(presented.data(),
                                                          presented.size()))) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "authorization: wrong token");
  }
  return grpc::Status::OK;
}

grpc::ServerReadReactor<grpc::ByteBuffer>* IngestServiceImpl::Ingest(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  auto* stream = new IngestReactor(this, context, response);
  if (grpc::Status auth = Authenticate(*context); !auth.ok()) {
    stream->Finish(auth);  // nothing read, nothing written
  } else {
    RequestSlot(stream);
  }
  return stream;
}

void IngestServiceImpl::RequestSlot(IngestReactor* stream) {
  {
    absl::MutexLock lock(&slot_mu_);
    if (slot_taken_) {
      waiting_.push_back(stream);
      return;
    }
    slot_taken_ = true;
  }
  stream->OnSlotGranted();
}

bool IngestServiceImpl::CancelWaiting(IngestReactor* stream) {
  absl::MutexLock lock(&slot_mu_);
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if (*it == stream) {
      waiting_.erase(it);
      return true;
    }
  }
  return false;
}

void IngestServiceImpl::ReleaseSlot() {
  IngestReactor* next = nullptr;
  {
    absl::MutexLock lock(&slot_mu_);
    if (waiting_.empty()) {
      slot_taken_ = false;
      return;
    }
    next = waiting_.front();
    waiting_.pop_front();
  }
  next->OnSlotGranted();
}

grpc::ServerUnaryReactor* IngestServiceImpl::ListBatches(
    grpc::CallbackServerContext* context, const v1::ListBatchesRequest* request,
    v1::ListBatchesResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (grpc::Status auth = Authenticate(*context); !auth.ok()) {
    reactor->Finish(auth);
    return reactor;
  }
  const absl::StatusOr<int> page_size = PageSize(request->page_size());
  if (!page_size.ok()) {
    reactor->Finish(ToGrpcStatus(page_size.status()));
    return reactor;
  }
  std::optional<int64_t> before;
  if (!request->page_token().empty()) {
    before = DecodePageToken(request->page_token());
    if (!before.has_value()) {
      reactor->Finish(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "page_token: not a token from a previous ListBatches response"));
      return reactor;
    }
  }
  lister_.Post([this, reactor, response, page_size = *page_size, before] {
    absl::StatusOr<store::BatchPage> page =
        store_->ListBatches(page_size, before);
    if (!page.ok()) return reactor->Finish(ToGrpcStatus(page.status()));
    for (const store::BatchInfo& info : page->batches) {
      ToProto(info, *response->add_batches());
    }
    if (page->next_before_batch_id.has_value()) {
      response->set_next_page_token(
          EncodePageToken(*page->next_before_batch_id));
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

}  // namespace evtrade
