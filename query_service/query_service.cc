#include "query_service/query_service.h"

#include <optional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "common/server/data_version_stream.h"
#include "common/server/grpc_status.h"
#include "query_service/queries.h"

namespace evtrade::query {

absl::StatusOr<std::unique_ptr<QueryServiceImpl>> QueryServiceImpl::Create(
    const QueryServiceConfig& config) {
  auto stores = std::make_unique<store::QueryStoreFactory>(config.store);
  auto pool = StoreWorkerPool::Start(
      config.worker_threads,
      [&stores]() -> absl::StatusOr<std::unique_ptr<store::QueryStore>> {
        return stores->Open();
      });
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<QueryServiceImpl>(
      new QueryServiceImpl(std::move(stores), *std::move(pool), config.watch));
}

QueryServiceImpl::QueryServiceImpl(
    std::unique_ptr<store::QueryStoreFactory> stores,
    std::unique_ptr<StoreWorkerPool> pool, const DataVersionWatchConfig& watch)
    : stores_(std::move(stores)),
      pool_(std::move(pool)),
      watch_(std::make_unique<DataVersionWatch>(
          [stores = stores_.get()] { return stores->Open(); }, watch)) {}

template <typename Request, typename Response, typename Parse, typename Answer>
grpc::ServerUnaryReactor* QueryServiceImpl::Dispatch(
    grpc::CallbackServerContext* context, const Request* request,
    Response* response, Parse parse, Answer answer) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto query = parse(*request);
  if (!query.ok()) {
    reactor->Finish(ToGrpcStatus(query.status()));
    return reactor;
  }
  pool_->Post([context, reactor, response, answer,
               query = *std::move(query)](store::QueryStore& store) {
    // A call whose client gave up (or whose deadline passed) while it
    // queued is not worth a read.
    if (context->IsCancelled()) {
      reactor->Finish(EndedCallStatus(CallDeadline(context->deadline()),
                                      "before the read started"));
      return;
    }
    auto result = answer(store, query);
    if (result.ok()) *response = *std::move(result);
    reactor->Finish(ToGrpcStatus(result.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetSeries(
    grpc::CallbackServerContext* context, const v1::GetSeriesRequest* request,
    v1::GetSeriesResponse* response) {
  return Dispatch(context, request, response, ParseGetSeries, AnswerGetSeries);
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetPartnerBreakdown(
    grpc::CallbackServerContext* context,
    const v1::GetPartnerBreakdownRequest* request,
    v1::GetPartnerBreakdownResponse* response) {
  return Dispatch(context, request, response, ParseGetPartnerBreakdown,
                  AnswerGetPartnerBreakdown);
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetPowertrainMix(
    grpc::CallbackServerContext* context,
    const v1::GetPowertrainMixRequest* request,
    v1::GetPowertrainMixResponse* response) {
  return Dispatch(context, request, response, ParseGetPowertrainMix,
                  AnswerGetPowertrainMix);
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetManufacturerBreakdown(
    grpc::CallbackServerContext* context,
    const v1::GetManufacturerBreakdownRequest* request,
    v1::GetManufacturerBreakdownResponse* response) {
  return Dispatch(context, request, response, ParseGetManufacturerBreakdown,
                  AnswerGetManufacturerBreakdown);
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetExporterRanking(
    grpc::CallbackServerContext* context,
    const v1::GetExporterRankingRequest* request,
    v1::GetExporterRankingResponse* response) {
  return Dispatch(context, request, response, ParseGetExporterRanking,
                  AnswerGetExporterRanking);
}

grpc::ServerUnaryReactor* QueryServiceImpl::ListRecords(
    grpc::CallbackServerContext* context, const v1::ListRecordsRequest* request,
    v1::ListRecordsResponse* response) {
  return Dispatch(context, request, response, ParseListRecords,
                  AnswerListRecords);
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetStoreInfo(
    grpc::CallbackServerContext* context,
    const v1::GetStoreInfoRequest* request,
    v1::GetStoreInfoResponse* response) {
  return Dispatch(context, request, response, ParseGetStoreInfo,
                  AnswerGetStoreInfo);
}

namespace {

// One WatchDataVersion stream, told by the store's watch. The watch calls
// it with its lock held, which DataVersionStream allows.
class WatchReactor final : public DataVersionStream,
                           public DataVersionListener {
 public:
  explicit WatchReactor(DataVersionWatch* watch) : watch_(watch) {
    watch_->Subscribe(this);
  }

  void OnDataVersion(int64_t data_version) override { Tell(data_version); }
  void OnWatchEnded(const absl::Status& status) override {
    End(ToGrpcStatus(status));
  }

 private:
  void Detach() override { watch_->Unsubscribe(this); }

  DataVersionWatch* const watch_;
};

}  // namespace

grpc::ServerWriteReactor<v1::WatchDataVersionResponse>*
QueryServiceImpl::WatchDataVersion(
    grpc::CallbackServerContext* /*context*/,
    const v1::WatchDataVersionRequest* /*request*/) {
  return new WatchReactor(watch_.get());
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetReportFacts(
    grpc::CallbackServerContext* context,
    const v1::GetReportFactsRequest* request,
    v1::GetReportFactsResponse* response) {
  return Dispatch(context, request, response, ParseGetReportFacts,
                  AnswerGetReportFacts);
}

}  // namespace evtrade::query
