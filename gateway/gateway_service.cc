#include "gateway/gateway_service.h"

#include <utility>

#include "common/server/grpc_status.h"

namespace evtrade::gateway {
namespace {

// A completion callback that finishes `reactor` with the result; the
// response object stays valid until Finish (gRPC owns it until OnDone).
template <typename Response>
Callback<Response> FinishWith(grpc::ServerUnaryReactor* reactor,
                              Response* response) {
  return [reactor, response](absl::StatusOr<Response> result) {
    if (!result.ok()) {
      reactor->Finish(ToGrpcStatus(result.status()));
      return;
    }
    *response = *std::move(result);
    reactor->Finish(grpc::Status::OK);
  };
}

}  // namespace

absl::Time CallerDeadline(const grpc::CallbackServerContext& context) {
  return CallDeadline(context.deadline());
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GetMarketReport(
    grpc::CallbackServerContext* context,
    const v1::GetMarketReportRequest* request, v1::MarketReport* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reports_->GetReport(*request, CallerDeadline(*context),
                      FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::CompareReporters(
    grpc::CallbackServerContext* context,
    const v1::CompareReportersRequest* request,
    v1::CompareReportersResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reports_->CompareReporters(*request, CallerDeadline(*context),
                             FinishWith(reactor, response));
  return reactor;
}

#define EVTRADE_FORWARD_METHOD(Method)                                      \
  grpc::ServerUnaryReactor* QueryForwarder::Method(                         \
      grpc::CallbackServerContext* context,                                 \
      const v1::Method##Request* request, v1::Method##Response* response) { \
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();          \
    client_->Method(*request, CallerDeadline(*context),                     \
                    FinishWith(reactor, response));                         \
    return reactor;                                                         \
  }

EVTRADE_FORWARD_METHOD(GetSeries)
EVTRADE_FORWARD_METHOD(GetPartnerBreakdown)
EVTRADE_FORWARD_METHOD(GetPowertrainMix)
EVTRADE_FORWARD_METHOD(GetManufacturerBreakdown)
EVTRADE_FORWARD_METHOD(GetExporterRanking)
EVTRADE_FORWARD_METHOD(ListRecords)
EVTRADE_FORWARD_METHOD(GetStoreInfo)

#undef EVTRADE_FORWARD_METHOD

}  // namespace evtrade::gateway
