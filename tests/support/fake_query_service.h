// A fake evtrade.v1.QueryService for gateway tests: canned answers per RPC
// (a function of the request), a controllable delay per RPC, and counters of
// calls and of calls in flight. Served in-process on 127.0.0.1.
#ifndef EVTRADE_TESTS_SUPPORT_FAKE_QUERY_SERVICE_H_
#define EVTRADE_TESTS_SUPPORT_FAKE_QUERY_SERVICE_H_

#include <grpcpp/server.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "evtrade/v1/query_service.grpc.pb.h"

namespace evtrade::testing {

template <typename Request, typename Response>
using FakeHandler =
    std::function<absl::StatusOr<Response>(const Request& request)>;

// Thread-safe. An RPC without a handler answers UNIMPLEMENTED. Delayed
// answers are sent from helper threads, so delays never hold gRPC's
// threads; the destructor wakes and joins them (delayed calls then answer at
// once). Destroy the server (FakeQueryBackend) before the service.
class FakeQueryService final : public v1::QueryService::CallbackService {
 public:
  FakeQueryService() = default;
  ~FakeQueryService() override;

  void OnGetSeries(FakeHandler<v1::GetSeriesRequest, v1::GetSeriesResponse> h);
  void OnGetPartnerBreakdown(FakeHandler<v1::GetPartnerBreakdownRequest,
                                         v1::GetPartnerBreakdownResponse>
                                 h);
  void OnGetPowertrainMix(
      FakeHandler<v1::GetPowertrainMixRequest, v1::GetPowertrainMixResponse> h);
  void OnGetManufacturerBreakdown(
      FakeHandler<v1::GetManufacturerBreakdownRequest,
                  v1::GetManufacturerBreakdownResponse>
          h);
  void OnGetExporterRanking(
      FakeHandler<v1::GetExporterRankingRequest, v1::GetExporterRankingResponse>
          h);
  void OnListRecords(
      FakeHandler<v1::ListRecordsRequest, v1::ListRecordsResponse> h);
  void OnGetStoreInfo(
      FakeHandler<v1::GetStoreInfoRequest, v1::GetStoreInfoResponse> h);
  // Without a handler GetReportFacts answers UNIMPLEMENTED, as an older
  // query service does: the gateway then asks for the six parts.
  void OnGetReportFacts(
      FakeHandler<v1::GetReportFactsRequest, v1::GetReportFactsResponse> h);

  // WatchDataVersion: UNIMPLEMENTED until EnableWatch; then each stream is
  // told `data_version` at once, and every PublishDataVersion after.
  void EnableWatch(int64_t data_version);
  void PublishDataVersion(int64_t data_version);
  // Ends every open watch stream with UNAVAILABLE (a lost watch).
  void EndWatches();
  // Watch streams open now.
  int OpenWatches() const;

  // Answers every delayed call now, and later ones without delay; ends the
  // watch streams and refuses new ones. Call it before stopping the
  // server, whose shutdown waits for open calls.
  void ReleaseDelayed();

  // Every answer of `method` (e.g. "GetSeries") waits this long first.
  void SetDelay(const std::string& method, absl::Duration delay);

  // Calls received so far of `method` (unary methods; watch streams are
  // counted by OpenWatches).
  int Calls(const std::string& method) const;
  // All calls received, of every method.
  int TotalCalls() const;
  // The most calls that were in flight (received, not yet answered) at once.
  int MaxInFlight() const;
  // The deadline the last call of `method` arrived with.
  absl::Time LastDeadline(const std::string& method) const;
  // The requests received of `method`, in text format, in arrival order.
  std::vector<std::string> Requests(const std::string& method) const;

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
  grpc::ServerUnaryReactor* GetReportFacts(
      grpc::CallbackServerContext* context,
      const v1::GetReportFactsRequest* request,
      v1::GetReportFactsResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchDataVersionResponse>* WatchDataVersion(
      grpc::CallbackServerContext* context,
      const v1::WatchDataVersionRequest* request) override;

 private:
  class FakeWatch;
  void ForgetWatch(FakeWatch* watch);

  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Handle(
      const std::string& method, grpc::CallbackServerContext* context,
      const Request* request, Response* response,
      FakeHandler<Request, Response> FakeQueryService::*handler);

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, absl::Duration> delays_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::vector<std::string>> requests_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::Time> deadlines_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int max_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> delayed_ ABSL_GUARDED_BY(mu_);
  std::optional<int64_t> watch_version_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<FakeWatch*> watches_ ABSL_GUARDED_BY(mu_);

  FakeHandler<v1::GetSeriesRequest, v1::GetSeriesResponse> series_
      ABSL_GUARDED_BY(mu_);
  FakeHandler<v1::GetPartnerBreakdownRequest, v1::GetPartnerBreakdownResponse>
      partners_ ABSL_GUARDED_BY(mu_);
  FakeHandler<v1::GetPowertrainMixRequest, v1::GetPowertrainMixResponse> mix_
      ABSL_GUARDED_BY(mu_);
  FakeHandler<v1::GetManufacturerBreakdownRequest,
              v1::GetManufacturerBreakdownResponse>
      manufacturers_ ABSL_GUARDED_BY(mu_);
  FakeHandler<v1::GetExporterRankingRequest, v1::GetExporterRankingResponse>
      ranking_ ABSL_GUARDED_BY(mu_);
  FakeHandler<v1::ListRecordsRequest, v1::ListRecordsResponse> records_
      ABSL_GUARDED_BY(mu_);
  FakeHandler<v1::GetStoreInfoRequest, v1::GetStoreInfoResponse> store_info_
      ABSL_GUARDED_BY(mu_);
  FakeHandler<v1::GetReportFactsRequest, v1::GetReportFactsResponse>
      report_facts_ ABSL_GUARDED_BY(mu_);
};

// A gRPC server on 127.0.0.1 serving one service (and grpc.health.v1,
// SERVING). Shuts down in its destructor.
class InProcessServer {
 public:
  // `port` 0 picks a free port. Null when the port cannot be bound.
  static std::unique_ptr<InProcessServer> Start(
      const std::vector<grpc::Service*>& services, int port = 0);
  ~InProcessServer();

  int port() const { return port_; }
  std::string address() const;
  grpc::Server* server() { return server_.get(); }

 private:
  InProcessServer(std::unique_ptr<grpc::Server> server, int port)
      : server_(std::move(server)), port_(port) {}
  std::unique_ptr<grpc::Server> server_;
  int port_;
};

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_FAKE_QUERY_SERVICE_H_
