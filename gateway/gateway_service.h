// The gRPC adapters of the gateway: evtrade.v1.GatewayService, and
// evtrade.v1.QueryService served by forwarding to the query backend.
#ifndef EVTRADE_GATEWAY_GATEWAY_SERVICE_H_
#define EVTRADE_GATEWAY_GATEWAY_SERVICE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "absl/time/time.h"
#include "evtrade/v1/gateway_service.grpc.pb.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "gateway/market_reports.h"
#include "gateway/query_client.h"

namespace evtrade::gateway {

// The caller's deadline of a server call (far future when it set none).
absl::Time CallerDeadline(const grpc::CallbackServerContext& context);

// GatewayService on the callback API: no gRPC thread waits on the backend.
// Thread-safe; `reports` is not owned and must outlive the server.
class GatewayServiceImpl final : public v1::GatewayService::CallbackService {
 public:
  explicit GatewayServiceImpl(MarketReports* reports) : reports_(reports) {}

  grpc::ServerUnaryReactor* GetMarketReport(
      grpc::CallbackServerContext* context,
      const v1::GetMarketReportRequest* request,
      v1::MarketReport* response) override;
  grpc::ServerUnaryReactor* CompareReporters(
      grpc::CallbackServerContext* context,
      const v1::CompareReportersRequest* request,
      v1::CompareReportersResponse* response) override;

 private:
  MarketReports* reports_;
};

// QueryService by forwarding every RPC to the backend, with the caller's
// deadline (less QueryClient's margin). Requests and answers pass through
// untouched: validation and errors are the backend's.
// Thread-safe; `client` is not owned and must outlive the server.
class QueryForwarder final : public v1::QueryService::CallbackService {
 public:
  explicit QueryForwarder(QueryClient* client) : client_(client) {}

  grpc::ServerUnaryReactor* GetSeries(grpc::CallbackServerContext* context,
                                      const v1::GetSeriesRequest* request,
                                      v1::GetSeriesResponse* response) override;
  grpc::ServerUnaryReactor* GetPartnerBreakdown(
      grpc::CallbackServerContext* context,
      const v1::GetPartnerBreakdownRequest* request,
      v1::GetPartnerBreakdownResponse* response) override;
  grpc::ServerUnaryReactor* GetPowertrainMix(
      grpc::CallbackServerContext* context,
      const v1::GetPowertrainMixRequest* request,
      v1::GetPowertrainMixResponse* response) override;
  grpc::ServerUnaryReactor* GetManufacturerBreakdown(
      grpc::CallbackServerContext* context,
      const v1::GetManufacturerBreakdownRequest* request,
      v1::GetManufacturerBreakdownResponse* response) override;
  grpc::ServerUnaryReactor* GetExporterRanking(
      grpc::CallbackServerContext* context,
      const v1::GetExporterRankingRequest* request,
      v1::GetExporterRankingResponse* response) override;
  grpc::ServerUnaryReactor* ListRecords(
      grpc::CallbackServerContext* context,
      const v1::ListRecordsRequest* request,
      v1::ListRecordsResponse* response) override;
  grpc::ServerUnaryReactor* GetStoreInfo(
      grpc::CallbackServerContext* context,
      const v1::GetStoreInfoRequest* request,
      v1::GetStoreInfoResponse* response) override;

 private:
  QueryClient* client_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_GATEWAY_SERVICE_H_
